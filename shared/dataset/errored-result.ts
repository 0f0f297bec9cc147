import type { InputItem } from '../core-types.js';
import { redactSecrets } from '../redact-secrets.js';
import { noLlmWork, type ItemResult } from './item-result.js';

/** The result of an item that could not be processed: it goes to the rejects with its last error. */
export function erroredResult(
  item: Omit<InputItem, 'answerType'> & Partial<Pick<InputItem, 'answerType'>>,
  details: { strategy: string; reason: string; attempts: number; elapsedMs?: number },
): Extract<ItemResult, { status: 'errored' }> {
  return {
    index: item.index,
    line: item.line,
    id: item.id,
    prompt: item.prompt,
    ...(item.answerType === undefined ? {} : { answerType: item.answerType }),
    strategy: details.strategy,
    status: 'errored',
    // Reasons carry endpoint error text, which can echo credentials.
    reason: redactSecrets(details.reason),
    attempts: details.attempts,
    ...(item.structured === undefined ? {} : { structured: item.structured }),
    ...noLlmWork(details.elapsedMs),
  };
}
