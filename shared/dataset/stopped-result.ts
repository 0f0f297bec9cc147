import type { InputItem } from '../core-types.js';
import type { StopReason } from '../runs/run-store.js';
import { noLlmWork, STOP_REJECT_CODES, type ItemResult, type StopRejectCode } from './item-result.js';

/** The reject code of items a run never started because it stopped for `reason`. */
export function stopRejectCode(reason: StopReason): StopRejectCode {
  return reason === 'budget' ? 'budget-exhausted' : 'cancelled';
}

/** Whether a result records an item that was never started because its run stopped. */
export function isStoppedResult(result: ItemResult): boolean {
  return result.status === 'rejected' && (STOP_REJECT_CODES as readonly string[]).includes(result.code);
}

/**
 * The result of an item its run never started because the run was cancelled or its budget ran out: a reject, so the
 * item is accounted for (and listed in rejects.jsonl with its line, to submit again), with no LLM call.
 */
export function stoppedResult(item: InputItem, reason: StopReason, detail: string | null): Extract<ItemResult, { status: 'rejected' }> {
  const why = reason === 'budget' ? `the run's budget ran out before this item started${detail === null ? '' : ` (${detail})`}` : 'the run was cancelled before this item started';
  return {
    index: item.index,
    line: item.line,
    id: item.id,
    prompt: item.prompt,
    answerType: item.answerType,
    status: 'rejected',
    code: stopRejectCode(reason),
    reason: why,
    ...noLlmWork(),
  };
}
