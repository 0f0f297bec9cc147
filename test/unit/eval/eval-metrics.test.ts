import { describe, expect, it } from 'vitest';
import type { EvalItemRecord } from '../../../shared/eval/eval-item-record.js';
import { breakdowns, computeMetrics, percentile, scoreItems, type EvalLabel } from '../../../shared/eval/eval-metrics.js';

function record(index: number, over: Partial<EvalItemRecord> = {}): EvalItemRecord {
  return {
    index,
    id: `i${index}`,
    answerType: 'number',
    status: 'answered',
    predicted: '10',
    votes: [{ answer: '10', count: 1 }],
    samples: 1,
    unextractable: 0,
    calls: 1,
    promptTokens: 100,
    completionTokens: 10,
    latencyMs: 10 * (index + 1),
    ...over,
  };
}
const label = (index: number, answer: string, meta: Record<string, string> = {}): EvalLabel => ({ index, id: `i${index}`, answer, meta });

describe('eval metrics', () => {
  it('percentile is nearest-rank and handles edges', () => {
    expect(percentile([], 50)).toBe(0);
    expect(percentile([7], 95)).toBe(7);
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
  });

  it('scores against the normalised label: accuracy, tokens, calls, latency, errored and unextractable', () => {
    const records = [
      record(0), // right ("$10.00" normalises to 10)
      record(1, { predicted: '11', completionTokens: 30, calls: 3 }), // wrong
      record(2, { predicted: null, votes: [], unextractable: 1 }), // no answer
      record(3, { status: 'errored', predicted: null, votes: [], samples: 0, calls: 0, promptTokens: 0, completionTokens: 0 }),
    ];
    const labels = new Map([label(0, '$10.00'), label(1, '10'), label(2, '10'), label(3, '10')].map((l) => [l.index, l]));
    const m = computeMetrics(scoreItems(records, labels));
    expect(m).toMatchObject({ items: 4, correct: 1, accuracy: 0.25, errored: 1, unextractable: 1 });
    expect(m.tokensPerItem).toBe((10 + 30 + 10 + 0) / 4);
    expect(m.promptTokensPerItem).toBe(300 / 4);
    expect(m.callsPerItem).toBe((1 + 3 + 1 + 0) / 4);
    expect(m.latencyMs).toEqual({ mean: 25, p50: 20, p95: 40 });
    expect(m.cost).toBeUndefined();
    expect(m.inconsistency).toBeUndefined();
  });

  it('costs tokens at the configured prices per million', () => {
    const labels = new Map([[0, label(0, '10')], [1, label(1, '10')]]);
    const m = computeMetrics(scoreItems([record(0), record(1)], labels), { promptUsdPerMTok: 2, completionUsdPerMTok: 10 });
    // 200 prompt tokens at 2/M + 20 completion tokens at 10/M
    expect(m.cost?.total).toBeCloseTo((200 * 2 + 20 * 10) / 1e6, 12);
    expect(m.cost?.perItem).toBeCloseTo(300 / 1e6, 12);
  });

  it('spends tokens and dollars per item and per correct answer, cached prompt tokens at their price', () => {
    const labels = new Map([[0, label(0, '10')], [1, label(1, '10')], [2, label(2, '10')]]);
    const records = [record(0, { cachedPromptTokens: 60 }), record(1), record(2, { predicted: '3' })];
    const m = computeMetrics(scoreItems(records, labels), { promptUsdPerMTok: 2, completionUsdPerMTok: 10, cachedPromptUsdPerMTok: 0.5 });
    // 300 prompt tokens (60 cached) + 30 completion: 240 × 2 + 60 × 0.5 + 30 × 10 = 810 micro-dollars; 2 of 3 correct.
    expect(m.spend).toEqual({
      promptTokens: 300, completionTokens: 30, cachedPromptTokens: 60, totalTokens: 330, usd: 0.00081,
      perItem: { tokens: 110, usd: 0.00027 }, perCorrect: { tokens: 165, usd: 0.000405 },
    });
    expect(m.cost).toEqual({ total: 0.00081, perItem: 0.00027 });
    const unpriced = computeMetrics(scoreItems([record(0, { predicted: '1' })], new Map([[0, label(0, '10')]])));
    expect(unpriced.spend).toMatchObject({ totalTokens: 110, usd: null, perItem: { tokens: 110, usd: null }, perCorrect: null });
    expect(unpriced.cost).toBeUndefined();
  });

  it('reports inconsistency only over items that carry a consistency verdict', () => {
    const records = [record(0, { consistent: true }), record(1, { consistent: false }), record(2, { consistent: false }), record(3)];
    const labels = new Map([0, 1, 2, 3].map((i) => [i, label(i, '10')]));
    expect(computeMetrics(scoreItems(records, labels)).inconsistency).toEqual({ items: 3, inconsistent: 2, rate: 2 / 3 });
  });

  it('breaks accuracy down by every label metadata key', () => {
    const records = [record(0), record(1, { predicted: '3' }), record(2)];
    const labels = new Map(
      [label(0, '10', { task: 'a', variant: 'x' }), label(1, '10', { task: 'a', variant: 'y' }), label(2, '10', { task: 'b', variant: 'y' })].map((l) => [l.index, l]),
    );
    const b = breakdowns(scoreItems(records, labels));
    expect(Object.keys(b)).toEqual(['task', 'variant']);
    expect(b.task?.a).toMatchObject({ items: 2, correct: 1, accuracy: 0.5 });
    expect(b.task?.b).toMatchObject({ items: 1, correct: 1 });
    expect(b.variant?.y).toMatchObject({ items: 2, correct: 1 });
  });

  it('refuses a record without a label rather than scoring it silently', () => {
    expect(() => scoreItems([record(5)], new Map())).toThrow(/no label for eval item 5/);
  });
});
