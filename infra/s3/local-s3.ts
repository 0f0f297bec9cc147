import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

/**
 * The fixed key pair s3rver accepts (it checks signatures against it); only ever used for a private server.
 * Not frozen: the SDK annotates credential objects it is given, so pass a copy.
 */
export const LOCAL_S3_CREDENTIALS: Readonly<{ accessKeyId: string; secretAccessKey: string }> = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalS3 {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** Creates a bucket (3-63 lower-case characters) unless it exists. */
  createBucket(name: string): Promise<void>;
  /** Env vars that point s2d (and spawned workers) at this server: endpoint, path style, region, credentials. */
  env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * The child's program: s3rver on a free loopback port, its port on stdout as one JSON line, and a clean exit when
 * the parent closes stdin or sends SIGTERM (so an orphaned server cannot outlive its parent for long).
 */
const CHILD_SCRIPT = `
const S3rver = require(process.argv[1]);
const server = new S3rver({ address: '127.0.0.1', port: Number(process.argv[3] || 0), directory: process.argv[2], silent: true });
server.run().then((address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'), (error) => {
  process.stderr.write(String(error && error.stack || error) + '\\n');
  process.exit(1);
});
const stop = () => server.close().finally(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
`;

export interface LocalS3Options {
  /** Loopback port to listen on. Default: a free one. */
  port?: number;
  /** Where the objects live; kept by `close`, so a server restarted on it finds them again (fault tests). Default: a
   * fresh temp directory that `close` removes. */
  directory?: string;
}

/**
 * Starts s3rver, an S3-compatible server (a dev dependency, for tests and `s2d demo --s3`), as a child process on
 * a free loopback port with a fresh temp directory that `close` removes. It speaks the S3 REST API over real HTTP
 * and checks SigV4 signatures, but does not enforce `If-None-Match` (see S3ArtifactStore).
 *
 * A child rather than in-process because s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node's
 * OpenSSL 3 only offers with `--openssl-legacy-provider`; without it every truncated listing fails with
 * InternalError. The flag is confined to the test server's process.
 */
export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve('s3rver');
  } catch (error) {
    throw new Error(`the local S3 server needs the s3rver package (a dev dependency; run npm install): ${String(error)}`);
  }
  const ownDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 's2d-s3-')));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', CHILD_SCRIPT, entry, directory, String(options.port ?? 0)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.once('line', (line) => {
        lines.close();
        const parsed = JSON.parse(line) as { port?: unknown };
        if (typeof parsed.port === 'number') resolve(parsed.port);
        else reject(new Error(`s3rver printed ${line}`));
      });
      child.once('error', reject);
      child.once('exit', (code) => { reject(new Error(`s3rver exited with code ${String(code)} before listening: ${stderr.trim()}`)); });
    });
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    if (ownDirectory) await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { ...LOCAL_S3_CREDENTIALS } });
  return {
    endpoint,
    env: Object.freeze({
      S2D_S3_ENDPOINT: endpoint,
      S2D_S3_FORCE_PATH_STYLE: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    }),
    createBucket: async (name) => {
      try {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      } catch (error) {
        const code = (error as { name?: string }).name;
        if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
      }
    },
    close: async () => {
      client.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end();
        child.kill('SIGTERM');
        await exited;
      }
      if (ownDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}
