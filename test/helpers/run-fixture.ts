import { appendFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueueClients, type QueueClients } from '../../cli/queue-clients.js';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { submitRun, type SubmitDeps, type SubmitOutcome } from '../../producers/submit-run.js';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import { resolveRunSpec } from '../../shared/config/load-run-spec.js';
import { outputLocation, runSpecSchema, type ResolvedRunSpec, type RunSpecInput } from '../../shared/config/run-spec.js';
import type { ArtifactStore } from '../../shared/artifacts/artifact-store.js';
import type { RedisTls } from '../../shared/config/redis-tls.js';
import type { RedisMode } from '../../shared/queue/redis-connection.js';
import { datasetFolder } from '../../shared/dataset/dataset-layout.js';
import { parseManifest, type Manifest } from '../../shared/dataset/manifest.js';
import { ItemResultStore } from '../../shared/dataset/read-item-results.js';
import type { TaskName } from '../../shared/tasks/task-family.js';
import { isolatedPrefix } from './isolated-prefix.js';

export interface RunFixture {
  dir: string;
  /** The gold labels file (only evaluation reads it). */
  labelsPath: string;
  prefix: string;
  spec: ResolvedRunSpec;
  clients: QueueClients;
  /** Input lines the producer must reject (bad JSON etc.) appended after the generated items. */
  badLines: number;
  /** The run's artifact store (local directory or S3, per the spec's output). */
  store: ArtifactStore;
  submit(overrides?: Partial<SubmitDeps>): Promise<SubmitOutcome>;
  readDataset(): Promise<PublishedDataset>;
}

export interface PublishedDataset {
  manifest: Manifest;
  /** Every training line (train + validation), parsed. */
  chatLines: { messages: { role: string; content: string }[] }[];
  provenance: { id: string; index: number; target: string; calls: number; samples: number; curation?: { method: string; uscCall?: boolean; selectedSample?: number } }[];
  rejects: { id: string; index: number; status: string; code?: string; reason: string }[];
}

export interface FixtureOptions {
  label: string;
  redisUrl: string;
  /** TLS material for a rediss:// `redisUrl`. Default: none. */
  redisTls?: RedisTls | undefined;
  /** `cluster`: `redisUrl` names the seed nodes of a Redis Cluster. Default standalone. */
  redisMode?: RedisMode;
  /** Distill queue shards (S2D_QUEUE_SHARDS of the workers too). Default 1. */
  queueShards?: number;
  /** Redis key prefix. Default: a fresh one from the label. */
  prefix?: string;
  baseUrl: string;
  items: number;
  /** Append lines that cannot be read, to check they land in the rejects and the counts reconcile. */
  withBadLines?: boolean;
  /** Raw input lines appended after the generated items (and after the bad lines). */
  extraLines?: string[];
  spec?: Partial<RunSpecInput>;
  /** Built-in task the items come from. Default last-letter. */
  family?: TaskName | 'pairwise-judge';
}

/** A run of last-letter (or `family`) items against the simulator, with its own temp directory and Redis prefix. */
export async function createRunFixture(options: FixtureOptions): Promise<RunFixture> {
  const dir = await mkdtemp(join(tmpdir(), `s2d-${options.label}-`));
  const prefix = options.prefix ?? isolatedPrefix(options.label);
  const files = await writeTaskFiles({ family: options.family ?? 'last-letter', count: options.items, seed: 11, dir, name: 'items' });
  let badLines = 0;
  if (options.withBadLines === true) {
    await appendFile(files.inputsPath, '{"id": "broken", "prompt": \n{"id": "no-prompt"}\n\n[1, 2]\n');
    badLines = 3;
  }
  if (options.extraLines !== undefined) await appendFile(files.inputsPath, options.extraLines.map((line) => `${line}\n`).join(''));
  const spec = await resolveRunSpec(
    runSpecSchema.parse({
      name: options.label,
      input: files.inputsPath,
      answerType: 'letters',
      strategy: 'rar2',
      model: { name: 'sim-llama-2-70b-chat', baseUrl: options.baseUrl },
      sampling: { samples: 4, temperature: 0.8, maxTokens: 256, seed: 3 },
      curation: { minAgreement: 0.5 },
      output: { dir: join(dir, 'out') },
      ...options.spec,
    }),
    { baseDir: dir, defaultBaseUrl: options.baseUrl },
  );
  const clients = await openQueueClients(options.redisUrl, prefix, { tls: options.redisTls, mode: options.redisMode, queueShards: options.queueShards });
  const store = openArtifactStore(outputLocation(spec));
  return {
    dir,
    labelsPath: files.labelsPath,
    prefix,
    spec,
    clients,
    badLines,
    submit: (overrides = {}) =>
      submitRun(spec, {
        runs: clients.runs,
        distillQueues: clients.distillQueues,
        publishQueue: clients.publishQueue,
        results: new ItemResultStore(store),
        maxBacklog: 1_000,
        ...overrides,
      }),
    store,
    readDataset: async () => {
      // Read through the store, so the same helper checks local and S3 publications.
      const folder = datasetFolder(spec.name, spec.runId);
      const text = async (name: string): Promise<string> => {
        const bytes = await store.get(`${folder}/${name}`);
        if (bytes === null) throw new Error(`${store.locate(`${folder}/${name}`)} is missing`);
        return Buffer.from(bytes).toString('utf8');
      };
      const manifest = parseManifest(await text('manifest.json'));
      const jsonl = async <T>(name: string): Promise<T[]> =>
        (await text(name))
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as T);
      const chatLines: PublishedDataset['chatLines'] = [];
      for (const file of manifest.files.filter((f) => f.role === 'train' || f.role === 'validation')) {
        chatLines.push(...(await jsonl<PublishedDataset['chatLines'][number]>(file.path)));
      }
      return {
        manifest,
        chatLines,
        provenance: await jsonl('provenance.jsonl'),
        rejects: await jsonl('rejects.jsonl'),
      };
    },
  };
}

/** Every input index appears exactly once across provenance and rejects; returns the duplicates found (none). */
export function duplicateIndices(dataset: PublishedDataset): number[] {
  const seen = new Map<number, number>();
  for (const record of [...dataset.provenance, ...dataset.rejects]) seen.set(record.index, (seen.get(record.index) ?? 0) + 1);
  return [...seen].filter(([, count]) => count > 1).map(([index]) => index);
}
