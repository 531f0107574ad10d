export { buildGradientGraph, gradientName, type GradientGraph, type GradientOptions } from './gradient-graph';
export { GRADIENT_RULES } from './gradient-rules';
export { GradientError, type GradientContext, type GradientRule, type NotDifferentiable } from './rule-types';
