// SwinFUSE: Fine-tune on This Case, the VS Code side: which document and base model, the settings, the progress
// notification with Cancel, and the report with "Use the New Model" / "Revert to Base Model". The case and its
// checks are finetune-case.ts, the run finetune-run.ts, the texts finetune-messages.ts.
import { mkdir } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { Device } from '../../core/inference';
import type { ModelEntry, ModelRegistry } from '../models/model-registry';
import { channelPicker, chooseModel, readSegmentSettings } from '../segment/segment-commands';
import type { NiftiDocument } from '../viewer/nifti-document';
import type { NiftiEditorProvider } from '../viewer/nifti-editor-provider';
import { checkCaseLabels, emptyMaskMessage, prepareFinetuneCase, type PreparedCase } from './finetune-case';
import {
  CANCEL_THAT_RUN, REVERT_TO_BASE, StepClock, USE_NEW_MODEL, describeFinetuneFailure, doneLogLine, doneMessage,
  progressTitle, startLogLine, startingLine, stepLine,
} from './finetune-messages';
import { FinetuneRuns, runCaseFinetune } from './finetune-run';
import { checkFinetuneSettings } from './finetune-settings';

type Document = NiftiDocument<vscode.Uri>;

export interface FinetuneDeps {
  readonly provider: NiftiEditorProvider;
  readonly registry: ModelRegistry;
  readonly log: vscode.LogOutputChannel;
  /** dist/finetune-worker.js of this extension. */
  readonly workerScript: string;
}

const MODEL_QUESTION = {
  pickTitle: 'Which model should be fine-tuned on this case? (set swinfuse.model to skip this question)',
  none: 'SwinFUSE: no model to fine-tune. Import a SwinUNETR or SwinFUSE checkpoint first.',
};

export function registerFinetuneCommands(deps: FinetuneDeps): vscode.Disposable {
  const runs = new FinetuneRuns();
  return vscode.Disposable.from(
    vscode.commands.registerCommand('swinfuse.finetune', (uri?: unknown) => finetuneCommand(deps, runs, uri)),
    { dispose: () => runs.dispose() },
  );
}

