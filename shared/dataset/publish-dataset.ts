import type { ArtifactStore } from '../artifacts/artifact-store.js';
import type { ResolvedRunSpec } from '../config/run-spec.js';
import type { AnswerType } from '../core-types.js';
import { isModuleStrategy, strategyLabel } from '../strategies/strategy-ref.js';
import { buildChatRecord } from './chat-record.js';
import { CARD_FILE, renderDatasetCard } from './dataset-card.js';
import { SHARD_FILE, ShardSeries } from './shard-series.js';
import { StreamedFile } from './streamed-file.js';
import { STOP_REJECT_CODES, type ItemResult, type RejectCode, type SamplingDecision, type SamplingRecord, type VariantRecord, type Vote } from './item-result.js';
import {
  buildManifest,
  MANIFEST_FILE_NAME,
  parseManifest,
  serializeManifest,
  type Manifest,
  type ManifestFile,
} from './manifest.js';
import { datasetFolder, updateLatestPointer } from './dataset-layout.js';
import { assignSplit, type Split } from './split.js';
import { costSummary, type PaidCounters } from '../cost/cost-summary.js';
import { runPrices } from '../cost/resolve-prices.js';
import type { BatchReport } from '../batch/batch-report.js';
import { SampleSavingTally } from '../cost/sample-saving.js';

/** Inputs of {@link publishDataset}. */
export interface PublishDatasetOptions {
  store: ArtifactStore;
  /** The run's resolved spec; `spec.runId` must equal `runId`. */
  spec: ResolvedRunSpec;
  runId: string;
  /**
   * Makes a fresh iteration of every item result of the run, in index order 0, 1, 2… with none missing
   * (e.g. `() => itemResults.readAll(runId, total)`). Iterated once per publication attempt.
   */
  results: () => AsyncIterable<ItemResult>;
  /** Template name -> version used by the run, recorded in the manifest. */
  templateVersions: Record<string, string>;
  /** Clock for `createdAt`. Default: `() => new Date()`. */
  now?: () => Date;
  /**
   * Dataset version (default 1). From 2 on (`s2d retry`) the files go to `<name>/<runId>/v<version>/` and the
   * manifest links `previousManifest`, the locator of the version before.
   */
  version?: number;
  previousManifest?: string;
  /**
   * Reads what the run paid (the run store's counters), after the files are written and just before the manifest
   * is: the manifest's `cost` then holds it. Absent: the manifest has no `cost`.
   */
  paid?: () => Promise<PaidCounters>;
  /** Reads a batch-mode run's batch report, just before the manifest is written (its `batch`). Absent: none. */
  batch?: () => Promise<BatchReport>;
}

export interface PublishDatasetResult {
  manifest: Manifest;
  /** False when the dataset was already published (by an earlier call or a concurrent winner). */
  created: boolean;
}

/** One line of provenance.jsonl: how an accepted item's training line came about. */
export interface ProvenanceRecord {
  id: string;
  index: number;
  line: number;
  split: Split;
  /** The shard file (relative to the dataset folder) that holds the item's training line. */
  shard: string;
  strategy: string | undefined;
  samples: number;
  votes: Vote[];
  voteShare: number;
  unextractable: number;
  calls: number;
  tokens: { prompt: number; completion: number };
  /** The curated answer (the training line's assistant turn), so evaluation can score labels by id. */
  target: string;
  answerType: AnswerType | undefined;
  /** Which curation method decided (vote / usc) and, for USC, the selected sample. */
  curation: ItemResult['curation'];
  /** Input-perturbation runs: each variant's answer and what it means for the original. */
  variants?: VariantRecord[];
  /** Adaptive runs: samples drawn, the maximum, the stopping decision and why. */
  sampling?: SamplingRecord;
}

