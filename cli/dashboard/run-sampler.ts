import type { RunStore } from '../../shared/runs/run-store.js';
import { runSnapshot } from '../progress/run-progress.js';

/** One reading of a run's counters by the dashboard process. */
export interface RunSample {
  /** Milliseconds since the epoch. */
  at: number;
  done: number;
  /** Paid prompt + completion tokens. */
  tokens: number;
  /** US dollars paid; null when the run's spec gives no prices. */
  usd: number | null;
}

export interface RunSamplerOptions {
  runs: RunStore;
  /** How often the counters of every unfinished run are read, ms. Default 5000. */
  intervalMs?: number;
  /** Samples kept per run; older ones are dropped. Default 720 (an hour at 5 s). */
  maxSamples?: number;
}

/** States after which a run's counters no longer move: sampled once more, then left alone. */
const SETTLED = new Set(['published', 'failed']);

/**
 * Reads the counters of the runs that are still moving every few seconds and keeps what it saw, for the throughput
 * and cost charts. The runs keep no history of their own in Redis (it holds work in flight, not history), so the
 * charts start when this process started: the page says so.
 */
export class RunSampler {
  readonly startedAt = Date.now();
  readonly intervalMs: number;
  private readonly maxSamples: number;
  private readonly samples = new Map<string, RunSample[]>();
  private readonly states = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: RunSamplerOptions) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.maxSamples = options.maxSamples ?? 720;
  }

  start(): void {
    const tick = (): void => {
      this.running = this.sampleOnce().catch(() => undefined);
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** What this process has seen of a run, oldest first. */
  history(runId: string): readonly RunSample[] {
    return this.samples.get(runId) ?? [];
  }

  /** Reads every unfinished run once (a settled run once more, so its last figures are kept). */
  async sampleOnce(now = Date.now()): Promise<void> {
    for (const runId of await this.options.runs.list()) {
      // Its last sample already saw it settled.
      if (SETTLED.has(this.states.get(runId) ?? '')) continue;
      const run = await this.options.runs.get(runId);
      if (run === null) continue;
      const snapshot = runSnapshot(run, null, now);
      const list = this.samples.get(runId) ?? [];
      list.push({ at: now, done: snapshot.done, tokens: snapshot.tokens, usd: snapshot.usd });
      if (list.length > this.maxSamples) list.splice(0, list.length - this.maxSamples);
      this.samples.set(runId, list);
      this.states.set(runId, run.state);
    }
  }
}
