import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ANSWER_TYPES } from '../core-types.js';
import { checkDefaultBaseUrl, RunSpecError } from '../config/load-run-spec.js';
import { loadSpecFile } from '../config/load-spec-file.js';
import { bsmSpecSchema, perturbationSpecSchema } from '../config/judge-spec.js';
import { runSpecObjectSchema, specIdSchema, specNameSchema } from '../config/run-spec.js';
import { STRATEGY_NAMES } from '../strategies/strategy.js';
import { moduleStrategySchema } from '../strategies/strategy-ref.js';
import { readOnceKind } from '../config/read-once-input.js';
import { evalPriceProblems } from '../cost/resolve-prices.js';

/**
 * An eval spec: one model × one strategy on one labelled set, run as a batch job on the `eval` queue by the same
 * `s2d worker` processes that distil. Model and template fields are the run spec's own, so a distillation run and
 * its evaluation are configured the same way.
 */
export const evalSpecSchema = z
  .object({
    /** Eval id; default `<name>-<12 hex of sha256(spec + inputs + labels content)>`: the same eval twice is one eval. */
    evalId: specIdSchema.optional(),
    /** Human name (default "eval"). */
    name: specNameSchema.default('eval'),
    /**
     * JSONL of inputs `{"id", "prompt", "answerType"?}` as `s2d generate` writes them. Lines may also carry their
     * label (`answer`) and metadata; the submitter splits them off before anything is enqueued.
     */
    input: z.string().min(1),
    /** JSONL of labels `{"id", "answer", ...metadata}` (e.g. `task`, `variant`); default: labels are in `input`. */
    labels: z.string().min(1).optional(),
    /** Answer type of lines that name none. */
    answerType: z.enum(ANSWER_TYPES),
    /** Strategy the model is called with (default system1: how a distilled model is used). Built-in strategies only. */
    strategy: z
      .union([
        z.enum(STRATEGY_NAMES),
        // Recognised, so the error says what is missing rather than "expected one of …".
        moduleStrategySchema.transform((_program, ctx) => {
          ctx.addIssue({ code: 'custom', message: 'user-defined programs ({module: …}) are not supported for evals yet: use a built-in strategy' });
          return z.NEVER;
        }),
      ])
      .default('system1'),
    /** Column label in reports (e.g. "distilled"); default: the strategy's name. */
    label: z.string().min(1).max(40).optional(),
    model: runSpecObjectSchema.shape.model,
    sampling: z
      .object({
        /** Samples per item; with more than 1 the predicted answer is the plurality of their answers. Default 1. */
        samples: z.number().int().min(1).max(64).default(1),
        /** Default 0 (greedy), the usual setting for measuring accuracy. */
        temperature: z.number().min(0).max(2).default(0),
        /** Default 1024: CoT on multi-step problems writes a few hundred tokens. */
        maxTokens: z.number().int().positive().max(32_768).default(1024),
        seed: z.number().int().min(0).default(1),
        /** Refused: an eval measures a fixed number of samples per item, so its accuracy and tokens compare across columns. */
        adaptive: z
          .never({ error: 'adaptive sampling is a distillation setting (run spec sampling.adaptive); an eval draws exactly sampling.samples per item, so remove it' })
          .optional(),
      })
      .strict()
      .default({ samples: 1, temperature: 0, maxTokens: 1024, seed: 1 }),
    /**
     * Prices per million tokens for the cost column, as before `model.prices` (USD per million tokens) existed:
     * still accepted and used when `model.prices` is absent; both with different values is refused. No prices: tokens
     * only, and the result says no prices were given.
     */
    prices: z.object({ inputPer1M: z.number().min(0), outputPer1M: z.number().min(0) }).strict().optional(),
    output: z
      .object({
        /** Artifact store directory; the result lands in `<dir>/evals/<evalId>/result.json`. Default ./datasets. */
        dir: z.string().min(1).default('datasets'),
      })
      .strict()
      .default({ dir: 'datasets' }),
    templates: runSpecObjectSchema.shape.templates,
    /** Branch-Solve-Merge settings (strategy `bsm`), as in the run spec. */
    bsm: bsmSpecSchema.prefault({}),
    /**
     * Input perturbations, as in the run spec (e.g. `{kinds: [swap-ab]}` for judges): each item also runs on its
     * variants, and the result reports the share of items whose answer changes (`metrics.inconsistency`). The
     * predicted answer stays the original input's; tokens count every variant's calls. Absent: none.
     */
    perturbations: perturbationSpecSchema.optional(),
    /** Attempts per item before it is recorded as errored. Default 3. */
    maxAttempts: z.number().int().min(1).max(20).default(3),
  })
  .strict()
  .superRefine(
    (spec, ctx) => {
      for (const problem of evalPriceProblems(spec)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    },
    // Checked even when other fields are invalid: every problem of the spec is listed at once.
    { when: () => true },
  );

export type EvalSpecInput = z.input<typeof evalSpecSchema>;
export type EvalSpec = z.output<typeof evalSpecSchema>;
export type ResolvedEvalSpec = EvalSpec & { evalId: string; model: EvalSpec['model'] & { baseUrl: string } };

/** Reads and validates a YAML/JSON eval spec; errors name the file, line and field, as the run spec's do. */
export async function loadEvalSpecFile(path: string): Promise<EvalSpec> {
  return (await loadSpecFile(path, { noun: 'eval spec', schema: evalSpecSchema })).spec;
}

/**
 * Absolute paths, a base URL, and an eval id that is a pure function of the spec and the files' content. A file that
 * can be read only once (a pipe, /dev/stdin) cannot be hashed and read again: it needs the spec's own `evalId`, and
 * with one no file is read here.
 *
 * @param options.specFile the spec's file, to name it in errors (default "the eval spec").
 * @throws {RunSpecError} naming the spec file and `evalId` for a read-once file without one; for a missing file.
 */
export async function resolveEvalSpec(
  spec: EvalSpec,
  options: { baseDir: string; defaultBaseUrl: string | undefined; specFile?: string },
): Promise<ResolvedEvalSpec> {
  const abs = (path: string): string => (isAbsolute(path) ? path : resolve(options.baseDir, path));
  const baseUrl = spec.model.baseUrl ?? options.defaultBaseUrl;
  if (baseUrl === undefined) throw new RunSpecError('the eval spec names no model.baseUrl and OPENAI_BASE_URL is not set');
  checkDefaultBaseUrl(spec.model.baseUrl, baseUrl);
  const withoutId = {
    ...spec,
    input: abs(spec.input),
    ...(spec.labels === undefined ? {} : { labels: abs(spec.labels) }),
    output: { dir: abs(spec.output.dir) },
    model: { ...spec.model, baseUrl },
  };
  const hash = createHash('sha256').update(JSON.stringify(withoutId));
  for (const [field, path] of [['input', withoutId.input], ['labels', withoutId.labels]] as const) {
    if (path === undefined) continue;
    try {
      await stat(path);
    } catch {
      throw new RunSpecError(`file not found: ${path}`);
    }
    if (spec.evalId !== undefined) continue;
    const readOnce = await readOnceKind(path);
    if (readOnce !== undefined) {
      throw new RunSpecError(
        `${options.specFile ?? 'the eval spec'}, field "evalId": ${field} ${path} is ${readOnce}, which can be read only once, so the eval id cannot be derived from its content: set evalId in the spec`,
      );
    }
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  }
  return { ...withoutId, evalId: spec.evalId ?? `${spec.name}-${hash.digest('hex').slice(0, 12)}` };
}
