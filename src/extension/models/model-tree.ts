// What the Models view shows, decided without the vscode module: the groups, each model's label, one-line summary,
// tooltip (Markdown source), icon and context value. models-view.ts only turns these into vscode.TreeItems.
import type { Arch, ModelCard } from '../../core/models';
import type { ModelEntry, ModelOrigin } from './model-registry';

export type ModelNode =
  | { readonly kind: 'group'; readonly origin: ModelOrigin; readonly entries: readonly ModelEntry[] }
  | { readonly kind: 'model'; readonly entry: ModelEntry };

export interface NodeLook {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  /** Markdown source; models-view.ts wraps it in a vscode.MarkdownString. */
  readonly tooltip: string;
  /** `model-<origin>` for models: the manifest's menus match /^model/ and /^model-(imported|fine-tuned)/. */
  readonly contextValue: string;
  /** A codicon id, or null for none. */
  readonly icon: string | null;
  readonly expandable: boolean;
}

const GROUP_LABELS: Readonly<Record<ModelOrigin, string>> = { bundled: 'Bundled', imported: 'Imported', 'fine-tuned': 'Fine-tuned' };
const ORIGINS: readonly ModelOrigin[] = ['bundled', 'imported', 'fine-tuned'];

export function archLabel(arch: Arch): string {
  return arch === 'swinfuse' ? 'SwinFUSE' : 'SwinUNETR';
}

/** "SwinFUSE · 4 → 3 · roi 96": architecture, input → output channels, window size. */
export function modelSummary(card: Pick<ModelCard, 'arch' | 'inChannels' | 'outChannels' | 'roi'>): string {
  return `${archLabel(card.arch)} · ${card.inChannels} → ${card.outChannels} · roi ${card.roi}`;
}

/** The non-empty groups, in a fixed order; none at all when there are no models (the manifest's welcome shows). */
export function rootNodes(entries: readonly ModelEntry[]): ModelNode[] {
  return ORIGINS
    .map((origin) => ({ kind: 'group' as const, origin, entries: entries.filter((e) => e.origin === origin) }))
    .filter((g) => g.entries.length > 0);
}

export function childNodes(node: ModelNode): ModelNode[] {
  return node.kind === 'group' ? node.entries.map((entry) => ({ kind: 'model' as const, entry })) : [];
}

/** `inUsePath`: the file `swinfuse.model` resolves to now, if any. */
export function lookOf(node: ModelNode, inUsePath: string | null): NodeLook {
  if (node.kind === 'group') {
    return {
      id: `group:${node.origin}`, label: GROUP_LABELS[node.origin], description: '', tooltip: '',
      contextValue: `group-${node.origin}`, icon: null, expandable: true,
    };
  }
  const { entry } = node;
  const base = { id: `model:${entry.path}`, label: entry.name, contextValue: `model-${entry.origin}`, expandable: false };
  if (entry.problem || !entry.card) {
    const problem = entry.problem ?? 'no model card';
    return {
      ...base, description: problem, icon: 'warning',
      tooltip: `**${md(entry.name)}** cannot be used\n\n${md(problem)}\n\nFile: ${md(entry.path)}`,
    };
  }
  const inUse = inUsePath !== null && inUsePath === entry.path;
  return {
    ...base,
    description: `${modelSummary(entry.card)}${inUse ? ' (in use)' : ''}`,
    icon: inUse ? 'pass-filled' : 'circuit-board',
    tooltip: modelTooltip(entry, entry.card, inUse),
  };
}

function modelTooltip(entry: ModelEntry, card: ModelCard, inUse: boolean): string {
  const steps = Array.isArray(card.lineage) ? card.lineage.length : 0;
  const rows: [string, string][] = [
    ['Channels', card.channels.join(', ')],
    ['Labels', labelNames(card)],
    ['Orientation', card.orientation],
    ['Weights', card.weightsDtype],
    ['Source', `${card.source?.checkpoint ?? '?'} (sha256 ${shortHash(card.source?.sha256)})`],
    ['Created', card.created ?? '?'],
    ['Lineage', steps ? `${steps} fine-tuning step${steps === 1 ? '' : 's'}` : 'none (not fine-tuned)'],
    ['File', entry.path],
  ];
  const flags = [entry.origin, ...(entry.isDefault ? ['default'] : []), ...(inUse ? ['in use'] : [])].join(', ');
  return `**${md(entry.name)}** — ${md(modelSummary(card))} (${md(flags)})\n\n` +
    rows.map(([k, v]) => `- ${k}: ${md(v)}`).join('\n');
}

/** "1 necrotic core, 2 edema, 4 enhancing tumor": the mask values the model writes, with their names. */
export function labelNames(card: Pick<ModelCard, 'labels'>): string {
  const labels = card.labels;
  if (labels.scheme === 'brats') return Object.entries(labels.names).map(([value, name]) => `${value} ${name}`).join(', ');
  return labels.classes.map((c) => `${c.label} ${c.name}`).join(', ');
}

function shortHash(sha: string | undefined): string {
  return typeof sha === 'string' && sha.length > 12 ? `${sha.slice(0, 12)}…` : sha ?? '?';
}

/** Escapes Markdown so names and paths show as typed (underscores in file names would otherwise italicise). */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}
