// SwinFUSE: Segment, Accept Proposal… and Discard Proposal: the VS Code side. The run itself (channels, worker,
// proposal) is segment-run.ts, the texts segment-messages.ts; this file asks, shows progress and reports.
import * as vscode from 'vscode';
import type { DeviceRequest } from '../../core/inference';
import type { AcceptChoice } from '../../core/labels/proposal-accept';
import type { ModelRegistry, ModelEntry } from '../models/model-registry';
import { pickModel } from '../models/models-commands';
import type { NiftiDocument } from '../viewer/nifti-document';
import type { NiftiEditorProvider } from '../viewer/nifti-editor-provider';
import type { ChannelPicker } from './channel-resolution';
import { describeFailure, describeProposal, progressLine, runLogLine } from './segment-messages';
import { segmentScan, type SegmentSettings } from './segment-run';

type Document = NiftiDocument<vscode.Uri>;

export interface SegmentDeps {
  readonly provider: NiftiEditorProvider;
  readonly registry: ModelRegistry;
  readonly log: vscode.LogOutputChannel;
  /** dist/inference-worker.js of this extension. */
  readonly workerScript: string;
}

export function registerSegmentCommands(deps: SegmentDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('swinfuse.segment', (uri?: unknown) => segmentCommand(deps, uri)),
    vscode.commands.registerCommand('swinfuse.acceptProposal', () => acceptCommand(deps)),
    vscode.commands.registerCommand('swinfuse.discardProposal', () => discardCommand(deps)),
  );
}

function targetDocument(deps: SegmentDeps, uri: unknown): Document | undefined {
  const document = uri instanceof vscode.Uri ? deps.provider.documentFor(uri) : deps.provider.activeDocument();
  if (!document || document.state.kind !== 'loaded') {
    void vscode.window.showWarningMessage('SwinFUSE: Segment works on an image open in the SwinFUSE viewer; open a .nii or .nii.gz file first.');
    return undefined;
  }
  return document;
}

async function segmentCommand(deps: SegmentDeps, uri: unknown): Promise<void> {
  const document = targetDocument(deps, uri);
  if (!document) return;
  const { segmentation, scan } = document.state.kind === 'loaded' ? document.state : (undefined as never);
  if (segmentation.isRunning) {
    const answer = await vscode.window.showInformationMessage(`SwinFUSE: ${document.name} is already being segmented.`, 'Cancel That Run');
    if (answer) segmentation.cancel();
    return;
  }
  const model = await chooseModel(deps, document.uri);
  if (!model?.card) return;
  const settings = readSegmentSettings(document.uri, deps.log);
  const host = deps.provider.hostFor(document);
  const { id, signal } = segmentation.begin(model.card.name);
  deps.log.info(`${document.name}: segmenting with ${model.name} (${model.path}), device ${settings.device}, threads ${settings.threads || 'auto'}, overlap ${settings.overlap}`);
  try {
    const run = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, cancellable: true,
      title: `SwinFUSE: segmenting ${document.name} with ${model.name}`,
    }, async (progress, token) => {
      token.onCancellationRequested(() => segmentation.cancel());
      let reported = 0;
      return segmentScan(document.uri, scan, await document.folderFiles(host), { path: model.path, card: model.card! }, settings, id, {
        host, workerScript: deps.workerScript, picker: channelPicker(model.name), signal,
        onStatus: (status) => {
          segmentation.progress(status);
          const percent = status.total > 0 ? (100 * status.done) / status.total : 0;
          progress.report({ message: progressLine(status), increment: percent - reported });
          reported = percent;
        },
      });
    });
    deps.log.info(runLogLine(document.name, model.path, run));
    await segmentation.show(run.proposal);
    void vscode.window.showInformationMessage(`SwinFUSE: proposal for ${document.name} from ${model.name}: ${describeProposal(run.proposal)}. `
      + 'Review it in the viewer, then accept or discard it.');
  } catch (err) {
    const failure = describeFailure(document.name, err);
    if (failure.kind === 'cancelled') {
      deps.log.info(failure.message);
      void vscode.window.showInformationMessage(`SwinFUSE: ${failure.message}`);
    } else {
      deps.log.error(failure.message);
      void vscode.window.showErrorMessage(`SwinFUSE: ${failure.message}`);
    }
  } finally {
    segmentation.end();
  }
}

/** What chooseModel asks when several models qualify, and says when there is none; Segment's by default. */
export interface ModelQuestion {
  readonly pickTitle: string;
  readonly none: string;
}

const SEGMENT_QUESTION: ModelQuestion = {
  pickTitle: 'Which model should segment this scan? (set swinfuse.model to skip this question)',
  none: 'SwinFUSE: no model to segment with. Import a SwinUNETR or SwinFUSE checkpoint first.',
};

/**
 * The model swinfuse.model names, the only or default one, or the user's pick; undefined (after saying why) if none.
 * Shared with Fine-tune on This Case, which starts from the model Segment would use.
 */
