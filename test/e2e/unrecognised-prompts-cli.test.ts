import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnWorkerProcess, type WorkerProcess } from '../../cli/spawn-worker-process.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

const exec = promisify(execFile);
const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;
const redisUrl = inject('redisUrl');

/** Questions outside every built-in task: the simulator can only guess. */
const PROMPTS = [
  'What is a good name for a pet turtle?',
  'Which colour best describes the feeling of Sunday evening?',
  'Suggest a title for a short story about a lighthouse keeper.',
  'What should I cook for dinner tonight?',
  'Which season is best for visiting the mountains?',
  'Give me one word that describes the ocean.',
  'What is the most relaxing sound?',
  'Pick a fruit that goes well with cheese.',
];

interface ItemLine {
  id: string;
  votes: { answer: string; count: number }[];
}

describe('a run of prompts the LLM simulator does not recognise (CLI, real Redis, simulator over HTTP)', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let worker: WorkerProcess;
  let dir: string;
  const prefix = isolatedPrefix('unrecognised');
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, REDIS_URL: redisUrl, S2D_PREFIX: prefix, OPENAI_BASE_URL: simulator.baseUrl, S2D_LOG_LEVEL: 'warn' });
  const s2d = (...args: string[]) => exec(process.execPath, [BIN, ...args], { env: env(), cwd: dir });

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 12, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 } });
    dir = await mkdtemp(join(tmpdir(), 's2d-unrecognised-'));
    await writeFile(join(dir, 'inputs.jsonl'), PROMPTS.map((prompt, i) => `${JSON.stringify({ id: `q${i}`, prompt })}\n`).join(''));
    worker = spawnWorkerProcess(env());
  });
  afterAll(async () => {
    await worker.stop(5_000);
    await simulator.close();
  });

  it('guesses differently per sample, counts the unrecognised responses, shows them in status and warns', async () => {
    await writeFile(
      join(dir, 'run.yaml'),
      ['name: guesses', 'input: inputs.jsonl', 'answerType: text', 'strategy: cot', 'model:', '  name: sim-llama-2-70b-chat', 'sampling:', '  samples: 8', 'output:', '  dir: out', ''].join('\n'),
    );
    const submitted = await s2d('submit', 'run.yaml', '--wait', '--json');
    expect(submitted.stderr).toMatch(
      /s2d submit: warning: the LLM simulator did not recognise 100% of this run's prompts; its answers to them are random guesses — point OPENAI_BASE_URL at a real model for real data/,
    );
    const { runId, status } = JSON.parse(submitted.stdout) as { runId: string; status: { unrecognisedBySimulator: number; paid: { requests: number } } };
    // CoT × 8 samples with `n` honoured: one request per item, every one unrecognised.
    expect(status.paid.requests).toBe(PROMPTS.length);
    expect(status.unrecognisedBySimulator).toBe(PROMPTS.length);
    expect((await s2d('status', runId)).stdout).toMatch(/simulator\s+did not recognise the prompt of 8 of 8 paid requests/);

    // The samples of one item disagree as a guessing model's do: no item is a unanimous vote.
    const folder = join(dir, 'out', 'guesses', runId);
    const lines = async (name: string): Promise<ItemLine[]> =>
      (await readFile(join(folder, name), 'utf8')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ItemLine);
    const accepted = await lines('provenance.jsonl');
    const items = [...accepted, ...(await lines('rejects.jsonl'))];
    expect(items).toHaveLength(PROMPTS.length);
    for (const item of items) expect(Math.max(...item.votes.map((v) => v.count))).toBeLessThan(8);
    expect(items.filter((item) => item.votes.length >= 3).length).toBeGreaterThanOrEqual(PROMPTS.length / 2);
    // So guesses rarely win a vote: a garbage target must not pass curation as if samples agreed.
    expect(accepted.length).toBeLessThanOrEqual(PROMPTS.length / 4);
  });

  it('says nothing when the simulator recognises the prompts', async () => {
    const recognised = ['Take the last letter of each word in "Ada Lovelace" and join them.', 'A coin is heads up. Ann flips the coin. Is the coin still heads up?'];
    await writeFile(join(dir, 'known.jsonl'), recognised.map((prompt, i) => `${JSON.stringify({ id: `k${i}`, prompt })}\n`).join(''));
    await writeFile(join(dir, 'known.yaml'), ['name: known', 'input: known.jsonl', 'answerType: text', 'strategy: cot', 'model:', '  name: sim-llama-2-70b-chat', 'output:', '  dir: out', ''].join('\n'));
    const submitted = await s2d('submit', 'known.yaml', '--wait', '--json');
    expect(submitted.stderr).not.toContain('did not recognise');
    const { status } = JSON.parse(submitted.stdout) as { status: { unrecognisedBySimulator: number } };
    expect(status.unrecognisedBySimulator).toBe(0);
  });
});
