// Pure mask-editing core shared by the webview (tools) and the extension host (document, undo/redo).
export * from './volume';
export * from './label-edit';
export * from './set-values';
export * from './shapes';
export * from './flood-fill';
export * from './islands';
export * from './interpolate';
export * from './label-stats';
export * from './proposal-accept';
export * from './hand-edits';