export async function chooseModel(
  deps: Pick<SegmentDeps, 'registry'>, scope: vscode.Uri, question: ModelQuestion = SEGMENT_QUESTION,
): Promise<ModelEntry | undefined> {
  const setting = vscode.workspace.getConfiguration('swinfuse', scope).get<string>('model') ?? '';
  const folder = vscode.workspace.getWorkspaceFolder?.(scope)?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  deps.registry.refresh();
  const choice = deps.registry.resolve(setting, folder);
  switch (choice.kind) {
    case 'model': return choice.entry;
    case 'choose': return pickModel(choice.entries, question.pickTitle);
    case 'none': {
      const answer = await vscode.window.showErrorMessage(question.none, 'Import Checkpoint…');
      if (answer) void vscode.commands.executeCommand('swinfuse.importCheckpoint');
      return undefined;
    }
    case 'error': {
      const answer = await vscode.window.showErrorMessage(`SwinFUSE: ${choice.message}`, 'Open Settings');
      if (answer) void vscode.commands.executeCommand('workbench.action.openSettings', 'swinfuse.model');
      return undefined;
    }
  }
}

/** Asks for each channel the card names that Segment (or fine-tuning) cannot find by itself. */
export function channelPicker(model: string): ChannelPicker {
  return {
    pick: async (channel, position, total, candidates, suggested) => {
      const ordered = suggested ? [suggested, ...candidates.filter((c) => c !== suggested)] : [...candidates];
      const item = await vscode.window.showQuickPick(ordered.map((file) => ({ label: file })), {
        title: `${model}: which file is channel ${position} of ${total}, "${channel}"?`,
        placeHolder: `The ${channel} image, on the same voxel grid as the opened one`,
        ignoreFocusOut: true,
      });
      return item?.label;
    },
  };
}

/** swinfuse.inference.*, with out-of-range values replaced by the defaults (and a log line). */
export function readSegmentSettings(scope: vscode.Uri, log: vscode.LogOutputChannel): SegmentSettings {
  const section = vscode.workspace.getConfiguration('swinfuse.inference', scope);
  const device = section.get<string>('device') ?? 'auto';
  const threads = section.get<number>('threads') ?? 0;
  const overlap = section.get<number>('overlap') ?? 0.5;
  const bratsLabels = section.get<string>('bratsLabels') ?? '2021';
  const ok = {
    device: (['auto', 'cpu', 'cuda'] as const).includes(device as DeviceRequest) ? device as DeviceRequest : 'auto',
    threads: Number.isInteger(threads) && threads >= 0 && threads <= 256 ? threads : 0,
    overlap: Number.isFinite(overlap) && overlap >= 0 && overlap <= 0.95 ? overlap : 0.5,
    bratsLabels: bratsLabels === '2023' ? '2023' as const : '2021' as const,
  };
  if (ok.device !== device || ok.threads !== threads || ok.overlap !== overlap || ok.bratsLabels !== bratsLabels) {
    log.warn(`swinfuse.inference: device ${JSON.stringify(device)}, threads ${JSON.stringify(threads)}, overlap ${JSON.stringify(overlap)}, `
      + `bratsLabels ${JSON.stringify(bratsLabels)} are not all valid; using device ${ok.device}, threads ${ok.threads}, overlap ${ok.overlap}, bratsLabels ${ok.bratsLabels}`);
  }
  return ok;
}

async function acceptCommand(deps: SegmentDeps): Promise<void> {
  const document = targetDocument(deps, undefined);
  if (!document) return;
  const proposal = document.segmentation.current;
  if (!proposal) {
    void vscode.window.showInformationMessage(`SwinFUSE: ${document.name} has no proposal to accept; run SwinFUSE: Segment first.`);
    return;
  }
  type Item = vscode.QuickPickItem & { choice: AcceptChoice };
  const items: Item[] = [
    { label: 'Accept all', description: 'keeps your labels and hand edits', choice: { mode: { kind: 'all' }, overwriteEdits: false } },
    { label: 'Fill unlabelled voxels only', description: 'only where the mask is empty', choice: { mode: { kind: 'unlabelled' }, overwriteEdits: false } },
    ...proposal.info.map((l): Item => ({
      label: `Accept ${l.name} (${l.label})`, description: `${l.voxels} voxels; keeps your labels and hand edits`,
      choice: { mode: { kind: 'label', label: l.label }, overwriteEdits: false },
    })),
    { label: 'Accept all, replacing my labels and edits', description: 'the mask becomes the proposal', choice: { mode: { kind: 'all' }, overwriteEdits: true } },
  ];
  const item = await vscode.window.showQuickPick(items, { title: `Accept the proposal from ${proposal.model} into the mask of ${document.name}` });
  if (!item) return;
  const outcome = await document.segmentation.accept(proposal.id, item.choice);
  if (outcome && outcome.changed === 0) {
    void vscode.window.showInformationMessage(`SwinFUSE: ${item.label} changes no voxel of ${document.name}'s mask.`);
  }
}

async function discardCommand(deps: SegmentDeps): Promise<void> {
  const document = targetDocument(deps, undefined);
  if (!document) return;
  if (!await document.segmentation.discard(undefined)) {
    void vscode.window.showInformationMessage(`SwinFUSE: ${document.name} has no proposal to discard.`);
  }
}
