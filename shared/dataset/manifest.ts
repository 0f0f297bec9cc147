import { z } from 'zod';
import { runSpecObjectSchema } from '../config/run-spec.js';
import { STRATEGY_NAMES } from '../strategies/strategy.js';
import { isAbsolute } from 'node:path';
import { moduleStrategySchema, strategyLabel } from '../strategies/strategy-ref.js';
import { REJECT_CODES, SAMPLING_DECISIONS, STOP_REJECT_CODES } from './item-result.js';
import { costSummarySchema } from '../cost/cost-summary.js';
import { batchReportSchema } from '../batch/batch-report.js';

export const MANIFEST_SCHEMA_VERSION = 1;
export const MANIFEST_KIND = 's2d.dataset';
export const MANIFEST_FILE_NAME = 'manifest.json';
/**
 * What each listed file is. `train` / `validation`: the JSONL shards (always there; a consumer reads these);
 * `train-parquet` / `validation-parquet`: their Parquet twins, with the same records, when the spec's
 * `output.formats` asks for Parquet; `card`: the dataset card README.md (its records are its lines).
 */
export const FILE_ROLES = ['train', 'validation', 'provenance', 'rejects', 'train-parquet', 'validation-parquet', 'card'] as const;
export type FileRole = (typeof FILE_ROLES)[number];

const count = z.number().int().min(0);

/** The spec as submitted, with runId and base URL decided. It holds no secret, only the NAME of the key variable. */
const resolvedRunSpecSchema = runSpecObjectSchema.extend({
  runId: z.string().min(1),
  model: runSpecObjectSchema.shape.model.extend({ baseUrl: z.url() }),
});

const manifestFileSchema = z
  .object({
    /** Relative to the dataset folder (`<name>/<runId>/`), `/`-separated. */
    path: z
      .string()
      .min(1)
      .refine((p) => !p.startsWith('/') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'), {
        error: 'must be a relative path inside the dataset folder',
      }),
    role: z.enum(FILE_ROLES),
    /** JSONL lines in the file; for a Parquet file its rows. */
    records: count,
    bytes: count,
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
  })
  .strict();

export type ManifestFile = z.infer<typeof manifestFileSchema>;

