import { join } from 'node:path';

/** The inference worker bundle lies beside the CLI bundle in dist/. */
export const inferenceWorkerScript = join(__dirname, 'inference-worker.js');
