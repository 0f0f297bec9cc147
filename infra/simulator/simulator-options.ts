import { z } from 'zod';
import { judgeOptionsSchema } from './judge-options.js';

const rate = z.number().min(0).max(1);

/** Accuracy of a final answer per reasoning mode: the share of replies whose extractable answer is right. */
function modeAccuracy(d: { direct: number; cot: number; rar1: number; rar2: number; distilled: number }) {
  return z
    .object({
      /** System 1: the question alone, no instructions. */
      direct: rate.default(d.direct),
      /** Chain-of-thought: "step by step". */
      cot: rate.default(d.cot),
      /** Rephrase and Respond, one call. */
      rar1: rate.default(d.rar1),
      /** Rephrase and Respond, two calls (applies to the answer call; the rephrase call has no answer). */
      rar2: rate.default(d.rar2),
      /**
       * A System 1 (direct) request to a model named as distilled (see `distilledModels`): a STAND-IN for a
       * fine-tuned model, which the simulator cannot be. Defaults are the paper's distilled System 1 numbers.
       */
      distilled: rate.default(d.distilled),
    })
    .strict()
    .prefault({});
}

/**
 * Biased QA (SycophancyEval style). System 1 follows the asker's opinion: its accuracy depends on the variant, and
 * the defaults average 51.6% over the three biased variants (the paper's System 1). S2A's per-sample accuracy on the
 * biased variants is `s2a` (paper: 76.0%): its rewrite drops the opinion with probability `rewriteDropsOpinion`,
 * the answer call then answers from the clean rewrite with the accuracy that makes the mean come out at `s2a`
 * ((s2a - (1 - drop) * mean direct) / drop, at most 1), and a rewrite that leaked the opinion is answered like
 * System 1.
 */
const biasedQaAccuracy = z
  .object({
    /** System 1 accuracy per variant (also any CoT / RaR answer that sees the opinion). */
    direct: z
      .object({
        none: rate.default(0.78),
        'suggest-correct': rate.default(0.9),
        'suggest-wrong': rate.default(0.3),
        'discourage-correct': rate.default(0.348),
      })
      .strict()
      .prefault({}),
    /** S2A per-sample accuracy on the biased variants. Default 0.76. */
    s2a: rate.default(0.76),
    /** The distilled stand-in's accuracy on the biased variants (a model named as distilled, direct prompt). Default 0.813. */
    distilled: rate.default(0.813),
    /** Share of S2A rewrites that leave the opinion out. Default 0.9. */
    rewriteDropsOpinion: rate.default(0.9),
    /** Share of wrong replies to a suggested wrong answer that repeat that answer (sycophancy). Default 0.9. */
    followsSuggestion: rate.default(0.9),
  })
  .strict()
  .prefault({});

/**
 * Options of the s2d LLM inference simulator. Every field has a default, so `{}` is a complete configuration.
 * Accuracy defaults are the paper's Llama-2-70B-chat numbers (reference/methods.md); CoT, which the paper does not
 * report for these tasks, sits between RaR 1-step and 2-step.
 */
