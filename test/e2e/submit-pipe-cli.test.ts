import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnWorkerProcess, type WorkerProcess } from '../../cli/spawn-worker-process.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;
const redisUrl = inject('redisUrl');
const ITEMS = 12;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface SubmitJson {
  runId: string;
  created: boolean;
  enqueued: number;
  total: number;
  status: { state: string; items: { total: number; done: number } };
}

describe('s2d submit from a pipe: a FIFO or /dev/stdin (CLI)', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let worker: WorkerProcess;
  let dir: string;
  let lines: string;
  const prefix = isolatedPrefix('pipe');
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, REDIS_URL: redisUrl, S2D_PREFIX: prefix, OPENAI_BASE_URL: simulator.baseUrl, S2D_LOG_LEVEL: 'warn' });

  /**
   * Runs the CLI; `stdin` is written to its standard input (which Node.js makes a socket pair), then closed. With
   * `pipeFrom`, the CLI runs in a shell pipeline `cat <pipeFrom> | s2d …` instead, as a person would type it.
   * Killed after 45 s.
   */
  const s2d = (args: string[], stdin = '', pipeFrom?: string): Promise<Outcome> =>
    new Promise((resolve, reject) => {
      const child =
        pipeFrom === undefined
          ? spawn(process.execPath, [BIN, ...args], { env: env(), cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] })
          : spawn('sh', ['-c', 'from="$1"; shift; cat "$from" | "$@"', 'sh', pipeFrom, process.execPath, BIN, ...args], { env: env(), cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
      child.once('error', reject);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      // A command that fails before reading closes its end first; that is fine.
      child.stdin.on('error', () => undefined);
      child.stdin.end(stdin);
    });

  const spec = async (file: string, input: string, runId?: string): Promise<void> => {
    const fields = ['name: piped', `input: ${input}`, 'answerType: yes-no', 'strategy: system1', 'model: { name: sim-llama-2-70b-chat }', 'sampling: { samples: 1 }', 'output: { dir: out }'];
    await writeFile(join(dir, file), [...(runId === undefined ? [] : [`runId: ${runId}`]), ...fields, ''].join('\n'));
  };

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 3, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 } });
    dir = await mkdtemp(join(tmpdir(), 's2d-pipe-'));
    const written = await writeTaskFiles({ family: 'coin-flip', count: ITEMS, seed: 2, dir: join(dir, 'data'), name: 'coins' });
    lines = await readFile(written.inputsPath, 'utf8');
    execFileSync('mkfifo', [join(dir, 'data', 'in.fifo')]);
    worker = spawnWorkerProcess(env());
  });
  afterAll(async () => {
    await worker.stop(5_000);
    await simulator.close();
  });

  it('without a runId: one line naming the spec file and field, exit 2, and no wait on the pipe', async () => {
    await spec('fifo-no-id.yaml', 'data/in.fifo');
    const fifo = await s2d(['submit', 'fifo-no-id.yaml']);
    expect(fifo.stderr).toBe(
      `s2d submit: fifo-no-id.yaml, field "runId": input ${join(dir, 'data', 'in.fifo')} is a pipe (FIFO), which can be read only once, so the run id cannot be derived from its content: set runId in the spec\n`,
    );
    expect(fifo.code).toBe(2);

    await spec('stdin-no-id.yaml', '/dev/stdin');
    const stdin = await s2d(['submit', 'stdin-no-id.yaml'], '', 'data/coins.inputs.jsonl');
    expect(stdin.stderr).toMatch(/^s2d submit: stdin-no-id\.yaml, field "runId": input \/dev\/stdin is a pipe \(FIFO\), which can be read only once, .*: set runId in the spec\n$/);
    expect(stdin.code).toBe(2);
  });

  it('with a runId, a named pipe is read once and the run is published with every line', async () => {
    await spec('fifo.yaml', 'data/in.fifo', 'piped-fifo');
    // The writer blocks until s2d opens the pipe for reading, as a producing program would.
    const [outcome] = await Promise.all([s2d(['submit', 'fifo.yaml', '--wait', '--json']), writeFile(join(dir, 'data', 'in.fifo'), lines)]);
    expect(outcome.stderr).not.toContain('    at ');
    expect(outcome.code).toBe(0);
    const submitted = JSON.parse(outcome.stdout) as SubmitJson;
    expect(submitted).toMatchObject({ runId: 'piped-fifo', created: true, total: ITEMS, enqueued: ITEMS, status: { state: 'published', items: { total: ITEMS, done: ITEMS } } });
  });

  it('with a runId, /dev/stdin fed by a shell pipe is read once and the run is published with every line', async () => {
    await spec('stdin.yaml', '/dev/stdin', 'piped-stdin');
    const outcome = await s2d(['submit', 'stdin.yaml', '--wait', '--json'], '', 'data/coins.inputs.jsonl');
    expect(outcome.code).toBe(0);
    const submitted = JSON.parse(outcome.stdout) as SubmitJson;
    expect(submitted).toMatchObject({ runId: 'piped-stdin', total: ITEMS, enqueued: ITEMS, status: { state: 'published', items: { total: ITEMS, done: ITEMS } } });
  });

  it('with a runId, /dev/stdin on a socket (how Node.js child processes get their stdin) is read once', async () => {
    await spec('socket.yaml', '/dev/stdin', 'piped-socket');
    const outcome = await s2d(['submit', 'socket.yaml', '--json'], lines);
    expect(outcome.stderr).not.toContain('    at ');
    expect(outcome.code).toBe(0);
    expect(JSON.parse(outcome.stdout)).toMatchObject({ runId: 'piped-socket', total: ITEMS, enqueued: ITEMS });
  });
});
