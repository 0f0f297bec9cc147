import type { ArtifactStore } from '../../shared/artifacts/artifact-store.js';
import { batchPricesOf, DEFAULT_BATCH_PRICE_RATIO } from '../../shared/cost/batch-prices.js';
import type { PaidCounters } from '../../shared/cost/cost-summary.js';
import { formatUsd, roundUsd, usdOf } from '../../shared/cost/usd.js';
import { manifestKey } from '../../shared/dataset/dataset-layout.js';
import { parseManifest, type Manifest } from '../../shared/dataset/manifest.js';
import { ItemResultStore } from '../../shared/dataset/read-item-results.js';
import { DEMO_EXAMPLE_PRICES, EXAMPLE_PRICES_LABEL } from './demo-cost.js';

/** `batch` of `s2d demo --json`: the demo's items distilled again through the Batch API (`--batch`). */
export interface BatchComparison {
  runId: string;
  accepted: { online: number; batch: number };
  /** Items whose accepted target (or reject) is the same in both runs, of all items: the same seed gives the same data. */
  sameOutcome: number;
  items: number;
  /** Paid tokens of the batch run (the same requests as online). */
  tokens: { online: number; batch: number };
  /** USD at the demo's example prices: online, and batch at the documented discount; null without prices (a real endpoint). */
  usd: { online: number; batch: number; saving: number } | null;
  /** Share of the online price a batch request costs when the spec gives no batch price. */
  discount: number;
  /** Batch rounds an item waited for, on average (rar2: rephrase, then answers). */
  roundsPerItem: number | null;
  batches: number;
  resubmitted: number;
}

async function readRunManifest(store: ArtifactStore, name: string, runId: string): Promise<Manifest> {
  const bytes = await store.get(manifestKey(name, runId));
  if (bytes === null) throw new Error(`run ${runId} is published but its manifest is missing`);
  return parseManifest(JSON.parse(Buffer.from(bytes).toString('utf8')));
}

const paidOf = (manifest: Manifest): PaidCounters => {
  const paid = manifest.cost?.paid;
  return { requests: paid?.requests ?? 0, promptTokens: paid?.promptTokens ?? 0, completionTokens: paid?.completionTokens ?? 0, cachedPromptTokens: paid?.cachedPromptTokens ?? 0 };
};

/** Compares the demo's online run with its batch run (both published to `store`), item by item and in dollars. */
export async function compareBatchRun(store: ArtifactStore, online: { name: string; runId: string }, batch: { name: string; runId: string }, simulated: boolean): Promise<BatchComparison> {
  const [onlineManifest, batchManifest] = await Promise.all([readRunManifest(store, online.name, online.runId), readRunManifest(store, batch.name, batch.runId)]);
  const items = onlineManifest.counts.inputs;
  const results = new ItemResultStore(store);
  const outcomes = new Map<number, string>();
  for await (const result of results.readAll(online.runId, items)) outcomes.set(result.index, result.status === 'accepted' ? `accepted:${result.target}` : result.status);
  let sameOutcome = 0;
  for await (const result of results.readAll(batch.runId, items)) {
    if (outcomes.get(result.index) === (result.status === 'accepted' ? `accepted:${result.target}` : result.status)) sameOutcome += 1;
  }
  const onlinePaid = paidOf(onlineManifest);
  const batchPaid = paidOf(batchManifest);
  const onlineUsd = usdOf(onlinePaid, DEMO_EXAMPLE_PRICES);
  const batchUsd = usdOf(batchPaid, batchPricesOf(DEMO_EXAMPLE_PRICES));
  return {
    runId: batch.runId,
    accepted: { online: onlineManifest.counts.accepted, batch: batchManifest.counts.accepted },
    sameOutcome,
    items,
    tokens: { online: onlinePaid.promptTokens + onlinePaid.completionTokens, batch: batchPaid.promptTokens + batchPaid.completionTokens },
    usd: simulated ? { online: roundUsd(onlineUsd), batch: roundUsd(batchUsd), saving: roundUsd(onlineUsd - batchUsd) } : null,
    discount: DEFAULT_BATCH_PRICE_RATIO,
    roundsPerItem: batchManifest.batch?.roundsPerItem ?? null,
    batches: batchManifest.batch?.batches.created ?? 0,
    resubmitted: batchManifest.batch?.requests.resubmitted ?? 0,
  };
}

/** The comparison's lines for the demo's text output. */
export function formatBatchComparison(c: BatchComparison): string[] {
  const usd =
    c.usd === null
      ? 'no prices given (tokens only)'
      : `online ${formatUsd(c.usd.online)} vs batch ${formatUsd(c.usd.batch)} at the documented batch price (${c.discount * 100}% of online), saving ${formatUsd(c.usd.saving)} (${EXAMPLE_PRICES_LABEL})`;
  return [
    `batch mode (model.mode: batch, the ${c.usd === null ? '' : 'simulated '}Batch API), same items and seed: ${c.sameOutcome}/${c.items} items with the same outcome, accepted ${c.accepted.batch} vs ${c.accepted.online} online`,
    `  tokens ${c.tokens.batch} batch vs ${c.tokens.online} online; ${usd}`,
    `  ${c.roundsPerItem ?? '—'} batch rounds per item, ${c.batches} batches, ${c.resubmitted} requests resubmitted`,
  ];
}
