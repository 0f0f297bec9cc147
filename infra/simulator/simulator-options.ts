import { z } from 'zod';
import { judgeOptionsSchema } from './judge-options.js';

const rate = z.number().min(0).max(1);

/** Accuracy of a final answer per reasoning mode: the share of replies whose extractable answer is right. */
function modeAccuracy(d: { direct: number; cot: number; rar1: number; rar2: number }) {
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
    })
    .strict()
    .prefault({});
}

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
    /** Reject model names not in `models` with 404 model_not_found, like a real server. Default false. */
    strictModels: z.boolean().default(false),
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
        /** Retry-After of a 429, seconds. Default 1. */
        retryAfterSeconds: z.number().int().min(0).default(1),
        /** Extra delay of a slow request, ms. Default 2000. */
        slowDelayMs: z.number().min(0).default(2_000),
      })
      .strict()
      .prefault({}),
    accuracy: z
      .object({
        'last-letter': modeAccuracy({ direct: 0.3, cot: 0.4, rar1: 0.395, rar2: 0.445 }),
        'coin-flip': modeAccuracy({ direct: 0.561, cot: 0.62, rar1: 0.585, rar2: 0.772 }),
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
        /** Share of correct letter answers written in upper case (normalises to the same answer). Default 0.1. */
        caseVariantShare: rate.default(0.1),
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