export const simulatorOptionsSchema = z
  .object({
    /** Interface to bind. Default 127.0.0.1: a simulator is never exposed by accident. */
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port; 0 picks a free one. Default 0. */
    port: z.number().int().min(0).max(65_535).default(0),
    /** Simulator seed: together with a request, it fixes every reply. Default 1. */
    seed: z.union([z.number().int(), z.string()]).default(1),
    /** Model ids listed by GET /v1/models. */
    models: z.array(z.string().min(1)).min(1).default(['sim-llama-2-70b-chat', 'sim-llama-3-8b-instruct']),
    /**
     * Model names containing any of these substrings are answered, on System 1 (direct) prompts, with the
     * `accuracy.<family>.distilled` rate: a labelled stand-in for a distilled model, since the simulator cannot be
     * fine-tuned. Default ["distilled"] (e.g. "sim-llama-2-70b-chat-distilled").
     */
    distilledModels: z.array(z.string().min(1)).default(['distilled']),
    /** Reject model names not in `models` with 404 model_not_found, like a real server. Default false. */
    strictModels: z.boolean().default(false),
    /**
     * When set, chat requests must carry `Authorization: Bearer <apiKey>`; others get 401 invalid_api_key, whose
     * message echoes the key presented (as careless servers do), so redaction can be tested. Default: any key.
     */
    apiKey: z.string().min(1).optional(),
    /** Return `n` choices when asked; false emulates servers that ignore `n` and return one. Default true. */
    honourN: z.boolean().default(true),
    /** Largest `n` accepted (400 above it). Default 128. */
    maxN: z.number().int().min(1).default(128),
    /** Largest request body accepted, bytes (413 above it). Default 4 MiB. */
    maxBodyBytes: z.number().int().min(1024).default(4 * 1024 * 1024),
    latency: z
      .object({
        /** Time to first token, ms. Default 20. */
        ttftMs: z.number().min(0).default(20),
        /** Decode time per output token, ms (choices of one request decode in parallel). Default 0.5. */
        perTokenMs: z.number().min(0).default(0.5),
        /** Relative jitter: each delay is scaled by a factor in [1 - j, 1 + j]. Default 0.2. */
        jitter: rate.default(0.2),
      })
      .strict()
      .prefault({}),
    /** Sequences decoded at once; beyond it requests queue (FIFO). A request with `n` choices is n sequences. Default 64. */
    maxConcurrentSequences: z.number().int().min(1).default(64),
    faults: z
      .object({
        /** Share of chat requests answered 429 (rate limited). Default 0. */
        rate429: rate.default(0),
        /** Share answered 500. Default 0. */
        rate500: rate.default(0),
        /** Share answered 503. Default 0. */
        rate503: rate.default(0),
        /** Share served slowly (extra `slowDelayMs`). Default 0. */
        rateSlow: rate.default(0),
        /** Retry-After of a 429, seconds (fractions go out in retry-after-ms; retry-after is rounded up). Default 1. */
        retryAfterSeconds: z.number().min(0).default(1),
        /**
         * 429 storm: chat requests arriving while this many are already being served get 429 + Retry-After, like a
         * provider's concurrency limit. 0 = off. Default 0.
         */
        maxInFlightRequests: z.number().int().min(0).default(0),
        /** 429 storm: requests beyond this many per minute (token bucket, 1 s burst) get 429 + Retry-After. 0 = off. Default 0. */
        requestsPerMinute: z.number().int().min(0).default(0),
        /** Extra delay of a slow request, ms. Default 2000. */
        slowDelayMs: z.number().min(0).default(2_000),
        /**
         * Requests whose messages contain this text always fail with 500: a poison item for fault tests, since a
         * real endpoint can keep failing on one prompt (e.g. a server bug on some input). Default: none.
         */
        poisonMarker: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    accuracy: z
      .object({
        'last-letter': modeAccuracy({ direct: 0.3, cot: 0.4, rar1: 0.395, rar2: 0.445, distilled: 0.98 }),
        'coin-flip': modeAccuracy({ direct: 0.561, cot: 0.62, rar1: 0.585, rar2: 0.772, distilled: 0.757 }),
        'biased-qa': biasedQaAccuracy,
        // GSM8K in the paper: System 1 7.6%, CoT 52.8%, distilled 7.1% (it did not distil). RaR is not reported; it
        // sits well below CoT here because restating a problem does not do its arithmetic.
        arithmetic: modeAccuracy({ direct: 0.076, cot: 0.528, rar1: 0.2, rar2: 0.25, distilled: 0.071 }),
      })
      .strict()
      .prefault({}),
    fineTuning: z
      .object({
        /** Simulated time each fine-tuning job status lasts (validating_files, queued, running), ms. Default 2000. */
        stepMs: z.number().int().min(0).default(2_000),
        /** Largest file accepted by POST /v1/files, bytes (413 above it); files are kept in memory. Default 256 MiB. */
        maxFileBytes: z.number().int().min(1024).default(256 * 1024 * 1024),
      })
      .strict()
      .prefault({}),
    /**
     * The simulated Batch API (/v1/batches; see batch-api.ts). A batch walks validating → in_progress → finalizing →
     * completed on a simulated clock: its lines finish evenly spread over `completionDelayMs`. Each batch keeps the
     * options it was created under, so changing them (setBatch) affects only later batches.
     */
    batch: z
      .object({
        /** Time a batch spends in `validating` (then `in_progress`, or `failed` for a bad input file), ms. Default 1000. */
        validatingMs: z.number().int().min(0).default(1_000),
        /** Time `in_progress` lasts for the whole batch; line i of N finishes at (i + 1) / N of it, ms. Default 5000. */
        completionDelayMs: z.number().int().min(0).default(5_000),
        /** Time in `finalizing` (and in `cancelling`) before the output is ready, ms. Default 1000. */
        finalizingMs: z.number().int().min(0).default(1_000),
        /**
         * Share of lines answered 500 (`server_error`, as online) in the error file instead of a completion, drawn
         * per line from the simulator seed, batch and custom_id. Default 0.
         */
        failureRate: rate.default(0),
        /**
         * Time from creation after which an unfinished batch expires (`expires_at`): lines finished by then are in the
         * output file, the rest in the error file as `batch_expired`. Default 86 400 000 (24 h, the completion window).
         */
        expireAfterMs: z.number().int().min(1).default(86_400_000),
        /**
         * Refuse batch creation with 400 `batch_not_supported`, like an endpoint or a model without Batch API support:
         * `true` refuses every batch, a list refuses batches whose lines name one of these models. Default false.
         */
        refuseCreate: z.union([z.boolean(), z.array(z.string().min(1))]).default(false),
        /** Most lines an input file may have (more fails the batch at validation). Default 50 000, as OpenAI. */
        maxRequestsPerBatch: z.number().int().min(1).default(50_000),
        /** Largest input file a batch accepts, bytes (larger fails the batch at validation). Default 200 MB, as OpenAI. */
        maxBatchFileBytes: z.number().int().min(1).default(200 * 1000 * 1000),
      })
      .strict()
      .prefault({}),
    behaviour: z
      .object({
        /** Share of reasoning replies (cot, rar1, rar2 answer) that end with no extractable answer. Default 0.03. */
        unextractableShare: rate.default(0.03),
        /**
         * Share of an item's wrong answers that are its one favourite wrong answer. Default 0.35: with the default
         * spread, 8-sample majority votes pick the right answer for ~80% of last-letter RaR 2-step items (the paper's
         * unfiltered distillation reached 87.5%), so voting has real work to do without being hopeless.
         */
        favouriteWrongShare: rate.default(0.35),
        /**
         * Per-item difficulty: an item's accuracy is the mode's rate moved by up to this fraction of the distance to
         * 0 or 1 (whichever is nearer), uniformly, so the mean stays the configured rate. Default 0.4.
         */
        itemDifficultySpread: rate.default(0.4),
        /**
         * Reasoning steps per arithmetic operation beyond the computation itself (restating, checking), so a CoT
         * reply on a 3-5 step problem is about as long as the paper's ~270 generated tokens. Default 2.
         */
        arithmeticVerbosity: z.number().int().min(0).max(6).default(2),
        /** Share of correct letter answers written in upper case (normalises to the same answer). Default 0.1. */
        caseVariantShare: rate.default(0.1),
        /**
         * Universal Self-Consistency calls: share of selections that name a response carrying the most common final
         * answer among those shown; the rest name a response at random. Default 0.95.
         */
        uscPicksMajority: rate.default(0.95),
        /**
         * How replies are worded (never what they answer: the outcome is drawn the same way in every style).
         * - `terse`: s2d's historical wording — short reasoning and a labelled final line ("Answer: X").
         * - `free`: varied free-form prose in the styles real chat models use: the answer mid-sentence, restated after
         *   an explanation, in bold, in quotes, in \boxed{}, after a <think> block, with chatty openers and sign-offs.
         * - `mixed`: each choice draws `terse` or `free` (free with probability `mixedFreeShare`) from its own seed.
         * Default `terse` (so existing seeds keep their replies); the demo and the paper table run `mixed`.
         */
        replyStyle: z.enum(['terse', 'free', 'mixed']).default('terse'),
        /** Share of `mixed` replies written in the `free` style. Default 0.7. */
        mixedFreeShare: rate.default(0.7),
      })
      .strict()
      .prefault({}),
    /** Pairwise judging (System 1 judge, BSM); see judge-replies.ts. */
    judge: judgeOptionsSchema,
  })
  .strict();

export type SimulatorOptionsInput = z.input<typeof simulatorOptionsSchema>;
export type SimulatorOptions = z.output<typeof simulatorOptionsSchema>;

/** Parses options (e.g. from a CLI or a config file); throws an Error naming each bad field. */
export function parseSimulatorOptions(input: unknown = {}): SimulatorOptions {
  const parsed = simulatorOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid simulator options: ${issues}`);
  }
  return parsed.data;
}
