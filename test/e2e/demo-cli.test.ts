import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../shared/dataset/manifest.js';
import { useTestS3 } from '../helpers/test-s3.js';

const run = promisify(execFile);
const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;

describe('s2d demo (CLI, end to end: private redis-server, simulator, 2 worker processes)', () => {
  it('prints a JSON summary whose files exist, reconcile, and show curation lifting the labels', { timeout: 180_000 }, async () => {
    const out = await mkdtemp(join(tmpdir(), 's2d-demo-e2e-'));
    const env = { ...process.env, REDIS_URL: '', OPENAI_BASE_URL: '' };
    const { stdout } = await run(process.execPath, [BIN, 'demo', '--json', '--out', out], { env, maxBuffer: 10_000_000 });
    const summary = JSON.parse(stdout) as {
      runId: string; datasetDir: string; manifest: string; items: number; accepted: number; rejected: number; errored: number;
      acceptanceRate: number; labelAccuracy: number; simulator: boolean;
      system1: { accuracy: number; tokensPerItem: number }; system2: { accuracy: number; tokensPerItem: number };
      tokens: { llmRequests: number };
      cost: {
        requests: number; promptTokens: number; completionTokens: number; totalTokens: number; accepted: number; usd: number;
        perAcceptedExample: { requests: number; tokens: number; usd: number }; prices: { promptUsdPerMTok: number; completionUsdPerMTok: number }; pricesLabel: string;
      };
      adaptive: Record<'fixed' | 'adaptive', { runId: string; accepted: number; samplesPerItem: number; labelAccuracy: number; cost: { requests: number; perAcceptedExample: { requests: number; usd: number } } }>;
    };
    expect(summary.simulator).toBe(true);
    expect(summary.items).toBe(600);
    expect(summary.accepted + summary.rejected + summary.errored).toBe(600);
    expect(summary.errored).toBe(0);

    // The paper's shape: System 2 beats System 1 and costs more tokens; curated labels beat single System 2 answers.
    expect(summary.system2.accuracy).toBeGreaterThan(summary.system1.accuracy);
    expect(summary.system2.tokensPerItem).toBeGreaterThan(5 * summary.system1.tokensPerItem);
    expect(summary.labelAccuracy).toBeGreaterThan(summary.system2.accuracy + 0.15);
    expect(summary.acceptanceRate).toBeGreaterThan(0.5);

    const manifest = parseManifest(JSON.parse(await readFile(summary.manifest, 'utf8')));
    expect(dirname(summary.manifest)).toBe(summary.datasetDir);
    // Cost per accepted example from the run store's paid counters (the manifest's), at labelled example prices.
    const cost = summary.cost;
    expect(cost.pricesLabel).toBe('example prices (simulated model; not a real bill)');
    expect(manifest.cost?.prices).toBeNull(); // example prices never enter the run spec or the manifest
    expect(manifest.cost?.paid).toMatchObject({ requests: cost.requests, promptTokens: cost.promptTokens, completionTokens: cost.completionTokens });
    expect(cost.requests).toBe(summary.tokens.llmRequests);
    const usd = (cost.promptTokens * cost.prices.promptUsdPerMTok + cost.completionTokens * cost.prices.completionUsdPerMTok) / 1e6;
    expect(cost.usd).toBeCloseTo(usd, 9);
    expect(cost.perAcceptedExample.usd).toBeCloseTo(usd / summary.accepted, 9);
    expect(cost.perAcceptedExample.requests).toBeCloseTo(cost.requests / summary.accepted, 1);
    expect(cost.perAcceptedExample.tokens).toBeCloseTo(cost.totalTokens / summary.accepted, 1);
    // The same items again with adaptive sampling: the fixed side is the run above, the adaptive one stops early.
    const { fixed, adaptive } = summary.adaptive;
    expect(fixed).toMatchObject({ runId: summary.runId, accepted: summary.accepted, samplesPerItem: 8, labelAccuracy: summary.labelAccuracy });
    expect(fixed.cost.requests).toBe(cost.requests);
    expect(adaptive.runId).toBe(`${summary.runId}-adaptive`);
    expect(adaptive.samplesPerItem).toBeGreaterThan(3);
    expect(adaptive.samplesPerItem).toBeLessThan(8);
    expect(adaptive.cost.requests).toBeLessThan(fixed.cost.requests);
    expect(adaptive.cost.perAcceptedExample.usd).toBeLessThan(fixed.cost.perAcceptedExample.usd);
    expect(manifest.runId).toBe(summary.runId);
    expect(manifest.counts.accepted).toBe(summary.accepted);
    for (const file of manifest.files) {
      const bytes = await readFile(join(summary.datasetDir, file.path));
      expect((await stat(join(summary.datasetDir, file.path))).size).toBe(file.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
      // JSONL files have no blank lines; the dataset card (README.md) does, and its records are all its lines.
      const lines = bytes.toString('utf8').split('\n').slice(0, -1);
      expect(lines).toHaveLength(file.records);
      if (file.role !== 'card') expect(lines.every((line) => line !== '')).toBe(true);
      if (file.role === 'train' || file.role === 'validation') {
        for (const line of lines) expect(Object.keys(JSON.parse(line) as object)).toEqual(['messages']);
      }
    }
  });

  it('--s3 publishes the dataset to s3:// and prints the manifest and shard URIs, which hold what the manifest says', { timeout: 180_000 }, async () => {
    const s3 = useTestS3();
    const out = await mkdtemp(join(tmpdir(), 's2d-demo-s3-e2e-'));
    // S2D_S3_ENDPOINT points the demo at the test server (as REDIS_URL would for Redis), so the objects outlive it.
    const env = { ...process.env, ...s3.env, REDIS_URL: '', OPENAI_BASE_URL: '' };
    const args = [BIN, 'demo', '--s3', '--json', '--out', out, '--items', '15', '--eval-items', '5', '--workers', '1', '--samples', '3'];
    const { stdout } = await run(process.execPath, args, { env, maxBuffer: 10_000_000 });
    const summary = JSON.parse(stdout) as { runId: string; datasetDir: string; manifest: string; shards: string[]; items: number; accepted: number };
    const folder = `demo/${summary.runId}`;
    expect(summary.datasetDir).toBe(`s3://s2d-demo/datasets/${folder}`);
    expect(summary.manifest).toBe(`s3://s2d-demo/datasets/${folder}/manifest.json`);
    const store = s3.store('s2d-demo', 'datasets');
    const manifest = parseManifest(Buffer.from((await store.get(`${folder}/manifest.json`)) ?? new Uint8Array()).toString('utf8'));
    expect(manifest.counts.inputs).toBe(30);
    const shardFiles = manifest.files.filter((f) => f.role === 'train' || f.role === 'validation');
    expect(summary.shards).toEqual(shardFiles.map((f) => `s3://s2d-demo/datasets/${folder}/${f.path}`));
    let records = 0;
    for (const file of shardFiles) {
      const bytes = (await store.get(`${folder}/${file.path}`)) ?? new Uint8Array();
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
      records += file.records;
    }
    expect(records).toBe(summary.accepted);
  });

  it('says in one line what to do when redis-server is missing', async () => {
    const env = { ...process.env, REDIS_URL: '', PATH: '/nonexistent' };
    const failure = await run(process.execPath, [BIN, 'demo'], { env }).then(
      () => null,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure?.code).toBe(1);
    const lines = (failure?.stderr ?? '').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/redis-server.*apt-get install -y redis-server/);
  });
});
