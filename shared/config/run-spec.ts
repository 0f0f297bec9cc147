import { z } from 'zod';
import { apiKeyEnvSchema, endpointBaseUrlSchema } from './endpoint-fields.js';
import { ANSWER_TYPES } from '../core-types.js';
import { endpointLimitsSchema } from '../limits/endpoint-limits.js';
import { outageOptionsSchema } from '../limits/outage-options.js';
import { strategyRefSchema } from '../strategies/strategy-ref.js';
import { handoffSpecSchema } from './handoff-spec.js';
import { CURATION_METHODS, curationMethodOf } from '../curation/curation-method.js';
import { bsmSpecSchema, judgeTemplateOverrides, perturbationSpecSchema, withBsmSamplingDefaults } from './judge-spec.js';
import { modelPricesSchema } from '../cost/model-prices.js';
import { batchOptionsSchema, MODEL_MODES } from './batch-options.js';
import { runPriceProblems } from '../cost/resolve-prices.js';
import { adaptiveSpecSchema, checkAdaptiveAgainstSamples } from './adaptive-spec.js';

/** Default bound on a shard's size: 256 MiB. */
export const DEFAULT_SHARD_MAX_BYTES = 256 * 1024 * 1024;
/** Formats the training shards can be written in (`output.formats`). */
export const DATASET_FORMATS = ['jsonl', 'parquet'] as const;

const templateOverrides = z
  .object({
    system1: z.string().min(1),
    cot: z.string().min(1),
    rar1: z.string().min(1),
    rar2Rephrase: z.string().min(1),
    rar2Answer: z.string().min(1),
    s2aRewrite: z.string().min(1),
    // S2A's answer call must see the rewrite and never the original input.
    s2aAnswer: z
      .string()
      .refine((t) => t.includes('{{rewritten}}'), 'must contain {{rewritten}}')
      .refine((t) => !t.includes('{{question}}'), 'must not contain {{question}}: S2A answers from the rewrite alone'),
    uscSelect: z.string().refine((t) => t.includes('{{responses}}'), 'must contain {{responses}}'),
    ...judgeTemplateOverrides,
    answerFormat: z.object({
      letters: z.string(),
      'yes-no': z.string(),
      number: z.string(),
      text: z.string(),
      verdict: z.string(),
      option: z.string(),
    }).partial().strict(),
  })
  .partial()
  .strict();

/**
 * A per-run spending limit, checked atomically in Redis on every LLM request the run's workers send. When a limit is
 * reached the run stops: items not yet started become rejects with code `budget-exhausted` and the dataset is
 * published as partial. Items already in flight finish, so spending may overshoot by at most their remaining calls.
 */
