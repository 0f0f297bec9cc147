import type { Strategy } from './strategy.js';
import { singleCallStrategy } from './single-call.js';

/** System 1: the input as the distilled model will see it (by default the bare question), one call per sample. */
export const system1Strategy: Strategy = singleCallStrategy('system1', 1, 'system1');
