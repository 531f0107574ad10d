// Bundles the three runtime entry points (extension host, webview, CLI) and the benchmarks with esbuild.
import { build } from 'esbuild';
import { chmodSync, writeFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};
// onnxruntime-node is a native addon: it must be required from node_modules at run time, never bundled.
const nodeExternal = ['vscode', 'onnxruntime-node'];

await Promise.all([
  build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js',
    platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal }),
  build({ ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js',
    platform: 'browser', format: 'iife', target: 'es2022' }),
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js',
    platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal,
    banner: { js: '#!/usr/bin/env node' } }),
  // onnxruntime's run blocks its thread; the CLI and the extension host both run it in this worker.
  build({ ...common, entryPoints: ['src/core/inference/inference-worker.ts'], outfile: 'dist/inference-worker.js',
    platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal }),
  // Training steps block their thread for seconds: the CLI and the extension host run them in this worker.
  build({ ...common, entryPoints: ['src/core/training/finetune-worker.ts'], outfile: 'dist/finetune-worker.js',
    platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal }),
  ...['nifti', 'model', 'infer'].map((name) => build({ ...common, entryPoints: [`bench/${name}.ts`], outfile: `dist/bench/${name}.js`,
    platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal })),
]);
chmodSync('dist/cli.js', 0o755);
// The repo is ESM ("type": "module", which nifti-reader-js needs for our tests); the bundles are CommonJS, as the
// VS Code extension host and the CLI's shebang expect.
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
