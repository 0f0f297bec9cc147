import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRunSpecFile, resolveRunSpec } from '../../../shared/config/load-run-spec.js';
import { evalSpecSchema, resolveEvalSpec } from '../../../shared/eval/eval-spec.js';

/** What the promise settles to within `ms`, or 'hung': reading a pipe no one writes to never ends. */
const within = <T>(promise: Promise<T>, ms: number): Promise<T | 'hung'> => Promise.race([promise, sleep(ms).then(() => 'hung' as const)]);

describe('run specs whose input can be read only once (a FIFO, /dev/stdin on a pipe or terminal)', () => {
  let dir: string;
  let fifo: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 's2d-fifo-spec-'));
    fifo = join(dir, 'in.fifo');
    execFileSync('mkfifo', [fifo]);
  });
  afterEach(async () => {
    // A reader left blocked on the pipe (the behaviour this guards against) gets end-of-file, so nothing hangs on.
    const writer = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
    await writer?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const specFile = async (extra: string): Promise<string> => {
    const file = join(dir, 'run.yaml');
    await writeFile(file, `name: piped\ninput: in.fifo\nanswerType: letters\nmodel: { name: m }\n${extra}`);
    return file;
  };

  it('needs an explicit runId: one error naming the spec file and the field, without opening the pipe', async () => {
    const file = await specFile('');
    const outcome = await within(
      resolveRunSpec(await loadRunSpecFile(file), { baseDir: dir, defaultBaseUrl: 'http://127.0.0.1:1/v1', specFile: file }).then(
        () => 'resolved',
        (error: unknown) => error as Error,
      ),
      3_000,
    );
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).name).toBe('RunSpecError');
    expect((outcome as Error).message).toBe(
      `${file}, field "runId": input ${fifo} is a pipe (FIFO), which can be read only once, so the run id cannot be derived from its content: set runId in the spec`,
    );
  });

  it('with a runId, resolves without reading the pipe (the producer reads it, once)', async () => {
    const file = await specFile('runId: piped-1\n');
    const resolved = await within(resolveRunSpec(await loadRunSpecFile(file), { baseDir: dir, defaultBaseUrl: 'http://127.0.0.1:1/v1', specFile: file }), 3_000);
    expect(resolved).toMatchObject({ runId: 'piped-1', input: fifo });
  });

  it('keeps deriving the run id of a regular file from its content', async () => {
    await writeFile(join(dir, 'in.jsonl'), '{"prompt":"p"}\n');
    const file = join(dir, 'plain.yaml');
    await writeFile(file, 'name: plain\ninput: in.jsonl\nanswerType: letters\nmodel: { name: m }\n');
    const resolved = await resolveRunSpec(await loadRunSpecFile(file), { baseDir: dir, defaultBaseUrl: 'http://127.0.0.1:1/v1', specFile: file });
    expect(resolved.runId).toMatch(/^plain-[0-9a-f]{12}$/);
  });
});

describe('eval specs whose labelled set can be read only once', () => {
  let dir: string;
  let fifo: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 's2d-fifo-eval-'));
    fifo = join(dir, 'set.fifo');
    execFileSync('mkfifo', [fifo]);
  });
  afterEach(async () => {
    const writer = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
    await writer?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('needs an explicit evalId, and with one reads nothing while resolving', async () => {
    const spec = { name: 'piped', input: fifo, answerType: 'letters' as const, strategy: 'system1' as const, model: { name: 'm' }, output: { dir: 'out' } };
    const options = { baseDir: dir, defaultBaseUrl: 'http://127.0.0.1:1/v1', specFile: 'eval.yaml' };
    const refused = await within(resolveEvalSpec(evalSpecSchema.parse(spec), options).then(() => 'resolved', (error: unknown) => error as Error), 3_000);
    expect((refused as Error).message).toBe(
      `eval.yaml, field "evalId": input ${fifo} is a pipe (FIFO), which can be read only once, so the eval id cannot be derived from its content: set evalId in the spec`,
    );
    expect(await within(resolveEvalSpec(evalSpecSchema.parse({ ...spec, evalId: 'e-1' }), options), 3_000)).toMatchObject({ evalId: 'e-1', input: fifo });
  });
});
