import { createRng } from '../../shared/random/seeded-random.js';
import type { BatchInputLine } from './batch-input.js';
import { flattenMessages } from './chat-request.js';
import { validateChatBody } from './chat-validation.js';
import { completionBody } from './completion-body.js';
import { planCompletion } from './completion-plan.js';
import { FAULT_RESPONSES } from './fault-responses.js';
import type { SimulatorOptions } from './simulator-options.js';

/** One executed line of a batch: its output or error file line, and what it counts for. */
export interface LineOutcome {
  /** True for a 200 (the output file); false for an error status (the error file). */
  ok: boolean;
  status: number;
  /** The line as written to the output or error file. */
  record: unknown;
  choices: number;
  promptTokens: number;
  completionTokens: number;
}

export interface LineContext {
  batchId: string;
  /** 0-based position of the line among the batch's requests. */
  index: number;
  /** When the line finished, Unix seconds (the completion's `created`). */
  createdSeconds: number;
  /** Share of lines answered 500 (the batch's `failureRate`). */
  failureRate: number;
}

/**
 * Answers one batch line exactly as POST /v1/chat/completions answers the same body (same validation, same
 * planner, so the same seed gives the same choices), without latency, storms or the online fault rates: a batch's
 * own `failureRate` and the poison marker make its 500s.
 */
export function answerBatchLine(input: BatchInputLine, options: SimulatorOptions, ctx: LineContext): LineOutcome {
  const suffix = `${ctx.batchId}-${ctx.index + 1}`;
  const record = (status: number, body: unknown): unknown => ({
    id: `batch_req_${suffix}`,
    custom_id: input.customId,
    response: { status_code: status, request_id: `sim-req-${suffix}`, body },
    error: null,
  });
  const failed = (status: number, body: unknown): LineOutcome => ({ ok: false, status, record: record(status, body), choices: 0, promptTokens: 0, completionTokens: 0 });
  const checked = validateChatBody(input.body, options);
  if (!checked.ok) return failed(checked.status, checked.body);
  const request = checked.request;
  const messages = flattenMessages(request);
  const marker = options.faults.poisonMarker;
  if (marker !== undefined && messages.some((m) => m.content.includes(marker))) return failed(FAULT_RESPONSES.poison.status, FAULT_RESPONSES.poison.body);
  if (createRng(options.seed, 'batch-failure', ctx.batchId, input.customId).chance(ctx.failureRate)) {
    return failed(FAULT_RESPONSES['500'].status, FAULT_RESPONSES['500'].body);
  }
  const plan = planCompletion(request, messages, options);
  return {
    ok: true,
    status: 200,
    record: record(200, completionBody(request.model, plan, `chatcmpl-sim-${suffix}`, ctx.createdSeconds)),
    choices: plan.choices.length,
    promptTokens: plan.promptTokens,
    completionTokens: plan.completionTokens,
  };
}

/** The error file line of a request that never ran because its batch expired or was cancelled. */
export function notExecutedRecord(input: BatchInputLine, batchId: string, index: number, reason: 'batch_expired' | 'batch_cancelled'): unknown {
  return {
    id: `batch_req_${batchId}-${index + 1}`,
    custom_id: input.customId,
    response: null,
    error: {
      code: reason,
      message:
        reason === 'batch_expired'
          ? 'This request could not be executed before the completion window expired.'
          : 'This request was not executed because the batch was cancelled.',
    },
  };
}
