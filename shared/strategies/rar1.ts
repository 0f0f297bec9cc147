import type { Strategy } from './strategy.js';
import { singleCallStrategy } from './single-call.js';

/** 1-step Rephrase and Respond: one call per sample that restates the question, then answers it. */
export const rar1Strategy: Strategy = singleCallStrategy('rar1', 2, 'rar1');
