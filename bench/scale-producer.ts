/**
 * The producer's memory on a large input: `s2d submit` as a child process streams a JSONL file of `lines` items into
 * a private Redis, sampled through /proc/<pid>/status (VmHWM, the kernel's high-water mark of its resident memory).
 *
 * No worker runs, so the producer's backlog bound is set above the input's size: otherwise it would wait for
 * workers at S2D_MAX_BACKLOG items (that wait is what bounds Redis in a real run, see scale-run.ts). Every line thus
 * becomes a BullMQ job held in Redis, which is why the caller gives this its own Redis and throws it away after.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openQueueClients } from '../cli/queue-clients.js';
import { packageRoot } from '../cli/package-root.js';
import { isolatedPrefix } from '../test/helpers/isolated-prefix.js';
import { usedMemory } from './redis-footprint.js';
import { processMemory } from './process-memory.js';
import { scaleSpec } from './scale-run.js';

export interface ProducerMeasured {
  seconds: number;
  linesPerSecond: number;
  /** The producer's resident-memory high-water mark, bytes (last sample before it exited). */
  hwmBytes: number;
  /** Items the producer reported enqueued. */
  enqueued: number;
  /** Redis used_memory with every item enqueued, bytes. */
  redisBytes: number;
}

export async function measureProducer(options: { redisUrl: string; baseUrl: string; input: string; lines: number; dir: string; sampleMs?: number }): Promise<ProducerMeasured> {
  const prefix = isolatedPrefix('producer');
  const runId = `producer-${prefix.slice(-8)}`;
  const specPath = join(options.dir, 'producer.spec.json');
  await writeFile(specPath, JSON.stringify(scaleSpec({ runId, input: options.input, baseUrl: options.baseUrl, outputDir: join(options.dir, 'producer-out') })));
  const env = { ...process.env, REDIS_URL: options.redisUrl, S2D_PREFIX: prefix, S2D_LOG_LEVEL: 'warn', S2D_MAX_BACKLOG: String(options.lines + 1) };
  const clients = await openQueueClients(options.redisUrl, prefix);
  try {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 's2d.mjs'), 'submit', specPath, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let hwm = 0;
    while (child.exitCode === null && child.pid !== undefined) {
      const memory = await processMemory(child.pid);
      if (memory !== null) hwm = Math.max(hwm, memory.hwmBytes);
      await sleep(options.sampleMs ?? 50);
    }
    const code = await exited;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (code !== 0) throw new Error(`s2d submit exited with ${code}: ${stderr}`);
    const outcome = JSON.parse(stdout) as { enqueued: number };
    const redisBytes = await usedMemory(clients.redis);
    // The run is left as it is: nothing drains it, and the caller stops this Redis.
    return { seconds, linesPerSecond: options.lines / seconds, hwmBytes: hwm, enqueued: outcome.enqueued, redisBytes };
  } finally {
    await clients.close();
  }
}