const manifestObjectSchema = z
  .object({
    schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
    kind: z.literal(MANIFEST_KIND),
    runId: z.string().min(1),
    name: z.string().min(1),
    /** ISO 8601 UTC time the publication completed. */
    createdAt: z.iso.datetime(),
    spec: resolvedRunSpecSchema,
    model: z.object({ name: z.string().min(1), baseUrl: z.url() }).strict(),
    strategy: z
      .object({
        /**
         * The built-in program's name, or for a user-defined program `module:<export>@<first 12 hex of its sha256>`
         * (then `program` says which file and bytes).
         */
        name: z.union([z.enum(STRATEGY_NAMES), z.string().regex(/^module:.+@[0-9a-f]{12}$/, 'must be a built-in strategy name or module:<export>@<12 hex>')]),
        /** Present only for a user-defined program: the spec's `strategy` as it ran. */
        program: moduleStrategySchema.optional(),
        /** Template name -> version (`v1`, or `custom-<sha256 prefix>` for an overridden template). */
        templateVersions: z.record(z.string(), z.string()),
      })
      .strict(),
    counts: z
      .object({
        /** Non-blank input lines: accepted + rejected + errored. */
        inputs: count,
        accepted: count,
        rejected: count,
        errored: count,
        /** accepted + augmented = train + validation (training lines). */
        train: count,
        validation: count,
        /** Extra training lines from perturbed inputs (`perturbations.emitSwapped`); absent when there are none. */
        augmented: count.optional(),
        /** Rejected items per reject code; sums to `rejected`. */
        rejectReasons: z.partialRecord(z.enum(REJECT_CODES), count),
      })
      .strict(),
    /**
     * Present (and true) only when the run stopped early — `s2d cancel` or its budget — so some items were never
     * processed: they are in rejects.jsonl with code `cancelled` / `budget-exhausted`, and `stopped` says how many.
     * Absent for a complete run, whose manifest is then exactly what it always was.
     */
    partial: z.literal(true).optional(),
    stopped: z
      .object({
        /** The stop reject code: `cancelled` (s2d cancel) or `budget-exhausted`. */
        reason: z.enum(STOP_REJECT_CODES),
        /** Items never processed; also counted in `rejected` and `rejectReasons`. */
        items: count.min(1),
      })
      .strict()
      .optional(),
    /**
     * Present only from version 2 on: `s2d retry` ran the errored items of a published run again and published this
     * new version of its dataset under `<name>/<runId>/v<version>/`. Absent: version 1.
     */
    version: z.number().int().min(2).optional(),
    /** With `version`: the locator (path or s3:// URI) of the previous version's manifest, which stays as it was. */
    previousManifest: z.string().min(1).optional(),
    /** Usage of every LLM call of the run, accepted or not (the cost of the dataset). */
    tokens: z.object({ prompt: count, completion: count, total: count, calls: count }).strict(),
    /**
     * What the run paid, from the run store's counters (every request sent and answered, retries and calls whose
     * results were later reused included, so it never trails what was paid), in tokens and — with prices in the spec —
     * US dollars; per input item and per accepted example; and the sample chains drawn against the fixed budget.
     * A retried run's later versions count the earlier versions' spending too. Absent in manifests written before
     * it existed, or by a publisher without run counters.
     */
    cost: costSummarySchema.optional(),
    /** A `model.mode: batch` run's provider batches and requests (shared/batch/batch-report.ts). Absent online. */
    batch: batchReportSchema.optional(),
    /**
     * How items were sampled (absent in manifests written before it existed). `policy`: `fixed` (every item drew
     * `maxPerItem`) or `adaptive` (spec.sampling.adaptive holds the rule; items stopped when it decided).
     */
    sampling: z
      .object({
        policy: z.enum(['fixed', 'adaptive']),
        /** `sampling.samples`: what a fixed run draws per item, the most an adaptive one may. */
        maxPerItem: count,
        /** Samples drawn over all items (perturbation variants included); compare with maxPerItem × items. */
        drawn: count,
        /** Adaptive runs: items per sampling decision (decided, undecidable, max-samples, abandoned). */
        decisions: z.partialRecord(z.enum(SAMPLING_DECISIONS), count).optional(),
      })
      .strict()
      .optional(),
    files: z.array(manifestFileSchema).min(1),
  })
  .strict();

/**
 * The commit marker of a published dataset, written last. Parsing checks that the counts reconcile, so a manifest
 * that exists is also one whose numbers a consumer can trust.
 */
