// The models feature as extension.ts uses it. Import the vscode-free modules directly where vscode must not load.
export { registerModels, pickModel } from './models-commands';
export { ModelRegistry, MODEL_SETTING, type ModelChoice, type ModelEntry, type ModelOrigin } from './model-registry';
