// What the Models view shows, decided without the vscode module: the groups, each model's label, one-line summary,
// tooltip (Markdown source), icon and context value. models-view.ts only turns these into vscode.TreeItems.
import { labelNamesOf, type Arch, type ModelCard } from '../../core/models';
import { asLineageEntry, lineageLine, lineageParent, lineageShort } from '../finetune/lineage-format';
import type { ModelEntry, ModelOrigin } from './model-registry';

export type ModelNode =
  | { readonly kind: 'group'; readonly origin: ModelOrigin; readonly entries: readonly ModelEntry[] }
  | { readonly kind: 'model'; readonly entry: ModelEntry }
  /** One fine-tuning run in a model's lineage (`index` into card.lineage, oldest first). */
  | { readonly kind: 'lineage'; readonly entry: ModelEntry; readonly index: number };

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
  /** For expandable nodes: shown collapsed (a fine-tuned model's lineage) rather than expanded (a group). */
  readonly collapsed?: boolean;
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

/** A group's models; a usable fine-tuned model's lineage runs, oldest first; nothing under a run. */
export function childNodes(node: ModelNode): ModelNode[] {
  if (node.kind === 'group') return node.entries.map((entry) => ({ kind: 'model' as const, entry }));
  if (node.kind === 'model') return lineageOf(node.entry).map((_, index) => ({ kind: 'lineage' as const, entry: node.entry, index }));
  return [];
}

function lineageOf(entry: ModelEntry): readonly unknown[] {
  return !entry.problem && Array.isArray(entry.card?.lineage) ? entry.card.lineage : [];
}

/** `inUsePath`: the file `swinfuse.model` resolves to now, if any. */
export function lookOf(node: ModelNode, inUsePath: string | null): NodeLook {
  if (node.kind === 'group') {
    return {
      id: `group:${node.origin}`, label: GROUP_LABELS[node.origin], description: '', tooltip: '',
      contextValue: `group-${node.origin}`, icon: null, expandable: true,
    };
  }
  if (node.kind === 'lineage') return lineageLook(node.entry, node.index);
  const { entry } = node;
  const runs = lineageOf(entry).length;
  const base = { id: `model:${entry.path}`, label: entry.name, contextValue: `model-${entry.origin}`, expandable: runs > 0, collapsed: true };
  if (entry.problem || !entry.card) {
    const problem = entry.problem ?? 'no model card';
    return {
      ...base, description: problem, icon: 'warning',
      tooltip: `**${md(entry.name)}** cannot be used\n\n${md(problem)}\n\nFile: ${md(entry.path)}`,
    };
  }
  const inUse = inUsePath !== null && inUsePath === entry.path;
  const parent = lineageParent(entry.card.lineage);
  return {
    ...base,
    description: `${modelSummary(entry.card)}${parent ? ` · from ${parent}` : ''}${inUse ? ' (in use)' : ''}`,
    icon: inUse ? 'pass-filled' : 'circuit-board',
    tooltip: modelTooltip(entry, entry.card, inUse),
  };
}

function modelTooltip(entry: ModelEntry, card: ModelCard, inUse: boolean): string {
  const runCount = Array.isArray(card.lineage) ? card.lineage.length : 0;
  const rows: [string, string][] = [
    ['Channels', card.channels.join(', ')],
    ['Labels', labelNames(card)],
    ['Orientation', card.orientation],
    ['Weights', card.weightsDtype],
    ['Source', `${card.source?.checkpoint ?? '?'} (sha256 ${shortHash(card.source?.sha256)})`],
    ['Created', card.created ?? '?'],
    ['Lineage', runCount ? `${runCount} fine-tuning run${runCount === 1 ? '' : 's'}` : 'none (not fine-tuned)'],
    ['File', entry.path],
  ];
  const flags = [entry.origin, ...(entry.isDefault ? ['default'] : []), ...(inUse ? ['in use'] : [])].join(', ');
  const runs = runCount ? card.lineage.map((run, i) => `\n  ${i + 1}. ${md(lineageLine(run))}`).join('') : '';
  return `**${md(entry.name)}** — ${md(modelSummary(card))} (${md(flags)})\n\n` +
    rows.map(([k, v]) => `- ${k}: ${md(v)}${k === 'Lineage' ? runs : ''}`).join('\n');
}

/** One lineage run as a child of its model: "1. from BASE", "on case.nii.gz · decoder · 20 steps · loss …". */
function lineageLook(entry: ModelEntry, index: number): NodeLook {
  const value = lineageOf(entry)[index];
  const run = asLineageEntry(value);
  return {
    id: `lineage:${entry.path}:${index}`,
    label: run ? `${index + 1}. from ${run.base.name}` : `${index + 1}. (unreadable entry)`,
    description: run ? lineageShort(run) : '',
    tooltip: `**${md(entry.name)}**, fine-tuning run ${index + 1}: ${md(lineageLine(value))}`,
    contextValue: 'lineage',
    icon: 'history',
    expandable: false,
  };
}

/** "1 necrotic core, 2 edema, 4 enhancing tumor": the mask values the model writes, with their names. */
export function labelNames(card: Pick<ModelCard, 'labels'>): string {
  return [...labelNamesOf(card.labels)].map(([value, name]) => `${value} ${name}`).join(', ');
}

function shortHash(sha: string | undefined): string {
  return typeof sha === 'string' && sha.length > 12 ? `${sha.slice(0, 12)}…` : sha ?? '?';
}

/** Escapes Markdown so names and paths show as typed (underscores in file names would otherwise italicise). */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}
