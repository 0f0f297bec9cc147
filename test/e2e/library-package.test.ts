import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const redisUrl = inject('redisUrl');

/** The README's "Use as a library" example, exactly as written there. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use as a library'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) throw new Error('README.md: no ```ts block under "## Use as a library"');
  return code;
}

describe('the compiled package, imported as `s2d` by code outside the repository', () => {
  let dir: string;
  let simulator: RunningSimulator;
  const env = (prefix: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    REDIS_URL: redisUrl,
    OPENAI_BASE_URL: simulator.baseUrl,
    S2D_PREFIX: prefix,
    S2D_LOG_LEVEL: 'warn',
    ...extra,
  });

  beforeAll(async () => {
    // `npm test` builds first; a missing build is a set-up error, said plainly.
    if (!existsSync(join(ROOT, 'dist', 'index.js'))) throw new Error('no dist/index.js: run `npm run build` (npm test does) before this test');
    dir = await mkdtemp(join(tmpdir(), 's2d-library-'));
    // An application with s2d installed: node_modules/s2d is the package (its package.json `exports` lead to dist/).
    await mkdir(join(dir, 'node_modules'));
    await symlink(ROOT, join(dir, 'node_modules', 's2d'), 'dir');
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
    await writeTaskFiles({ family: 'coin-flip', count: 12, seed: 3, dir, name: 'coins' });
    simulator = await startSimulator({ seed: 2, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 } });
  });
  afterAll(async () => {
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the package npm would publish holds the build, its types and assets, and the launcher', async () => {
    const { stdout } = await exec('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
    const files = new Set((JSON.parse(stdout) as { files: { path: string }[] }[])[0]?.files.map((file) => file.path));
    for (const path of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/.build-stamp', 'bin/s2d.mjs', 'bin/launch-mode.mjs', 'package.json']) expect(files.has(path), path).toBe(true);
    expect([...files].some((path) => path.startsWith('dist/shared/') && path.endsWith('.lua'))).toBe(true);
    // No sources: an installed package runs its build, never the TypeScript.
    expect([...files].filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
  });

  it("compiles the README example against the package's type declarations and runs it: submit, workers, collect", async () => {
    await writeFile(join(dir, 'consumer.ts'), await readmeExample());
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const compiled = await exec(process.execPath, [tsc, '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules', '@types'), '--outDir', 'out', 'consumer.ts'], { cwd: dir }).catch((error: unknown) => error as { stdout: string; code: number });
    expect('code' in compiled ? compiled.stdout : '').toBe('');
    const { stdout } = await exec(process.execPath, ['out/consumer.js'], { cwd: dir, env: env(isolatedPrefix('lib-readme')) });
    expect(stdout).toMatch(/^\d+ of 12 accepted; dataset in .*collected\/[a-z0-9-]+-[0-9a-f]{12}\n$/);
    const accepted = Number(/^(\d+)/.exec(stdout)?.[1]);
    expect(accepted).toBeGreaterThan(0);
  });

  it('defines a program with defineStrategy, distils with it through in-process workers, collects the dataset and evaluates', async () => {
    await copyFile(join(ROOT, 'examples', 'plan-then-solve.mjs'), join(dir, 'plan-then-solve.mjs'));
    await writeFile(
      join(dir, 'own-program.mjs'),
      `import { collectDataset, connect, createLogger, defineStrategy, evaluate, evalSpecSchema, resolveEvalSpec, resolveRunSpec, runSpecSchema, startWorkers, submitRun, waitForRun } from 's2d';
const { planThenSolve } = await import('./plan-then-solve.mjs');
const program = defineStrategy(planThenSolve);
let refused = '';
try { defineStrategy({ name: 'broken', system: 3 }); } catch (error) { refused = error.message; }
const redisUrl = process.env.REDIS_URL;
const prefix = process.env.S2D_PREFIX;
const spec = await resolveRunSpec(
  runSpecSchema.parse({ input: 'coins.inputs.jsonl', answerType: 'yes-no', strategy: { module: './plan-then-solve.mjs', export: 'planThenSolve' }, model: { name: 'sim-llama-2-70b-chat' }, sampling: { samples: 3 } }),
  { baseDir: process.cwd(), defaultBaseUrl: process.env.OPENAI_BASE_URL },
);
const client = await connect({ redisUrl, prefix });
const workers = startWorkers({ redisUrl, prefix, concurrency: 4, lockDurationMs: 30000, stalledIntervalMs: 15000, logger: createLogger('warn') });
try {
  await submitRun(client, spec);
  await waitForRun(client, spec.runId);
  const { manifest } = await collectDataset(client, spec.runId, 'own');
  const evalSpec = await resolveEvalSpec(
    evalSpecSchema.parse({ input: 'coins.inputs.jsonl', labels: 'coins.labels.jsonl', answerType: 'yes-no', strategy: 'cot', model: { name: 'sim-llama-2-70b-chat' }, output: { dir: 'evals-out' } }),
    { baseDir: process.cwd(), defaultBaseUrl: process.env.OPENAI_BASE_URL },
  );
  const result = await evaluate(client, evalSpec);
  console.log(JSON.stringify({ name: program.name, refused, strategy: manifest.strategy.name, counts: manifest.counts, calls: manifest.tokens.calls, eval: { items: result.metrics.items, accuracy: result.metrics.accuracy, column: result.column } }));
} finally {
  await workers.close(false);
  await client.close();
}
`,
    );
    // The worker's operator allows programs from this folder only (the trust policy reads the environment).
    const { stdout } = await exec(process.execPath, ['own-program.mjs'], { cwd: dir, env: env(isolatedPrefix('lib-program'), { S2D_PROGRAM_PATHS: dir }) });
    const out = JSON.parse(stdout) as { name: string; refused: string; strategy: string; counts: { inputs: number; accepted: number }; calls: number; eval: { items: number; accuracy: number; column: string } };
    expect(out.name).toBe('plan-then-solve');
    expect(out.refused).toMatch(/system must be 1 or 2; run must be a function/);
    expect(out.strategy).toMatch(/^module:planThenSolve@[0-9a-f]{12}$/);
    expect(out.counts.inputs).toBe(12);
    expect(out.counts.accepted).toBeGreaterThan(0);
    // Plan-then-solve: one plan request (n = 3) and three solve requests per item.
    expect(out.calls).toBe(12 * 3 * 2);
    // evaluate(): the same workers score CoT on the labelled set and the result comes back.
    expect(out.eval).toMatchObject({ items: 12, column: 'cot' });
    expect(out.eval.accuracy).toBeGreaterThan(0.5);
  });

  it('the compiled binary runs the quick-start demo end to end, spawning its worker processes from the build', async () => {
    // S2D_FROM_SOURCE unset: bin/s2d.mjs runs dist/ (npm test builds just before), workers included.
    const { stdout } = await exec(process.execPath, [join(ROOT, 'bin', 's2d.mjs'), 'demo', '--json', '--items', '4', '--eval-items', '4', '--no-adaptive', '--samples', '3', '--out', join(dir, 'demo')], {
      cwd: dir,
      env: { ...process.env, S2D_FROM_SOURCE: '', REDIS_URL: '', OPENAI_BASE_URL: '', S2D_LOG_LEVEL: 'warn' },
      timeout: 240_000,
    });
    const summary = JSON.parse(stdout) as { items: number; accepted: number; simulator: boolean };
    expect(summary).toMatchObject({ items: 8, simulator: true });
    expect(summary.accepted).toBeGreaterThan(0);
  }, 300_000);
});