export const budgetSchema = z
  .object({
    /** Most tokens (prompt + completion, as the endpoint reports them, retries included) the run may use. */
    maxTokens: z.number().int().positive().optional(),
    /**
     * Most US dollars the run may spend, priced with `model.prices` (cached prompt tokens at their own price when
     * the endpoint reports them), or with `budget.prices` when a spec gives only those.
     */
    maxCostUsd: z.number().positive().optional(),
    /**
     * Prices per million tokens in US dollars, as before `model.prices` existed: still accepted, and used for cost
     * when `model.prices` is absent. Giving both with different values is refused. One of the two is required with
     * maxCostUsd.
     */
    prices: z
      .object({
        promptUsdPerMTok: z.number().min(0),
        completionUsdPerMTok: z.number().min(0),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((b) => b.maxTokens !== undefined || b.maxCostUsd !== undefined, 'set maxTokens, maxCostUsd or both');
export type Budget = z.output<typeof budgetSchema>;

/** Most samples per item a run may draw (`sampling.samples`). */
export const MAX_SAMPLES = 64;

/** A run or eval id: it names Redis keys and artifact folders, so it is kept to safe characters. */
export const specIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, ".", "_" and "-" only, 1-100 characters');
/** A run's dataset name or an eval's name: part of artifact keys. */
export const specNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);

/**
 * A run spec: everything a batch job needs, validated once at the edge (`s2d submit`) and stored with the run.
 * Secrets are never part of it: the API key is read by workers from the environment variable it names.
 */
export const runSpecObjectSchema = z
  .object({
    /** Run id; default: `<name>-<12 hex of sha256(spec + input content)>`, so the same run submitted twice is one run. */
    runId: specIdSchema.optional(),
    /** Human name of the dataset; default "dataset". */
    name: specNameSchema.default('dataset'),
    /**
     * JSONL input: a local path (resolved against the spec file's folder), `s3://bucket/key.jsonl[.gz]`, or
     * `s3://bucket/prefix/` (every object under it, in key order; `.gz` gunzipped). Lines: {"id"?, "prompt", "answerType"?}.
     */
    input: z.string().min(1),
    /** Task type: how final answers are extracted and compared, for lines that do not name their own. */
    answerType: z.enum(ANSWER_TYPES),
    /**
     * System 2 program whose answers are distilled (or `system1` for a baseline run): a built-in name, or a
     * user-defined program `{module: ./program.mjs, export: name}` (export default `default`), which workers load only
     * from their S2D_PROGRAM_PATHS and only with the sha256 recorded at submit. Default `rar2`.
     */
    strategy: strategyRefSchema.default('rar2'),
    model: z
      .object({
        /** Model name sent to the endpoint. */
        name: z.string().min(1),
        /** OpenAI-compatible base URL (…/v1). Default: OPENAI_BASE_URL of the submitter. No credentials in it. */
        baseUrl: endpointBaseUrlSchema.optional(),
        /**
         * Name of the environment variable that holds the API key on workers: OPENAI_API_KEY (default) or
         * S2D_API_KEY_<NAME>. Only these, because the key is sent to the spec's base URL: a spec must not be able to
         * send a worker's other secrets (REDIS_URL, cloud credentials) to a server of the submitter's choosing.
         */
        apiKeyEnv: apiKeyEnvSchema,
        /** Per-request timeout in ms (the SDK default of 10 minutes is too long for batch work). Default 60000. */
        timeoutMs: z.number().int().positive().default(60_000),
        /** Send `n` to get all samples of a step in one request: auto (detect), always, never. Default auto. */
        useN: z.enum(['auto', 'always', 'never']).default('auto'),
        /** Fleet-wide limits of this endpoint + model (see shared/limits/endpoint-limits.ts). Default: 256 in flight, adaptive. */
        limits: endpointLimitsSchema.prefault({}),
        /**
         * When the endpoint counts as down for the whole fleet (its items then park without using attempts), how
         * recovery is probed, and after how long an outage the run is paused (see shared/limits/outage-options.ts).
         * Default: down after 3 connection errors / timeouts / 502-504 from 2 items within 10 s; probes from 1 s
         * doubling to 30 s; pause after 30 minutes.
         */
        outage: outageOptionsSchema.prefault({}),
        /**
         * What this model's tokens cost, USD per million tokens: `{promptUsdPerMTok, completionUsdPerMTok,
         * cachedPromptUsdPerMTok?, batchPromptUsdPerMTok?, batchCompletionUsdPerMTok?}` (see
         * shared/cost/model-prices.ts). Used for the dollars in the manifest, `s2d status` and `s2d report`, and by
         * `budget.maxCostUsd`. Absent: tokens only, and s2d says no prices were given.
         */
        prices: modelPricesSchema.optional(),
        /**
         * `online` (default): every call is a synchronous chat-completions request. `batch`: calls go through the
         * endpoint's Batch API (`/v1/files` + `/v1/batches`) at its batch price, items waiting parked between rounds
         * (docs/batch-mode.md).
         */
        mode: z.enum(MODEL_MODES).default('online'),
        /**
         * Batch mode's limits and polling (shared/config/batch-options.ts): `{maxRequestsPerBatch, maxBatchBytes,
         * pollMs, maxTries}`. Absent: OpenAI's limits, a look every 30 s, 3 tries.
         */
        batch: batchOptionsSchema.optional(),
      })
      .strict(),
    sampling: z
      .object({
        /**
         * Samples per item (N) for self-consistency; with `adaptive`, the most an item may draw. Default 8 (the
         * paper's RaR setting).
         */
        samples: z.number().int().min(1).max(MAX_SAMPLES).default(8),
        /** Sampling temperature. Default 0.8. */
        temperature: z.number().min(0).max(2).default(0.8),
        /** Maximum generated tokens per completion. Default 512. */
        maxTokens: z.number().int().positive().max(32_768).default(512),
        /** Base seed; sample i of a call is requested with a seed derived from it. Default 1. */
        seed: z.number().int().min(0).default(1),
        /**
         * Adaptive self-consistency (see shared/config/adaptive-spec.ts): draw samples in rounds and stop an item
         * once its answer is decided, or reject it early once it can no longer reach `curation.minAgreement`.
         * `true` = `{rule: beta, confidence: 0.95, minSamples: 3}`; an object picks `rule: beta | window` and tunes
         * `confidence` (0.95), `window` (4), `minSamples` (3), `roundSize` (automatic). Default: off.
         */
        adaptive: adaptiveSpecSchema,
      })
      .strict()
      .superRefine(checkAdaptiveAgainstSamples)
      .default({ samples: 8, temperature: 0.8, maxTokens: 512, seed: 1 }),
    curation: z
      .object({
        /**
         * Minimum share of ALL samples (unextractable ones included) the winning answer needs, 0-1; the winner must
         * also have strictly more votes than the runner-up. Default 0.5: at least half of the samples agree.
         */
        minAgreement: z.number().min(0).max(1).default(0.5),
        /**
         * How the target is chosen: `vote` (exact-match majority over normalised answers, with minAgreement) or `usc`
         * (Universal Self-Consistency: one more LLM call picks the response most consistent with the majority).
         * Default: `usc` for strategy s2a (the paper's setting), `vote` otherwise.
         */
        method: z.enum(CURATION_METHODS).optional(),
      })
      .strict()
      .default({ minAgreement: 0.5 }),
    output:
      z
        .object({
          /** Local directory the dataset is published under (`<dir>/<name>/<runId>/`). Default ./datasets. */
          dir: z.string().min(1).default('datasets'),
          /**
           * Object-store location instead of a local directory: `s3://bucket[/prefix]`; the dataset goes to
           * `<uri>/<name>/<runId>/`. S3 settings and credentials come from the environment (docs/configuration.md, S3).
           * When set it wins over `dir` (which keeps its default so resolved specs round-trip); a spec file that
           * sets both is refused by loadRunSpecFile.
           */
          uri: z
            .string()
            .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^/]+)*\/?$/, 'expected s3://<bucket>[/<prefix>]')
            .refine((uri) => !/\/\.\.?(\/|$)/.test(uri.slice(5)) && !uri.includes('\\'), 'no "." or ".." segments or "\\" in the prefix')
            .optional(),
          /** Fraction of accepted items assigned to validation, by a stable hash of the item id. Default 0.1. */
          validationFraction: z.number().min(0).max(0.5).default(0.1),
          /** Maximum records per shard file. Default 50000. */
          shardMaxRecords: z.number().int().positive().default(50_000),
          /** Maximum bytes per shard file (a shard closes before a line would cross it; one line never splits). Default 256 MiB. */
          shardMaxBytes: z.number().int().min(1024).default(DEFAULT_SHARD_MAX_BYTES),
          /** Write `<root>/<name>/_LATEST` (the newest published run of the dataset) after the manifest. Default true. */
          latestPointer: z.boolean().default(true),
          /**
           * Formats of the training shards. JSONL is always written (provenance and consumers refer to it); add
           * `parquet` for a Parquet twin of every shard (`train-00000.parquet` beside `train-00000.jsonl`, same
           * records, column `messages: list<struct<role, content>>`), listed in the manifest with its sha256.
           * Default [jsonl].
           */
          formats: z
            .array(z.enum(DATASET_FORMATS))
            .min(1)
            .refine((formats) => formats.includes('jsonl'), 'must include jsonl (it is always written)')
            .refine((formats) => new Set(formats).size === formats.length, 'lists a format twice')
            .default(['jsonl']),
          /**
           * The dataset's license as the dataset card declares it: a Hugging Face license identifier such as
           * `apache-2.0`, `mit`, `cc-by-4.0`, `llama2` or `other`. The data is the model's output, so the model's
           * terms usually decide. Default `unknown`.
           */
          license: z
            .string()
            .regex(/^[a-z0-9][a-z0-9.+-]*$/, 'expected a lower-case license identifier such as apache-2.0, cc-by-4.0 or other')
            .default('unknown'),
        })
        .strict()
        .default({
          dir: 'datasets',
          validationFraction: 0.1,
          shardMaxRecords: 50_000,
          shardMaxBytes: DEFAULT_SHARD_MAX_BYTES,
          latestPointer: true,
          formats: ['jsonl'],
          license: 'unknown',
        }),
    /** Per-run template overrides (see docs/methods-and-curation.md, "Templates"). */
    templates: templateOverrides.default({}),
    /** Limits on input lines; a line over a limit becomes a reject record and the run goes on. */
    inputLimits: z
      .object({
        /** Longest prompt, in characters (UTF-16 code units); longer prompts are rejected (`prompt-too-long`). Default 100000. */
        maxPromptChars: z.number().int().positive().default(100_000),
        /**
         * Longest input line, in bytes; a longer line is skipped as it streams past and rejected (`line-too-long`),
         * so the producer's memory stays bounded whatever the file holds. Default 16777216 (16 MiB).
         */
        maxLineBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(16 * 1024 * 1024),
      })
      .strict()
      .default({ maxPromptChars: 100_000, maxLineBytes: 16 * 1024 * 1024 }),
    /** Per-run spending limit (see {@link budgetSchema}); absent: no limit. */
    budget: budgetSchema.optional(),
    /** Attempts per item before it is recorded as errored. Default 3. */
    maxAttempts: z.number().int().min(1).max(20).default(3),
    /**
     * First delay before retrying an item after a retryable failure (5xx, timeout, dropped connection), ms; each
     * further retry doubles it, with up to half taken off at random so items failed by one outage spread out.
     * 429s do not use attempts (see model.limits). Default 1000.
     */
    retryBackoffMs: z.number().int().min(0).max(600_000).default(1_000),
    /** What happens once the dataset is published: nothing (default), a `finetune` queue message, or an OpenAI-compatible fine-tuning job. */
    handoff: handoffSpecSchema,
    /** Branch-Solve-Merge settings (strategy `bsm`). */
    bsm: bsmSpecSchema.prefault({}),
    /** Input-perturbation consistency (docs/methods-and-curation.md, perturbations); absent: none. */
    perturbations: perturbationSpecSchema.optional(),
  })
  .strict();

