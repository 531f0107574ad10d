// Makes `import 'vscode'` resolve to test/helpers/vscode-stub.ts for the modules imported after this runs, so the
// extension's own entry point can be loaded in plain Node. The test imports the same stub file, so both share one
// instance and the test sees what the extension registered.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const stubUrl = pathToFileURL(join(import.meta.dirname, 'vscode-stub.ts')).href;
const hook = `export async function resolve(specifier, context, next) {
  return specifier === 'vscode' ? { url: ${JSON.stringify(stubUrl)}, shortCircuit: true } : next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
