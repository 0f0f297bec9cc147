import { z } from 'zod';
import { apiKeyEnvSchema, endpointBaseUrlSchema } from './endpoint-fields.js';
import { EVAL_QUEUE } from '../queue/eval-job.js';
import { QUEUES } from '../queue/queue-names.js';

// s2d's queues, and the namespaces of its own keys under the prefix (`<prefix>:run:<runId>`…): a queue of that name
// would put BullMQ's keys (`<prefix>:<queue>:<jobId>`, `…:meta`) among them.
const S2D_QUEUES: readonly string[] = [...Object.values(QUEUES), EVAL_QUEUE, 'run', 'runs', 'cache', 'evalrun', 'evals', 'evalcache', 'limits', 'handoff-claim'];

/** The names of distill queue shards past the first (S2D_QUEUE_SHARDS, shared/queue/distill-shard.ts). */
const DISTILL_SHARD = new RegExp(`^${QUEUES.distill}-\\d+$`);

/** BullMQ queue names: no ':' (BullMQ's key separator), 1-64 characters. */
const queueName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" and "-" only, 1-64 characters')
  // s2d's own queues: a message there would be taken for one of their jobs.
  .refine((name) => !S2D_QUEUES.includes(name) && !DISTILL_SHARD.test(name), `must not be one of s2d's own queues or key names (${S2D_QUEUES.join(', ')}, distill-<n>)`);

/**
 * Suggested training hyperparameters, passed to the fine-tuning API (openai) or in the queue message (queue).
 * Defaults: 3 epochs (what OpenAI's `auto` picks for a few thousand examples), learning-rate multiplier 1, batch size 8.
 */
export const hyperparametersSchema = z
  .object({
    /** Passes over the training file. Default 3. */
    epochs: z.number().int().min(1).max(50).default(3),
    /** Scale of the provider's base learning rate. Default 1. */
    learningRateMultiplier: z.number().positive().max(10).default(1),
    /** Examples per optimiser step. Default 8. */
    batchSize: z.number().int().min(1).max(256).default(8),
  })
  .strict()
  .prefault({});

/**
 * The fine-tuning hand-off of a run, chosen by `kind`. It fires once, after the manifest is committed; its failure
 * never un-publishes the dataset (it is recorded in the run's status with its reason).
 */
export const handoffSpecSchema = z
  .discriminatedUnion('kind', [
    /** No hand-off (default): collect the dataset with `s2d collect`. */
    z.object({ kind: z.literal('none') }).strict(),
    /** One message per published dataset on a BullMQ queue under the deployment's prefix, for a GPU trainer to consume. */
    z
      .object({
        kind: z.literal('queue'),
        /** Queue name (keys under `<S2D_PREFIX>:<queue>:…`). Default `finetune`. */
        queue: queueName.default('finetune'),
        /** Model the trainer should fine-tune. */
        baseModel: z.string().min(1),
        hyperparameters: hyperparametersSchema,
      })
      .strict(),
    /** A job on an OpenAI-compatible fine-tuning API (files + fine_tuning.jobs), polled until it ends. */
    z
      .object({
        kind: z.literal('openai'),
        /** Base URL of the fine-tuning API (…/v1). Default: the run's `model.baseUrl`. No credentials in it. */
        baseUrl: endpointBaseUrlSchema.optional(),
        /** Variable holding the key on workers: OPENAI_API_KEY (default) or S2D_API_KEY_<NAME> (see model.apiKeyEnv). */
        apiKeyEnv: apiKeyEnvSchema,
        /** Model to fine-tune, e.g. gpt-4o-mini-2024-07-18. */
        baseModel: z.string().min(1),
        /** Added to the fine-tuned model's name (max 64 characters). Default: the dataset name, cut to 64. */
        suffix: z.string().min(1).max(64).optional(),
        hyperparameters: hyperparametersSchema,
        /** How often the job's status is checked, ms. Default 30000. */
        pollIntervalMs: z.number().int().min(10).default(30_000),
        /** Per-request timeout for uploads and API calls, ms. Default 300000 (uploads can be large). */
        timeoutMs: z.number().int().positive().default(300_000),
      })
      .strict(),
  ])
  .default({ kind: 'none' });

export type HandoffSpec = z.output<typeof handoffSpecSchema>;
export type QueueHandoffSpec = Extract<HandoffSpec, { kind: 'queue' }>;
export type OpenAiHandoffSpec = Extract<HandoffSpec, { kind: 'openai' }>;
export type Hyperparameters = z.output<typeof hyperparametersSchema>;

/**
 * The hand-off of a spec as stored. Runs registered before hand-offs existed have none in their stored spec (Redis
 * holds the JSON as it was submitted), and count as `none`.
 */
export function handoffOf(spec: { handoff?: HandoffSpec }): HandoffSpec {
  return spec.handoff ?? { kind: 'none' };
}
