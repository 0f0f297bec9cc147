import { TASK_NAMES, type TaskName } from '../../shared/tasks/task-family.js';
import type { FaultKind } from './fault-injection.js';
import { JUDGE_MODES, type JudgeMode } from './judge-mode.js';
import { REASONING_MODES, type ReasoningMode } from './reasoning-mode.js';

/** Counters of everything the simulator served, so tests and benchmarks can count the LLM calls a run paid for. */
export interface SimulatorStats {
  /** POST /v1/chat/completions requests received, whatever their outcome. */
  requests: number;
  /** Choices returned in successful responses. */
  completionsReturned: number;
  /** Chat requests by HTTP status sent ("200", "400", "429", ...). */
  byStatus: Record<string, number>;
  /** Tokens of successful responses (prompt counted once per request, completions summed over choices). */
  promptTokens: number;
  completionTokens: number;
  /** Successful requests / returned choices per detected reasoning mode. */
  requestsByMode: Record<ReasoningMode | JudgeMode, number>;
  choicesByMode: Record<ReasoningMode | JudgeMode, number>;
  /** Successful requests per recognised task family. */
  requestsByTask: Record<TaskName | 'pairwise-judge' | 'unrecognised', number>;
  /** Faults injected (by header or by rate). */
  faults: Record<FaultKind, number>;
  /** Choices cut at max_tokens (finish_reason "length"). */
  truncatedChoices: number;
  /** Chat requests being served now (admitted, not yet answered) / the most at once since the last reset. */
  activeRequests: number;
  maxActiveRequests: number;
  /** 429s sent by the storm limits (maxInFlightRequests, requestsPerMinute), apart from injected faults. */
  stormRejections: number;
  /** Sequences decoding now / the most at once since the last reset. */
  activeSequences: number;
  maxConcurrentSequences: number;
  /** Sequences waiting for capacity now / the most at once since the last reset. */
  queuedSequences: number;
  maxQueuedSequences: number;
  /** The Batch API, counted apart: none of the online counters above include batch lines. */
  batch: BatchStats;
}

/** What the simulated Batch API served. */
export interface BatchStats {
  /** Batches created (a refused creation is not one). */
  batchesCreated: number;
  /** Creations refused by `batch.refuseCreate`. */
  batchesRefused: number;
  /** Batch lines executed (answered 200 or an error status), whatever the batch's end. */
  requests: number;
  /** Executed lines by the status of their response ("200", "400", "500", ...). */
  byStatus: Record<string, number>;
  /** Lines never executed because their batch expired or was cancelled. */
  notExecuted: number;
  /** Choices in 200 lines, and their tokens (prompt counted once per line, completions summed over choices). */
  completionsReturned: number;
  promptTokens: number;
  completionTokens: number;
}

export type StatsCounters = Omit<
  SimulatorStats,
  'activeSequences' | 'maxConcurrentSequences' | 'queuedSequences' | 'maxQueuedSequences' | 'activeRequests' | 'maxActiveRequests'
>;

const perMode = (): Record<ReasoningMode | JudgeMode, number> =>
  Object.fromEntries([...REASONING_MODES, ...JUDGE_MODES].map((m) => [m, 0])) as Record<ReasoningMode | JudgeMode, number>;

export function emptyCounters(): StatsCounters {
  return {
    requests: 0,
    completionsReturned: 0,
    byStatus: {},
    promptTokens: 0,
    completionTokens: 0,
    requestsByMode: perMode(),
    choicesByMode: perMode(),
    requestsByTask: Object.fromEntries([...TASK_NAMES, 'pairwise-judge', 'unrecognised'].map((t) => [t, 0])) as Record<TaskName | 'pairwise-judge' | 'unrecognised', number>,
    faults: { '429': 0, '500': 0, '503': 0, slow: 0, poison: 0 },
    truncatedChoices: 0,
    stormRejections: 0,
    batch: { batchesCreated: 0, batchesRefused: 0, requests: 0, byStatus: {}, notExecuted: 0, completionsReturned: 0, promptTokens: 0, completionTokens: 0 },
  };
}

export function countStatus(counters: Pick<StatsCounters, 'byStatus'>, status: number): void {
  const key = String(status);
  counters.byStatus[key] = (counters.byStatus[key] ?? 0) + 1;
}
