import { z } from 'zod';
import type { Hyperparameters } from '../config/handoff-spec.js';
import type { Manifest } from '../dataset/manifest.js';

export const FINETUNE_PAYLOAD_SCHEMA_VERSION = 1;

const count = z.number().int().min(0);

/** One shard of a split: where it is and what the manifest promises about it. */
const shardSchema = z
  .object({
    /** Locator of the shard: an absolute file path (local store) or an s3:// URI. */
    uri: z.string().min(1),
    /** Path inside the dataset folder, as in the manifest. */
    path: z.string().min(1),
    records: count,
    bytes: count,
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

/**
 * The message s2d puts on the `finetune` queue (handoff kind `queue`) once a dataset is published: everything a GPU
 * trainer needs to fetch, verify and train on it, without reading Redis or the run spec. The job name is `finetune`;
 * the job id is `<runId>__finetune`, so one published dataset is one message.
 */
export const finetunePayloadSchema = z
  .object({
    /** Version of this payload's shape; a consumer refuses versions it does not know. */
    schemaVersion: z.literal(FINETUNE_PAYLOAD_SCHEMA_VERSION),
    kind: z.literal('s2d.finetune-request'),
    runId: z.string().min(1),
    /** The dataset's name (the run spec's `name`). */
    dataset: z.string().min(1),
    /** Locator of manifest.json (the commit marker; verify files against it, e.g. with `s2d collect`). */
    manifestUri: z.string().min(1),
    /** Chat-format JSONL shards, in order: `{"messages":[{"role":"user",…},{"role":"assistant",…}]}` per line. */
    train: z.array(shardSchema).min(1),
    /** Validation shards (one empty shard when the split is empty). */
    validation: z.array(shardSchema).min(1),
    /** Model to fine-tune. */
    baseModel: z.string().min(1),
    /** Suggested hyperparameters (from the run spec, with its defaults). */
    hyperparameters: z
      .object({ epochs: z.number().int().min(1), learningRateMultiplier: z.number().positive(), batchSize: z.number().int().min(1) })
      .strict(),
    /** Counts from the manifest. */
    counts: z.object({ inputs: count, accepted: count, train: count, validation: count }).strict(),
    /** When the dataset was published (the manifest's createdAt), ISO 8601 UTC: the same for every delivery. */
    createdAt: z.iso.datetime(),
  })
  .strict();

export type FinetunePayload = z.infer<typeof finetunePayloadSchema>;

/** Deterministic job id of a dataset's finetune message (BullMQ ids must not contain ':'). */
export function finetuneJobId(runId: string): string {
  return `${runId}__finetune`;
}

/**
 * Builds the message from a committed manifest. Pure: `locate` turns a dataset-folder path into a locator
 * (`store.locate(`<name>/<runId>/${path}`)`).
 */
export function buildFinetunePayload(input: {
  manifest: Manifest;
  manifestUri: string;
  locate: (path: string) => string;
  baseModel: string;
  hyperparameters: Hyperparameters;
}): FinetunePayload {
  const { manifest, locate } = input;
  const shards = (role: 'train' | 'validation') =>
    manifest.files
      .filter((f) => f.role === role)
      .map((f) => ({ uri: locate(f.path), path: f.path, records: f.records, bytes: f.bytes, sha256: f.sha256 }));
  return finetunePayloadSchema.parse({
    schemaVersion: FINETUNE_PAYLOAD_SCHEMA_VERSION,
    kind: 's2d.finetune-request',
    runId: manifest.runId,
    dataset: manifest.name,
    manifestUri: input.manifestUri,
    train: shards('train'),
    validation: shards('validation'),
    baseModel: input.baseModel,
    hyperparameters: { ...input.hyperparameters },
    counts: {
      inputs: manifest.counts.inputs,
      accepted: manifest.counts.accepted,
      train: manifest.counts.train,
      validation: manifest.counts.validation,
    },
    createdAt: manifest.createdAt,
  });
}