/** One line of rejects.jsonl: an input line that did not become training data, and why. */
export interface RejectRecord {
  id: string;
  index: number;
  line: number;
  status: 'rejected' | 'errored';
  code: RejectCode | undefined;
  reason: string;
  votes: Vote[];
  voteShare: number | undefined;
  file: string | undefined;
  field: string | undefined;
  attempts: number | undefined;
  /** Adaptive runs: samples drawn, the maximum, the stopping decision and why (e.g. an early rejection). */
  sampling?: SamplingRecord;
}

export const PROVENANCE_FILE = 'provenance.jsonl';
export const REJECTS_FILE = 'rejects.jsonl';

/**
 * Publishes a run's dataset under `<name>/<runId>/` (version 2 on: `<name>/<runId>/v<N>/`) in the store: chat-format shards `train-NNNNN.jsonl` and
 * `validation-NNNNN.jsonl` (at most `spec.output.shardMaxRecords` lines and `shardMaxBytes` bytes each; an empty
 * split still gets one empty shard), `provenance.jsonl`, `rejects.jsonl`, and finally `manifest.json`, written
 * create-only as the commit marker; then, if `spec.output.latestPointer`, `<name>/_LATEST`.
 *
 * Shard keys are a pure function of the results (split + sequence number), so a retry after a crash overwrites the
 * same keys (and removes shards beyond what it needs): one publication, never duplicate shards. Until the manifest
 * exists, readers must ignore the folder.
 *
 * One pass over `results` feeds all files at once, each through `putStream`, so memory stays flat. Idempotent: an
 * existing manifest is returned untouched (created=false); a retry after a crash rewrites the same bytes; when a
 * concurrent publisher commits first, its manifest is returned. The store must let several `putStream` calls run
 * concurrently (every store does; one that serialised them would deadlock here).
 */
export async function publishDataset(options: PublishDatasetOptions): Promise<PublishDatasetResult> {
  const { store, spec, runId } = options;
  if (spec.runId !== runId) throw new Error(`publishDataset: spec.runId "${spec.runId}" differs from runId "${runId}"`);
  const version = options.version ?? 1;
  if (version > 1 && options.previousManifest === undefined) throw new Error(`publishDataset: version ${version} needs the previous version's manifest`);
  const folder = datasetFolder(spec.name, runId, version);
  const manifestKey = `${folder}/${MANIFEST_FILE_NAME}`;
  const existing = await readManifest(store, manifestKey);
  if (existing !== null) {
    await pointLatest(store, spec, existing, manifestKey);
    return { manifest: existing, created: false };
  }

  const written = await writeFiles(store, spec, folder, options.results());
  await removeStaleShards(store, folder, written.files);
  const tokens = written.tokens;
  const paid = await options.paid?.();
  const batch = await options.batch?.();
  const cost = paid === undefined ? undefined : { ...costSummary(paid, { items: written.counts.inputs, accepted: written.counts.accepted }, runPrices(spec)), samples: written.samples };
  const manifest = buildManifest({
    schemaVersion: 1,
    kind: 's2d.dataset',
    runId,
    name: spec.name,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    spec,
    model: { name: spec.model.name, baseUrl: spec.model.baseUrl },
    strategy: {
      name: strategyLabel(spec.strategy),
      ...(isModuleStrategy(spec.strategy) ? { program: spec.strategy } : {}),
      templateVersions: options.templateVersions,
    },
    counts: written.counts,
    ...stoppedFields(written.counts.rejectReasons),
    ...(version > 1 && options.previousManifest !== undefined ? { version, previousManifest: options.previousManifest } : {}),
    tokens: {
      prompt: tokens.prompt,
      completion: tokens.completion,
      total: tokens.prompt + tokens.completion,
      calls: tokens.calls,
    },
    ...(cost === undefined ? {} : { cost }),
    ...(batch === undefined ? {} : { batch }),
    sampling: {
      policy: spec.sampling.adaptive === undefined ? 'fixed' : 'adaptive',
      maxPerItem: spec.sampling.samples,
      drawn: written.samples.drawn,
      ...(spec.sampling.adaptive === undefined ? {} : { decisions: written.decisions }),
    },
    files: written.files,
  });
  if (await store.putIfAbsent(manifestKey, serializeManifest(manifest))) {
    await pointLatest(store, spec, manifest, manifestKey);
    return { manifest, created: true };
  }
  // A concurrent publisher of the same run committed first: its shards are the same bytes under the same keys
  // (results are final once stored), so its manifest describes what is in the folder and the publication succeeded.
  const winner = await readManifest(store, manifestKey);
  if (winner === null) {
    throw new Error(`publishDataset: ${store.locate(manifestKey)} vanished after a concurrent publish`);
  }
  if (winner.runId !== runId) {
    throw new Error(`publishDataset: ${store.locate(manifestKey)} belongs to run ${winner.runId}, not ${runId}`);
  }
  await pointLatest(store, spec, winner, manifestKey);
  return { manifest: winner, created: false };
}

