import { dirname, join } from 'node:path';

/**
 * Where onnxruntime-node keeps its native libraries (and a CUDA provider installed beside them) for this platform.
 * Called from the bundled worker threads, where `require` resolves onnxruntime-node from the extension's or the
 * CLI's node_modules.
 */
export function ortBinDir(): string {
  const root = dirname(require.resolve('onnxruntime-node/package.json'));
  return join(root, 'bin', 'napi-v6', process.platform, process.arch);
}
