import { setTimeout as sleep } from 'node:timers/promises';
import { spawnWorkerProcess, type WorkerProcess } from '../../cli/spawn-worker-process.js';
import type { RunStore } from '../../shared/runs/run-store.js';
import { duplicateIndices, type PublishedDataset } from '../helpers/run-fixture.js';
import { workerEnv } from '../helpers/worker-env.js';

/** Samples per item in every fault scenario: rar2 with `n` then pays 2 × SAMPLES choices per item, no more. */
export const SAMPLES = 4;
export const CHOICES_PER_ITEM = 2 * SAMPLES;
export const WORKER_CONCURRENCY = 4;
export const SAMPLING = { samples: SAMPLES, temperature: 0.8, maxTokens: 256, seed: 3 };

/** What a scenario reports: the figures the fault suite exists to produce. */
export interface ScenarioFigures {
  scenario: string;
  itemsIn: number;
  /** Items accounted for in the published dataset (provenance + rejects). */
  itemsOut: number;
  accepted: number;
  rejected: number;
  errored: number;
  duplicates: number;
  /** Choices the simulator returned beyond what the run's items needed (calls paid twice). */
  extraCalls: number;
  notes?: string;
}

/**
 * Accounts a published run: items in and out, duplicates, and paid choices beyond the minimum. `poisoned` items
 * never get a successful call, so they need no choices.
 */
export function accountRun(scenario: string, dataset: PublishedDataset, simulator: { stats(): { completionsReturned: number } }, choicesBefore: number, poisoned = 0): ScenarioFigures {
  const { counts } = dataset.manifest;
  const needed = (counts.inputs - poisoned) * CHOICES_PER_ITEM;
  return {
    scenario,
    itemsIn: counts.inputs,
    itemsOut: dataset.provenance.length + dataset.rejects.length,
    accepted: counts.accepted,
    rejected: counts.rejected,
    errored: counts.errored,
    duplicates: duplicateIndices(dataset).length + (dataset.chatLines.length - counts.accepted),
    extraCalls: simulator.stats().completionsReturned - choicesBefore - needed,
  };
}

/** One line per scenario, greppable in CI output: `fault-suite | scenario | in | out | dup | extra | notes`. */
export function reportScenario(figures: ScenarioFigures): void {
  const { scenario, itemsIn, itemsOut, duplicates, extraCalls, accepted, rejected, errored, notes } = figures;
  console.info(
    `fault-suite | ${scenario} | in ${itemsIn} | out ${itemsOut} (accepted ${accepted}, rejected ${rejected}, errored ${errored}) | duplicates ${duplicates} | extra calls ${extraCalls}${notes === undefined ? '' : ` | ${notes}`}`,
  );
}

/** Worker processes of one scenario; `spawn` adds one, `stopAll` drains (then kills) every one still running. */
export class WorkerFleet {
  readonly workers: WorkerProcess[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  static forRun(redisUrl: string, prefix: string, overrides: Record<string, string> = {}): WorkerFleet {
    return new WorkerFleet(workerEnv(redisUrl, prefix, { S2D_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY), ...overrides }));
  }

  spawn(): WorkerProcess {
    const worker = spawnWorkerProcess(this.env);
    this.workers.push(worker);
    return worker;
  }

  alive(): WorkerProcess[] {
    return this.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
  }

  async stopAll(graceMs = 5_000): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop(graceMs)));
  }
}

/** Polls until the run has at least `done` items counted (the point a scenario injects its fault). */
export async function waitForDone(runs: RunStore, runId: string, done: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await runs.get(runId);
    if ((record?.done ?? 0) >= done) return;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not reach ${done} done items within ${timeoutMs} ms (at ${record?.done ?? 0})`);
    await sleep(25);
  }
}