async function pointLatest(store: ArtifactStore, spec: ResolvedRunSpec, manifest: Manifest, key: string): Promise<void> {
  if (!spec.output.latestPointer) return;
  await updateLatestPointer(store, spec.name, { runId: manifest.runId, manifest: store.locate(key), createdAt: manifest.createdAt });
}

/** `partial` and `stopped` of a run some of whose items were never processed (none for a complete run). */
function stoppedFields(reasons: Partial<Record<RejectCode, number>>): Pick<Manifest, 'partial' | 'stopped'> {
  for (const reason of STOP_REJECT_CODES) {
    const items = reasons[reason] ?? 0;
    // A run stops once, for one reason, so at most one stop code has items.
    if (items > 0) return { partial: true, stopped: { reason, items } };
  }
  return {};
}

async function readManifest(store: ArtifactStore, key: string): Promise<Manifest | null> {
  const bytes = await store.get(key);
  return bytes === null ? null : parseManifest(bytes, store.locate(key));
}

interface Written {
  files: ManifestFile[];
  counts: Manifest['counts'];
  tokens: { prompt: number; completion: number; calls: number };
  samples: ReturnType<SampleSavingTally['result']>;
  /** Adaptive runs: items per stopping decision (the samples drawn are `samples.drawn`). */
  decisions: Partial<Record<SamplingDecision, number>>;
}