export const manifestSchema = manifestObjectSchema.superRefine((m, ctx) => {
  const problem = (path: (string | number)[], message: string): void => {
    ctx.addIssue({ code: 'custom', path, message });
  };
  const c = m.counts;
  if (c.inputs !== c.accepted + c.rejected + c.errored) {
    const sum = c.accepted + c.rejected + c.errored;
    const parts = `accepted ${c.accepted} + rejected ${c.rejected} + errored ${c.errored}`;
    problem(['counts', 'inputs'], `is ${c.inputs} but ${parts} = ${sum}`);
  }
  const augmented = c.augmented ?? 0;
  if (c.accepted + augmented !== c.train + c.validation) {
    const sum = c.train + c.validation;
    const lines = augmented === 0 ? `${c.accepted}` : `${c.accepted} (+ ${augmented} augmented lines)`;
    problem(['counts', 'accepted'], `is ${lines} but train ${c.train} + validation ${c.validation} = ${sum}`);
  }
  const reasons = Object.values(c.rejectReasons).reduce((sum, n) => sum + n, 0);
  if (reasons !== c.rejected) problem(['counts', 'rejectReasons'], `sum to ${reasons} but rejected is ${c.rejected}`);
  const stoppedItems = STOP_REJECT_CODES.reduce((sum, code) => sum + (c.rejectReasons[code] ?? 0), 0);
  if (stoppedItems > 0 && (m.partial !== true || m.stopped?.items !== stoppedItems)) {
    problem(['stopped'], `${stoppedItems} items were never processed, so partial must be true and stopped.items ${stoppedItems}`);
  }
  if (stoppedItems === 0 && (m.partial !== undefined || m.stopped !== undefined)) {
    problem(['partial'], 'is set but no item was stopped (no cancelled / budget-exhausted rejects)');
  }
  const t = m.tokens;
  if (t.total !== t.prompt + t.completion) {
    problem(['tokens', 'total'], `is ${t.total} but prompt + completion = ${t.prompt + t.completion}`);
  }
  if ((m.version === undefined) !== (m.previousManifest === undefined)) {
    problem(['previousManifest'], 'version and previousManifest go together (a retried run links the version before it)');
  }
  const ran = typeof m.spec.strategy === 'string' ? undefined : m.spec.strategy;
  if (ran !== undefined && (ran.sha256 === undefined || !isAbsolute(ran.module))) {
    problem(['spec', 'strategy'], 'a user-defined program is recorded with its absolute module path and sha256');
  }
  const program = m.strategy.program;
  const sameProgram = ran === undefined || program === undefined ? ran === program : ran.module === program.module && ran.export === program.export && ran.sha256 === program.sha256;
  if (m.strategy.name !== strategyLabel(m.spec.strategy) || !sameProgram) {
    problem(['strategy'], `does not describe spec.strategy (${strategyLabel(m.spec.strategy)}): name "${m.strategy.name}"${m.strategy.program === undefined ? '' : ', with a program'}`);
  }
  if (m.runId !== m.spec.runId) {
    problem(['spec', 'runId'], `is "${m.spec.runId}" but the manifest's runId is "${m.runId}"`);
  }
  const expected: Partial<Record<FileRole, number>> = {
    train: c.train,
    validation: c.validation,
    provenance: c.accepted,
    rejects: c.rejected + c.errored,
  };
  // Parquet twins are optional, but when there are any they hold the same records as the JSONL shards.
  if (m.files.some((f) => f.role === 'train-parquet' || f.role === 'validation-parquet')) {
    expected['train-parquet'] = c.train;
    expected['validation-parquet'] = c.validation;
  }
  for (const role of FILE_ROLES) {
    const want = expected[role];
    if (want === undefined) continue;
    const records = m.files.filter((f) => f.role === role).reduce((sum, f) => sum + f.records, 0);
    if (records !== want) {
      problem(['files'], `${role} files hold ${records} records, counts say ${want}`);
    }
  }
  const seen = new Set<string>();
  m.files.forEach((f, i) => {
    if (seen.has(f.path)) problem(['files', i, 'path'], `"${f.path}" is listed twice`);
    seen.add(f.path);
  });
});

export type Manifest = z.output<typeof manifestSchema>;
export type ManifestInput = z.input<typeof manifestSchema>;

/** A manifest that does not parse or does not reconcile; `issues` holds one line per problem. */
export class ManifestError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly string[],
  ) {
    super(`${source}: invalid dataset manifest:\n  ${issues.join('\n  ')}`);
    this.name = 'ManifestError';
  }
}

/**
 * Validates the fields of a manifest about to be written and returns it; throws {@link ManifestError} when the
 * counts do not reconcile (inputs = accepted + rejected + errored, accepted = train + validation, files agree).
 */
export function buildManifest(fields: ManifestInput): Manifest {
  return check(fields, 'manifest being built');
}

/**
 * Parses manifest.json (text, bytes or an already-decoded value) with errors that name each bad field.
 *
 * @param source names the manifest in error messages (a path or URI). Default "manifest.json".
 */
export function parseManifest(input: unknown, source = MANIFEST_FILE_NAME): Manifest {
  let value: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ManifestError(source, [`not valid JSON (${error instanceof Error ? error.message : String(error)})`]);
    }
  }
  return check(value, source);
}

/** The manifest as stored: pretty-printed so a person can read it, newline-terminated. */
export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function check(value: unknown, source: string): Manifest {
  const parsed = manifestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ManifestError(
    source,
    parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`),
  );
}
