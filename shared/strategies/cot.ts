import type { Strategy } from './strategy.js';
import { singleCallStrategy } from './single-call.js';

/** Chain-of-Thought: one call per sample that reasons step by step and ends with an extractable answer line. */
export const cotStrategy: Strategy = singleCallStrategy('cot', 2, 'cot');