async function finetuneCommand(deps: FinetuneDeps, runs: FinetuneRuns, uri: unknown): Promise<void> {
  const document = uri instanceof vscode.Uri ? deps.provider.documentFor(uri) : deps.provider.activeDocument();
  if (!document || document.state.kind !== 'loaded') {
    void vscode.window.showWarningMessage('SwinFUSE: Fine-tune on This Case works on an image open in the SwinFUSE viewer; '
      + 'open a .nii or .nii.gz file and label it first.');
    return;
  }
  const { scan, mask, segmentation } = document.state;
  const key = document.uri.toString();
  if (runs.isRunning(key)) {
    const answer = await vscode.window.showInformationMessage(`SwinFUSE: ${document.name} is already being fine-tuned.`, CANCEL_THAT_RUN);
    if (answer === CANCEL_THAT_RUN) runs.cancel(key);
    return;
  }
  if (segmentation.isRunning) {
    void vscode.window.showInformationMessage(`SwinFUSE: ${document.name} is being segmented; fine-tune it once that run has finished or been cancelled.`);
    return;
  }
  if (!mask.data.some((v) => v !== 0)) {
    // Before the model question: no model can learn from an empty mask.
    const message = emptyMaskMessage(document.name);
    void vscode.window.showWarningMessage(`SwinFUSE: ${message[0]!.toUpperCase()}${message.slice(1)}.`);
    return;
  }
  const base = await chooseModel(deps, document.uri, MODEL_QUESTION);
  if (!base?.card) return;
  try {
    checkCaseLabels(document.name, base.name, mask.data, base.card);
  } catch (err) {
    const failure = describeFinetuneFailure(base.name, document.name, err);
    deps.log.warn(failure.message);
    void vscode.window.showWarningMessage(`SwinFUSE: ${failure.message}`);
    return;
  }
  // Checked again: the model question may have taken a while.
  const signal = runs.begin(key);
  if (!signal) {
    void vscode.window.showInformationMessage(`SwinFUSE: ${document.name} is already being fine-tuned.`);
    return;
  }
  const settings = readFinetuneSettings(document.uri, deps.log);
  const { device, threads } = readSegmentSettings(document.uri, deps.log);
  const host = deps.provider.hostFor(document);
  const baseModel = { name: base.name, path: base.path, card: base.card };
  let prepared: PreparedCase | undefined;
  let outcome: { name: string; path: string; losses: readonly number[] } | undefined;
  try {
    const run = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, cancellable: true, title: progressTitle(base.name, document.name),
    }, async (progress, token) => {
      token.onCancellationRequested(() => runs.cancel(key));
      progress.report({ message: startingLine(null) });
      await mkdir(deps.registry.userFolder, { recursive: true });
      prepared = await prepareFinetuneCase(document.uri, scan, await document.folderFiles(host), mask, baseModel, {
        choices: settings, device, threads, folder: deps.registry.userFolder,
      }, { host, picker: channelPicker(base.name), signal });
      deps.log.info(startLogLine(document.name, base, prepared));
      let deviceNow: Device | null = null;
      const clock = new StepClock();
      return runCaseFinetune(prepared, {
        workerScript: deps.workerScript, signal,
        onDevice: (d) => {
          deviceNow = d;
          progress.report({ message: startingLine(d) });
        },
        onStep: (report) => {
          progress.report({ message: stepLine(report, clock.update(report), deviceNow), increment: 100 / report.steps });
        },
      });
    });
    deps.log.info(doneLogLine(document.name, base, prepared!, run.result, run.seconds, run.deviceNote));
    outcome = { name: run.result.card.name, path: run.result.modelPath, losses: run.result.losses };
  } catch (err) {
    const failure = describeFinetuneFailure(base.name, document.name, err);
    if (failure.kind === 'cancelled') {
      deps.log.info(`${document.name}: ${failure.message}`);
      void vscode.window.showInformationMessage(`SwinFUSE: ${failure.message}`);
    } else if (failure.kind === 'refused') {
      deps.log.warn(failure.message);
      void vscode.window.showWarningMessage(`SwinFUSE: ${failure.message}`);
    } else {
      deps.log.error(failure.message);
      void vscode.window.showErrorMessage(`SwinFUSE: ${failure.message}`);
    }
  } finally {
    runs.end(key);
  }
  if (!outcome) return;
  deps.registry.refresh();
  await announce(deps.registry, base, outcome, document);
}

/** The report, and what its buttons do: swinfuse.model set to the new model, or back to the base model. */
async function announce(registry: ModelRegistry, base: ModelEntry, outcome: { name: string; path: string; losses: readonly number[] },
  document: Document): Promise<void> {
  const answer = await vscode.window.showInformationMessage(`SwinFUSE: ${doneMessage(outcome.name, base.name, document.name, outcome.losses)}`,
    USE_NEW_MODEL, REVERT_TO_BASE);
  if (answer === USE_NEW_MODEL) await setModelSetting(registry, outcome.name, outcome.path);
  else if (answer === REVERT_TO_BASE) await setModelSetting(registry, base.name, base.path);
}

/**
 * swinfuse.model names the model when its name means that file (models-commands.ts's Use does the same), else its
 * path; in the workspace's settings when a folder is open, else the user's.
 */
async function setModelSetting(registry: ModelRegistry, name: string, path: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const byName = registry.resolve(name, folder);
  const value = byName.kind === 'model' && byName.entry.path === path ? name : path;
  const target = (vscode.workspace.workspaceFolders?.length ?? 0) > 0 ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('swinfuse').update('model', value, target);
}

/** swinfuse.finetune.*, with values that cannot be used replaced by the defaults (and a log line). */
function readFinetuneSettings(scope: vscode.Uri, log: vscode.LogOutputChannel) {
  const section = vscode.workspace.getConfiguration('swinfuse.finetune', scope);
  const checked = checkFinetuneSettings({
    steps: section.get('steps'), train: section.get('train'), learningRate: section.get('learningRate'), seed: section.get('seed'),
  });
  for (const problem of checked.problems) log.warn(problem);
  return checked.value;
}
