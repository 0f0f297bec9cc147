import { z } from 'zod';
import { getStrategy, resolveTemplates, templatesUsedBy } from '../strategies/strategy-registry.js';
import type { EvalItemRecord } from './eval-item-record.js';
import { breakdowns, computeMetrics, scoreItems, type EvalLabel, type EvalMetrics } from './eval-metrics.js';
import type { ResolvedEvalSpec } from './eval-spec.js';
import { costSummary, type CostSummary, type PaidCounters } from '../cost/cost-summary.js';
import { evalPrices } from '../cost/resolve-prices.js';

export const EVAL_RESULT_SCHEMA_VERSION = 1;

const metricsSchema = z.looseObject({
  items: z.number(),
  correct: z.number(),
  accuracy: z.number(),
  tokensPerItem: z.number(),
  callsPerItem: z.number(),
  latencyMs: z.object({ mean: z.number(), p50: z.number(), p95: z.number() }),
  cost: z.object({ total: z.number(), perItem: z.number() }).optional(),
  inconsistency: z.object({ items: z.number(), inconsistent: z.number(), rate: z.number() }).optional(),
});

/** `evals/<evalId>/result.json`: what `s2d report` reads. Parsing checks the schema version and the shape it needs. */
export const evalResultSchema = z.looseObject({
  schemaVersion: z.literal(EVAL_RESULT_SCHEMA_VERSION),
  kind: z.literal('s2d.eval'),
  evalId: z.string(),
  name: z.string(),
  /** The report column: the spec's `label`, else the strategy name. */
  column: z.string(),
  createdAt: z.string(),
  strategy: z.object({ name: z.string(), system: z.union([z.literal(1), z.literal(2)]), templateVersions: z.record(z.string(), z.string()) }),
  model: z.object({ name: z.string(), baseUrl: z.string() }),
  /** True when the endpoint identified itself as the s2d simulator; null when it could not be asked. */
  simulator: z.boolean().nullable(),
  samples: z.number(),
  metrics: metricsSchema,
  breakdowns: z.record(z.string(), z.record(z.string(), metricsSchema)),
});

type ParsedEvalResult = z.infer<typeof evalResultSchema>;
export type EvalResult = Pick<ParsedEvalResult, 'schemaVersion' | 'kind' | 'evalId' | 'name' | 'column' | 'createdAt' | 'strategy' | 'model' | 'simulator' | 'samples'> & {
  metrics: EvalMetrics;
  breakdowns: Record<string, Record<string, EvalMetrics>>;
  sampling?: unknown;
  prices?: unknown;
  /** Absent in results written before it existed. */
  cost?: EvalCost;
};

/**
 * What an eval paid (`cost` of its result): the prices used, and the eval store's paid counters (every request sent
 * and answered, retries included) in total, per item and per correct answer.
 */
export interface EvalCost {
  prices: CostSummary['prices'];
  /** null when the workers did not count the eval's requests (an eval run by an older worker). */
  paid: CostSummary['paid'] | null;
  perItem: CostSummary['perItem'];
  /** Paid totals per correctly answered item; null with none. */
  perCorrect: CostSummary['perAcceptedExample'];
}

function evalCost(spec: ResolvedEvalSpec, items: number, correct: number, paid: PaidCounters | undefined): EvalCost {
  const used = evalPrices(spec);
  const prices = used === null ? null : { ...used.prices, source: used.source };
  if (paid === undefined) return { prices, paid: null, perItem: null, perCorrect: null };
  const summary = costSummary(paid, { items, accepted: correct }, used);
  return { prices, paid: summary.paid, perItem: summary.perItem, perCorrect: summary.perAcceptedExample };
}

/**
 * Builds the result of a finished eval from its item records and labels, and `paid`, the eval store's counters of
 * the requests its workers paid for. Pure apart from `now`.
 */
export function buildEvalResult(
  spec: ResolvedEvalSpec,
  records: readonly EvalItemRecord[],
  labels: ReadonlyMap<number, EvalLabel>,
  simulator: boolean | null,
  now = new Date(),
  paid?: PaidCounters,
): EvalResult {
  const scored = scoreItems(records, labels);
  const prices = evalPrices(spec)?.prices;
  const metrics = computeMetrics(scored, prices);
  const { templates, versions } = resolveTemplates(spec.templates);
  const used = templatesUsedBy(spec.strategy, templates);
  return {
    schemaVersion: EVAL_RESULT_SCHEMA_VERSION,
    kind: 's2d.eval',
    evalId: spec.evalId,
    name: spec.name,
    column: spec.label ?? spec.strategy,
    createdAt: now.toISOString(),
    strategy: {
      name: spec.strategy,
      system: getStrategy(spec.strategy).system,
      templateVersions: Object.fromEntries(used.map((name) => [name, versions[name] ?? 'unknown'])),
    },
    model: { name: spec.model.name, baseUrl: spec.model.baseUrl },
    simulator,
    samples: spec.sampling.samples,
    ...(spec.prices === undefined ? {} : { prices: spec.prices }),
    sampling: spec.sampling,
    metrics,
    breakdowns: breakdowns(scored, prices),
    cost: evalCost(spec, metrics.items, metrics.correct, paid),
  };
}

export function parseEvalResult(value: unknown, where: string): EvalResult {
  const parsed = evalResultSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${where}: not an s2d eval result (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`);
  }
  // The schema checks what reports read; metrics were written by buildEvalResult, so their full shape is known.
  return parsed.data as unknown as EvalResult;
}
