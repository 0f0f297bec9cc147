import { evalPrices } from '../../shared/cost/resolve-prices.js';
import { usdOf } from '../../shared/cost/usd.js';
import type { EvalRecord } from '../../shared/eval/eval-run-store.js';
import type { ProgressSnapshot } from '../../shared/progress/progress-snapshot.js';
import type { RunEndpoint } from '../../shared/limits/run-endpoint.js';
import { endpointFigures } from './endpoint-figures.js';

/** An eval's progress figures from its record (done, errored, paid) and its endpoint's state in the fleet. */
export function evalSnapshot(record: EvalRecord, endpoint: RunEndpoint | null, at = Date.now()): ProgressSnapshot {
  const prices = evalPrices(record.spec)?.prices;
  return {
    at,
    kind: 'eval',
    id: record.evalId,
    state: record.state,
    total: record.total,
    done: record.done,
    accepted: record.done - record.errored,
    rejected: 0,
    errored: record.errored,
    rejectReasons: null,
    requests: record.paid.requests,
    rateLimited: null,
    tokens: record.paid.promptTokens + record.paid.completionTokens,
    usd: prices === undefined ? null : usdOf(record.paid, prices),
    endpoint: endpointFigures(endpoint),
  };
}
