import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { BatchComparison } from '../../cli/demo/batch-comparison.js';

const run = promisify(execFile);
const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;

describe('s2d demo --batch (CLI, end to end through the simulated Batch API)', () => {
  it('distils the same items through the Batch API with the same outcomes and prints the cost at the batch price next to online', { timeout: 180_000 }, async () => {
    const out = await mkdtemp(join(tmpdir(), 's2d-demo-batch-e2e-'));
    const env = { ...process.env, REDIS_URL: '', OPENAI_BASE_URL: '' };
    const args = [BIN, 'demo', '--batch', '--json', '--no-adaptive', '--out', out, '--items', '10', '--eval-items', '5', '--workers', '1', '--samples', '4'];
    const { stdout } = await run(process.execPath, args, { env, maxBuffer: 10_000_000 });
    const summary = JSON.parse(stdout) as { items: number; accepted: number; batch: BatchComparison; timingsMs: { batch?: number } };
    const { batch } = summary;
    expect(batch.items).toBe(summary.items);
    // Same seed, same request bodies: the same dataset.
    expect(batch.sameOutcome).toBe(summary.items);
    expect(batch.accepted).toEqual({ online: summary.accepted, batch: summary.accepted });
    expect(batch.tokens.batch).toBe(batch.tokens.online);
    expect(batch.discount).toBe(0.5);
    expect(batch.usd?.batch).toBeCloseTo((batch.usd?.online ?? 0) / 2, 6);
    expect(batch.usd?.saving).toBeCloseTo((batch.usd?.online ?? 0) / 2, 6);
    // rar2: a rephrase round, then an answers round.
    expect(batch.roundsPerItem).toBeGreaterThanOrEqual(2);
    expect(batch.batches).toBeGreaterThanOrEqual(2);
    expect(summary.timingsMs.batch).toBeGreaterThan(0);
  });
});