async function writeFiles(
  store: ArtifactStore,
  spec: ResolvedRunSpec,
  folder: string,
  results: AsyncIterable<ItemResult>,
): Promise<Written> {
  const bounds = { records: spec.output.shardMaxRecords, bytes: spec.output.shardMaxBytes };
  const parquet = spec.output.formats.includes('parquet');
  const shards = {
    train: new ShardSeries(store, folder, 'train', bounds, parquet),
    validation: new ShardSeries(store, folder, 'validation', bounds, parquet),
  };
  const provenance = new StreamedFile(store, folder, PROVENANCE_FILE, 'provenance');
  const rejects = new StreamedFile(store, folder, REJECTS_FILE, 'rejects');
  const counts = { inputs: 0, accepted: 0, rejected: 0, errored: 0, train: 0, validation: 0, augmented: 0 };
  const rejectReasons: Partial<Record<RejectCode, number>> = {};
  const tokens = { prompt: 0, completion: 0, calls: 0 };
  const samples = new SampleSavingTally(spec.sampling.samples);
  const decisions: Written['decisions'] = {};
  try {
    for await (const r of results) {
      if (r.index !== counts.inputs) {
        throw new Error(
          `publishDataset: results must come in index order with none missing; ` +
            `expected index ${counts.inputs}, got ${r.index}`,
        );
      }
      counts.inputs++;
      tokens.prompt += r.usage.promptTokens;
      tokens.completion += r.usage.completionTokens;
      tokens.calls += r.calls;
      samples.add(r);
      if (r.sampling !== undefined) decisions[r.sampling.decision] = (decisions[r.sampling.decision] ?? 0) + 1;
      if (r.status === 'accepted') {
        const split = assignSplit(r.id, spec.output.validationFraction);
        counts.accepted++;
        counts[split]++;
        const shard = await shards[split].writeRecord(buildChatRecord(r.prompt, r.target));
        await provenance.writeLine(JSON.stringify(provenanceOf(r, split, shard)));
        for (const extra of r.augmented ?? []) {
          counts.augmented++;
          counts[split]++;
          await shards[split].writeRecord(buildChatRecord(extra.prompt, extra.target));
        }
      } else {
        if (r.status === 'rejected') {
          counts.rejected++;
          rejectReasons[r.code] = (rejectReasons[r.code] ?? 0) + 1;
        } else {
          counts.errored++;
        }
        await rejects.writeLine(JSON.stringify(rejectOf(r)));
      }
    }
    const files = [
      ...(await shards.train.finish()),
      ...(await shards.validation.finish()),
      await provenance.finish(),
      await rejects.finish(),
    ];
    const { augmented, ...itemCounts } = counts;
    const manifestCounts = { ...itemCounts, ...(augmented === 0 ? {} : { augmented }), rejectReasons };
    files.push(await writeCard(store, folder, renderDatasetCard({ spec, counts: manifestCounts, parquet })));
    return { files, counts: manifestCounts, tokens, samples: samples.result(), decisions };
  } catch (error) {
    // Stop every upload still open so no temp object lingers, then report the first failure.
    await Promise.all([
      shards.train.abort(error),
      shards.validation.abort(error),
      provenance.abort(error),
      rejects.abort(error),
    ]);
    throw error;
  }
}

/** Writes the dataset card; its records are its lines, as `s2d collect` counts them. */
async function writeCard(store: ArtifactStore, folder: string, card: string): Promise<ManifestFile> {
  const file = new StreamedFile(store, folder, CARD_FILE, 'card');
  for (const line of card.replace(/\n$/, '').split('\n')) await file.writeLine(line);
  return file.finish();
}

/** Shards a previous attempt wrote beyond what this one needs (only if the results changed in between). */
async function removeStaleShards(store: ArtifactStore, folder: string, files: ManifestFile[]): Promise<void> {
  const keep = new Set(files.map((f) => f.path));
  const stale: string[] = [];
  for await (const key of store.list(`${folder}/`)) {
    const name = key.slice(folder.length + 1);
    if (SHARD_FILE.test(name) && !keep.has(name)) stale.push(key);
  }
  for (const key of stale) await store.delete(key);
}

function provenanceOf(r: Extract<ItemResult, { status: 'accepted' }>, split: Split, shard: string): ProvenanceRecord {
  return {
    id: r.id,
    index: r.index,
    line: r.line,
    split,
    shard,
    strategy: r.strategy,
    samples: r.samples,
    votes: r.votes,
    voteShare: r.voteShare,
    unextractable: r.unextractable,
    calls: r.calls,
    tokens: { prompt: r.usage.promptTokens, completion: r.usage.completionTokens },
    target: r.target,
    answerType: r.answerType,
    curation: r.curation,
    ...(r.variants === undefined ? {} : { variants: r.variants }),
    ...(r.sampling === undefined ? {} : { sampling: r.sampling }),
  };
}

function rejectOf(r: Exclude<ItemResult, { status: 'accepted' }>): RejectRecord {
  const rejected = r.status === 'rejected' ? r : undefined;
  return {
    id: r.id,
    index: r.index,
    line: r.line,
    status: r.status,
    code: rejected?.code,
    reason: r.reason,
    votes: r.votes,
    voteShare: rejected?.voteShare,
    file: rejected?.file,
    field: rejected?.field,
    attempts: r.status === 'errored' ? r.attempts : undefined,
    ...(r.sampling === undefined ? {} : { sampling: r.sampling }),
  };
}
