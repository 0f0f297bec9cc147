import { SIMULATOR_UNRECOGNISED_FINGERPRINT } from '../../shared/llm/simulator-fingerprint.js';
import type { CompletionPlan } from './completion-plan.js';

/** Marks every completion as simulated (`system_fingerprint`), so no one mistakes its numbers for a real model's. */
export const SIMULATOR_FINGERPRINT = 's2d-simulator';

/** The chat.completion object for a plan: the body of an online 200 and of a batch output line alike. */
export function completionBody(model: string, plan: CompletionPlan, id: string, createdSeconds = Math.floor(Date.now() / 1000)): unknown {
  return {
    id,
    object: 'chat.completion',
    created: createdSeconds,
    model,
    system_fingerprint: plan.recognised ? SIMULATOR_FINGERPRINT : SIMULATOR_UNRECOGNISED_FINGERPRINT,
    choices: plan.choices.map((c, index) => ({
      index,
      message: { role: 'assistant', content: c.text, refusal: null },
      logprobs: null,
      finish_reason: c.finishReason,
    })),
    usage: {
      prompt_tokens: plan.promptTokens,
      completion_tokens: plan.completionTokens,
      total_tokens: plan.promptTokens + plan.completionTokens,
    },
  };
}
