/**
 * What a progress display reads at one instant, the same for a distillation run and an evaluation: counts from the
 * run's (or eval's) own counters in Redis and the fleet's view of its endpoint. Fields a source cannot give are null.
 */
export interface ProgressSnapshot {
  /** Milliseconds since the epoch when the counters were read. */
  at: number;
  kind: 'run' | 'eval';
  id: string;
  state: string;
  /** Items in the input; null until the producer has read all of it. */
  total: number | null;
  done: number;
  accepted: number;
  rejected: number;
  errored: number;
  /** Rejected items per reject code so far; null when the source does not count them. */
  rejectReasons: Readonly<Record<string, number>> | null;
  /** LLM requests sent and answered (paid), retries included. */
  requests: number;
  /** Item attempts that met an HTTP 429 from the endpoint so far; null when not counted. */
  rateLimited: number | null;
  /** Paid prompt + completion tokens. */
  tokens: number;
  /** US dollars paid so far; null without prices. */
  usd: number | null;
  /** The endpoint's adaptive concurrency cap, its ceiling and requests in flight now; null when not read. */
  endpoint: { state: string; cap: number; maxConcurrency: number; inFlight: number } | null;
  /** A batch-mode run's batches (open, ended by status) and requests waiting for a batch; absent online. */
  batch?: { open: number; completed: number; expired: number; failed: number; pending: number };
}

/** States after which nothing more happens to a run or eval: the watch ends. */
export const FINAL_STATES: readonly string[] = ['published', 'failed', 'finalised', 'refused'];
