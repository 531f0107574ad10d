export * from './types';
export { type Dim, product, formatShape } from './dims';
export { GraphBuilder, type GraphStyle, type InitializerOptions } from './graph-builder';
export { serializeModel, OPSET_VERSION, type ModelOptions } from './serialize';
export { shapeRules } from './shape-inference';
export { broadcastShapes } from './broadcast';
export * as ops from './ops';
export { readStoredModel, type StoredModel, type StoredWeight } from './read-model';
export { extendGraph, initializersToInputs, type Extension, type ExtendOptions } from './extend-graph';
