import { join } from 'node:path';

/** The inference worker bundle lies beside the CLI bundle in dist/. */
export const inferenceWorkerScript = join(__dirname, 'inference-worker.js');
/** So does the fine-tune worker's (scripts/build.mjs writes both). */
export const finetuneWorkerScript = join(__dirname, 'finetune-worker.js');
