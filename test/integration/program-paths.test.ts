import { existsSync } from 'node:fs';
import { appendFile, copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { statusJson } from '../../cli/commands/status.js';
import { spawnWorkerProcess, type WorkerProcess } from '../../cli/spawn-worker-process.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { strategyLabel, type ModuleStrategyRef } from '../../shared/strategies/strategy-ref.js';
import { createRunFixture, duplicateIndices, type RunFixture } from '../helpers/run-fixture.js';
import { workerEnv } from '../helpers/worker-env.js';

const redisUrl = inject('redisUrl');
const EXAMPLE = fileURLToPath(new URL('../../examples/plan-then-solve.mjs', import.meta.url));
const EXAMPLES_DIR = dirname(EXAMPLE);
const ITEMS = 12;
const SAMPLES = 4;

/** Runs the fixture's run on one spawned `s2d worker` with the given program paths; the run's error, or null once published. */
async function runOnWorker(run: RunFixture, programPaths: string, workers: WorkerProcess[]): Promise<string | null> {
  const worker = spawnWorkerProcess(workerEnv(redisUrl, run.prefix, { S2D_PROGRAM_PATHS: programPaths }));
  workers.push(worker);
  await run.submit();
  const outcome = await waitForPublication(run.clients.runs, run.spec.runId, 50).then(
    () => null,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  expect(await worker.stop()).toBe(0);
  return outcome;
}

describe('user-defined programs on real worker processes', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let dir: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 5 });
    dir = await mkdtemp(join(tmpdir(), 's2d-program-paths-'));
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop(2_000)));
    await simulator.close();
  });

  const fixture = (label: string, strategy: { module: string; export?: string }): Promise<RunFixture> =>
    createRunFixture({ label, redisUrl, baseUrl: simulator.baseUrl, items: ITEMS, spec: { strategy, sampling: { samples: SAMPLES, temperature: 0.8, maxTokens: 256, seed: 3 } } });

  it('a program inside S2D_PROGRAM_PATHS distils end to end and the dataset records which program ran', async () => {
    const run = await fixture('program-inside', { module: EXAMPLE, export: 'planThenSolve' });
    try {
      const program = run.spec.strategy as ModuleStrategyRef;
      expect(program).toMatchObject({ module: EXAMPLE, export: 'planThenSolve', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
      const requestsBefore = simulator.stats().requests;
      expect(await runOnWorker(run, EXAMPLES_DIR, workers)).toBeNull();

      const dataset = await run.readDataset();
      const label = `module:planThenSolve@${program.sha256?.slice(0, 12) ?? ''}`;
      expect(dataset.manifest.strategy).toEqual({ name: label, program, templateVersions: { answerFormat: expect.any(String) as unknown } });
      expect(dataset.manifest.spec.strategy).toEqual(program);
      expect(dataset.manifest.counts.inputs).toBe(ITEMS);
      expect(duplicateIndices(dataset)).toEqual([]);
      expect(dataset.manifest.counts.accepted).toBeGreaterThan(ITEMS / 2);
      expect(dataset.chatLines).toHaveLength(dataset.manifest.counts.accepted);
      // Two calls per sample chain (plan, then solve), voted like cot.
      for (const item of dataset.provenance) {
        expect(item).toMatchObject({ strategy: label, samples: SAMPLES, calls: 2 * SAMPLES, curation: { method: 'vote' } });
      }
      // One request for the N plans (the simulator honours `n`), one solve request per sample.
      expect(simulator.stats().requests - requestsBefore).toBe(ITEMS * (1 + SAMPLES));
      const record = await run.clients.runs.get(run.spec.runId);
      expect(record === null ? null : statusJson(record)).toMatchObject({ state: 'published', strategy: label, unrecognisedBySimulator: 0 });
    } finally {
      await run.clients.close();
    }
  });

  it('a program outside S2D_PROGRAM_PATHS fails the run naming strategy.module, and never runs', async () => {
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere, { recursive: true });
    const marker = join(dir, 'outside.marker');
    const evil = join(elsewhere, 'evil.mjs');
    await writeFile(evil, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default { name: 'evil', system: 2, run: async () => [] };\n`);
    const run = await fixture('program-outside', { module: evil });
    try {
      const requestsBefore = simulator.stats().requests;
      const error = await runOnWorker(run, EXAMPLES_DIR, workers);
      expect(error).toContain(`refused by the workers' trust policy: strategy.module ${evil} is outside the allowed program paths`);
      expect(error).toContain(`S2D_PROGRAM_PATHS=${EXAMPLES_DIR}`);
      expect(existsSync(marker)).toBe(false);
      expect(simulator.stats().requests - requestsBefore).toBe(0);
      const record = await run.clients.runs.get(run.spec.runId);
      expect(record === null ? null : statusJson(record)).toMatchObject({ state: 'failed', strategy: strategyLabel(run.spec.strategy), error: expect.stringContaining('strategy.module') as unknown });
    } finally {
      await run.clients.close();
    }
  });

  it('a program changed after submit is refused, and the changed code never runs', async () => {
    const programs = join(dir, 'programs');
    await mkdir(programs, { recursive: true });
    const marker = join(dir, 'changed.marker');
    const copy = join(programs, 'plan-then-solve.mjs');
    await copyFile(EXAMPLE, copy);
    const run = await fixture('program-changed', { module: copy, export: 'planThenSolve' });
    try {
      // Submitted (and hashed) as it was; then edited before any worker loads it.
      await appendFile(copy, `\nimport { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\n`);
      const error = await runOnWorker(run, programs, workers);
      expect(error).toMatch(/refused by the workers' trust policy: strategy\.module .*plan-then-solve\.mjs changed since the run was submitted/);
      expect(existsSync(marker)).toBe(false);
    } finally {
      await run.clients.close();
    }
  });
});
