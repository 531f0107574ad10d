// The models SwinFUSE can run: the ones bundled with the extension and the ones the user imported or fine-tuned,
// each an .onnx file with its model card beside it. vscode-free (node:fs: onnxruntime needs local paths anyway), so
// the Segment command, the Models view and the tests share one set of rules for which model a setting means.
import { readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { readModelCard } from '../../core/inference/model-card-file';
import { checkModelFile } from '../../core/inference/ort-session';
import { cardPathFor, type ModelCard } from '../../core/models';
import { DEFAULT_MODEL_NAME } from '../../core/models/bundled-models';
import { Emitter } from '../viewer/emitter';
import type { Logger } from '../viewer/host-ports';

export type ModelOrigin = 'bundled' | 'imported' | 'fine-tuned';

export interface ModelEntry {
  /** The file name without .onnx: what the Models view shows and what `swinfuse.model` may name. */
  readonly name: string;
  readonly path: string;
  readonly origin: ModelOrigin;
  /** Null when the card is missing or invalid; `problem` then says why. */
  readonly card: ModelCard | null;
  /** Why the model cannot be used (missing or invalid card, empty model file); such a model is never chosen. */
  readonly problem: string | null;
  readonly isDefault: boolean;
}

export type ModelChoice =
  | { kind: 'model'; entry: ModelEntry }
  | { kind: 'choose'; entries: ModelEntry[] }
  | { kind: 'none' }
  | { kind: 'error'; message: string };

export const MODEL_SETTING = 'swinfuse.model';
/** The bundled model an empty `swinfuse.model` means when the extension ships several (defined beside the CLI's). */
export { DEFAULT_MODEL_NAME };

const ORIGIN_ORDER: Readonly<Record<ModelOrigin, number>> = { bundled: 0, imported: 1, 'fine-tuned': 2 };

export class ModelRegistry {
  private entries: ModelEntry[] | null = null;
  /** Problems already logged, so a refresh does not repeat them. */
  private readonly reported = new Set<string>();
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly folders: { readonly bundled: string; readonly user: string }, private readonly log: Logger) {}

  /** Where imports (and fine-tuned models) are written. It may not exist yet. */
  get userFolder(): string {
    return this.folders.user;
  }

  /** Bundled, then imported, then fine-tuned; by name within each. Read from disk on first use and on refresh(). */
  list(): ModelEntry[] {
    this.entries ??= this.scan();
    return [...this.entries];
  }

  /** Re-reads both folders (after an import, a delete, or files changed by hand) and tells listeners. */
  refresh(): void {
    this.entries = this.scan();
    this.changed.fire(undefined, (err) => this.log.error(`models: a change listener failed: ${String(err)}`));
  }

  /**
   * What `swinfuse.model` means:
   * - empty: the default model (see isDefault), else the only usable model, else 'choose' among the usable ones;
   *   'none' when there are no models at all, 'error' when there are some but none is usable;
   * - ending in .onnx: that file, absolute (or ~/…) or relative to `workspaceFolder`, which must exist with a valid
   *   card beside it;
   * - otherwise a model's name. On a clash the user's model (imported or fine-tuned) wins over a bundled one: the
   *   user chose that name, and an extension update that ships a model of the same name must not take it over.
   */
  resolve(setting: string, workspaceFolder?: string): ModelChoice {
    const value = setting.trim();
    if (!value) return this.resolveDefault();
    if (/\.onnx$/i.test(value)) return this.resolvePath(value, workspaceFolder);
    return this.resolveName(value);
  }

  /** Deletes an imported or fine-tuned model's .onnx and card, then refreshes. Bundled models are never deleted. */
  async remove(entry: ModelEntry): Promise<void> {
    if (entry.origin === 'bundled' || resolve(dirname(entry.path)) !== resolve(this.folders.user)) {
      throw new Error(`${entry.path}: only imported and fine-tuned models (in ${this.folders.user}) can be deleted`);
    }
    // The model first: should the card's removal fail, an orphan card is harmless, an orphan model is listed broken.
    await rm(entry.path, { force: true });
    await rm(cardPathFor(entry.path), { force: true });
    this.log.info(`models: deleted ${entry.path} and its card`);
    this.refresh();
  }

  dispose(): void {
    this.changed.dispose();
  }

  private resolveDefault(): ModelChoice {
    const entries = this.list();
    const chosen = entries.find((e) => e.isDefault);
    if (chosen) return { kind: 'model', entry: chosen };
    const usable = entries.filter((e) => !e.problem);
    if (usable.length === 1) return { kind: 'model', entry: usable[0]! };
    if (usable.length > 1) return { kind: 'choose', entries: usable };
    if (entries.length === 0) return { kind: 'none' };
    return { kind: 'error', message: `no usable SwinFUSE model: ${entries.map((e) => `${e.name} (${e.problem})`).join('; ')}` };
  }

  private resolvePath(value: string, workspaceFolder: string | undefined): ModelChoice {
    const expanded = /^~[/\\]/.test(value) ? join(homedir(), value.slice(2)) : value;
    if (!isAbsolute(expanded) && !workspaceFolder) {
      return { kind: 'error', message: `${MODEL_SETTING} is the relative path "${value}", but no workspace folder is open to resolve it against; give an absolute path or a model's name` };
    }
    const path = resolve(workspaceFolder ?? '', expanded);
    const entry = this.list().find((e) => resolve(e.path) === path) ?? this.readEntry(path, 'user', false);
    if (entry.problem) return { kind: 'error', message: `${MODEL_SETTING} is "${value}", which cannot be used: ${entry.problem}` };
    return { kind: 'model', entry };
  }

  private resolveName(name: string): ModelChoice {
    const entries = this.list();
    const matches = entries.filter((e) => e.name === name);
    const entry = matches.find((e) => e.origin !== 'bundled') ?? matches[0];
    if (entry?.problem) return { kind: 'error', message: `${MODEL_SETTING} names the model "${name}", which cannot be used: ${entry.problem}` };
    if (entry) return { kind: 'model', entry };
    const available = [...new Set(entries.filter((e) => !e.problem).map((e) => e.name))];
    const pathHint = /[/\\]/.test(name) ? ' (a path must end in .onnx)' : '';
    return {
      kind: 'error',
      message: `${MODEL_SETTING} names "${name}", but there is no model of that name${pathHint}; ` + (available.length
        ? `available: ${available.join(', ')}`
        : 'there are no usable models yet: import one with "SwinFUSE: Import Checkpoint…"'),
    };
  }

  private scan(): ModelEntry[] {
    const bundled = this.scanFolder(this.folders.bundled, 'bundled');
    // The default is designated among bundled models only: imports come and go, the extension's own model stays.
    const candidate = bundled.find((e) => e.name === DEFAULT_MODEL_NAME) ?? (bundled.length === 1 ? bundled[0] : undefined);
    const entries = [
      ...bundled.map((e) => (e === candidate && !e.problem ? { ...e, isDefault: true } : e)),
      ...this.scanFolder(this.folders.user, 'user'),
    ];
    for (const e of entries) {
      const key = `${e.path}\n${e.problem}`;
      if (e.problem && !this.reported.has(key)) {
        this.reported.add(key);
        this.log.warn(`models: ${e.path} is listed but cannot be used: ${e.problem}`);
      }
    }
    return entries.sort((a, b) => ORIGIN_ORDER[a.origin] - ORIGIN_ORDER[b.origin] || a.name.localeCompare(b.name));
  }

  /**
   * The .onnx files in `folder`. Bundled models may also sit one level down, `models/NAME/NAME.onnx` (see
   * bundledModelFile), so the bundled folder's subfolders are listed too, but no deeper: a model's data (its
   * `sample/` case) lies below that and holds no models, so it is never read and never warned about. The user
   * folder stays flat: imports and fine-tuning write there, and remove() deletes only from there.
   */
  private scanFolder(folder: string, where: 'bundled' | 'user'): ModelEntry[] {
    const names = this.listFolder(folder);
    if (!names) return [];
    const files = names.filter((n) => /\.onnx$/i.test(n) && isFile(join(folder, n))).map((n) => join(folder, n));
    if (where === 'bundled') {
      for (const sub of names.filter((n) => isDirectory(join(folder, n))).sort()) {
        const inside = this.listFolder(join(folder, sub)) ?? [];
        files.push(...inside.filter((n) => /\.onnx$/i.test(n) && isFile(join(folder, sub, n))).map((n) => join(folder, sub, n)));
      }
    }
    return files.map((path) => this.readEntry(path, where, false));
  }

  /** The names in `folder`, or undefined when it cannot be listed (logged unless it does not exist). */
  private listFolder(folder: string): string[] | undefined {
    try {
      return readdirSync(folder);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // No user folder until the first import; no bundled folder in a development checkout without models.
      if (code !== 'ENOENT') this.log.warn(`models: cannot list ${folder} (${code ?? String(err)})`);
      return undefined;
    }
  }

  private readEntry(path: string, where: 'bundled' | 'user', isDefault: boolean): ModelEntry {
    const name = basename(path).replace(/\.onnx$/i, '');
    let card: ModelCard | null = null;
    let problem: string | null = null;
    try {
      checkModelFile(path);
      card = readModelCard(path);
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
    // Fine-tuning writes into the user folder too; its card's lineage records the steps, an import's is empty.
    const fineTuned = Array.isArray(card?.lineage) && card.lineage.length > 0;
    const origin: ModelOrigin = where === 'bundled' ? 'bundled' : fineTuned ? 'fine-tuned' : 'imported';
    return { name, path, origin, card, problem, isDefault };
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