/**
 * The run spec schema: {@link runSpecObjectSchema} with the strategy-dependent sampling defaults filled in first, and
 * the checks across fields (prices for a cost budget, no conflicting prices). Those run even when other fields are
 * invalid, so a person sees every problem of a spec at once.
 */
export const runSpecSchema = z.preprocess(
  withBsmSamplingDefaults,
  runSpecObjectSchema.superRefine(
    (spec, ctx) => {
      for (const problem of runPriceProblems(spec)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    },
    { when: () => true },
  ).superRefine(checkAdaptiveWithCuration),
);

/** USC chooses among the drawn samples, so an adaptive run curated by USC must draw at least two before stopping. */
function checkAdaptiveWithCuration(spec: RunSpec, ctx: z.RefinementCtx): void {
  const policy = spec.sampling.adaptive;
  if (policy === undefined || policy.minSamples >= 2 || curationMethodOf(spec) !== 'usc') return;
  ctx.addIssue({ code: 'custom', path: ['sampling', 'adaptive', 'minSamples'], message: `is ${policy.minSamples}, but USC curation needs at least 2 samples to choose among` });
}

export type RunSpecInput = z.input<typeof runSpecObjectSchema>;
export type RunSpec = z.output<typeof runSpecObjectSchema>;
/** Where a run's artifacts go: `output.uri` when set, else the local `output.dir`. */
export function outputLocation(spec: Pick<RunSpec, 'output'>): string {
  return spec.output.uri ?? spec.output.dir;
}
/** A spec after submit: runId decided, paths absolute, base URL decided. */
export type ResolvedRunSpec = RunSpec & { runId: string; model: RunSpec['model'] & { baseUrl: string } };
