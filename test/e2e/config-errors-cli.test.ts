import { execFile } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestS3 } from '../helpers/test-s3.js';

const exec = promisify(execFile);
const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;
const s3 = useTestS3();

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI with only the given environment (plus PATH and HOME), so no setting of the machine running the
 * tests leaks in; never waits long: every case here must fail at once.
 */
async function s2d(args: string[], env: Record<string, string>, cwd: string): Promise<Outcome> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env }, cwd, timeout: 45_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number | string; stdout: string; stderr: string; killed?: boolean };
    if (failed.killed === true) throw new Error(`s2d ${args.join(' ')} did not fail at once; stderr: ${failed.stderr}`);
    return { code: Number(failed.code), stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** One line on stderr, no stack trace, nothing on stdout, the documented exit code. */
function expectOneLine(outcome: Outcome, code: number, line: string | RegExp): void {
  expect(outcome.stderr).not.toContain('    at ');
  expect(outcome.stderr.split('\n')).toHaveLength(2);
  if (typeof line === 'string') expect(outcome.stderr).toBe(`${line}\n`);
  else expect(outcome.stderr).toMatch(line);
  expect(outcome.stdout).toBe('');
  expect(outcome.code).toBe(code);
}

describe('s2d: bad settings and S3 failures are one line with the documented exit code (CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's2d-config-errors-'));
  });

  describe.concurrent('invalid environment values and flags: exit 2', () => {
    it.each([
      [['worker'], { S2D_WORKER_CONCURRENCY: 'abc' }, "s2d worker: S2D_WORKER_CONCURRENCY must be a positive integer, got 'abc'"],
      [['worker', '--concurrency', 'abc'], { REDIS_URL: 'redis://127.0.0.1:1' }, "s2d worker: --concurrency must be a positive integer, got 'abc'"],
      [['worker', '--concurrency', '0'], { REDIS_URL: 'redis://127.0.0.1:1' }, "s2d worker: --concurrency must be a positive integer, got '0'"],
      [['worker'], { S2D_SHUTDOWN_DEADLINE_MS: '99999999999' }, "s2d worker: S2D_SHUTDOWN_DEADLINE_MS must be an integer from 1 to 2147483647, got '99999999999'"],
      // A worker opens S3 only when a job needs it; a bad S3 setting must stop it at start, not fail every such job.
      [['worker'], { REDIS_URL: 'redis://127.0.0.1:1', S2D_S3_PART_SIZE_MIB: '4' }, "s2d worker: S2D_S3_PART_SIZE_MIB must be an integer from 5 to 5120, got '4'"],
      [['status'], { S2D_PREFIX: 'a/b' }, "s2d status: S2D_PREFIX must be letters, digits, '_', '.' and '-' only (one or more), got 'a/b'"],
      [['status'], { REDIS_URL: 'http://user:pw@h:1' }, "s2d status: REDIS_URL must be a redis:// or rediss:// URL, got 'http://***@h:1'"],
      [['submit', 'run.yaml'], { OPENAI_BASE_URL: 'localhost:8000/v1' }, "s2d submit: OPENAI_BASE_URL must be an http:// or https:// URL, got 'localhost:8000/v1'"],
      [['demo', '--samples', '65'], {}, "s2d demo: --samples must be an integer from 1 to 64, got '65'"],
      [['demo', '--min-agreement', 'most'], {}, "s2d demo: --min-agreement must be a number from 0 to 1, got 'most'"],
      [['generate', 'last-letter', '--count', 'ten'], {}, "s2d generate: --count must be a non-negative integer, got 'ten'"],
      [['sim', '--port', '70000'], {}, "s2d sim: --port must be an integer from 0 to 65535, got '70000'"],
    ])('s2d %j with %j', async (args, env, line) => {
      expectOneLine(await s2d(args, env, dir), 2, line);
    });
  });

  it('s2d generate --k out of the task\'s range fails before writing any file', async () => {
    const out = join(dir, 'gen');
    expectOneLine(await s2d(['generate', 'arithmetic', '--k', '13', '--out', out], {}, dir), 2, "s2d generate: --k must be an integer from 1 to 12, got '13'");
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  describe.concurrent('s2d collect on S3 that cannot be read: exit 1', () => {
    const uri = 's3://s2d-no-such-bucket-collect/ds/';
    it('a bucket that does not exist', async () => {
      expectOneLine(await s2d(['collect', uri], s3.env, dir), 1, 's2d collect: cannot read the dataset at s3://s2d-no-such-bucket-collect/ds: NoSuchBucket: The specified bucket does not exist');
    });
    it('no credentials anywhere in the chain', async () => {
      const env = { S2D_S3_ENDPOINT: s3.endpoint, AWS_EC2_METADATA_DISABLED: 'true' };
      expectOneLine(await s2d(['collect', uri], env, dir), 1, /^s2d collect: cannot read the dataset at s3:\/\/s2d-no-such-bucket-collect\/ds: no usable AWS credentials \(.+\): set AWS_ACCESS_KEY_ID/);
    });
    it('an endpoint that does not answer', async () => {
      const env = { ...s3.env, S2D_S3_ENDPOINT: 'http://127.0.0.1:1' };
      expectOneLine(await s2d(['collect', uri], env, dir), 1, /^s2d collect: cannot read the dataset at s3:\/\/s2d-no-such-bucket-collect\/ds: cannot reach the S3 endpoint \(.*ECONNREFUSED.*\); check S2D_S3_ENDPOINT/);
    });
  });
});
