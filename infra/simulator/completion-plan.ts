import { createHash } from 'node:crypto';
import { createRng } from '../../shared/random/seeded-random.js';
import { recogniseTask, type RecognisedTask } from '../../shared/tasks/task-registry.js';
import type { SimpleMessage } from './chat-request.js';
import { detectJudgeRequest, type JudgeMode } from './judge-mode.js';
import { writeJudgeReply } from './judge-replies.js';
import { detectReasoningMode, type ReasoningMode } from './reasoning-mode.js';
import { writeReply } from './reply-writer.js';
import { replyStyleOf } from './reply-style.js';
import type { SimulatorOptions } from './simulator-options.js';
import { countPromptTokens, truncateToTokens } from './token-count.js';

/** No max_tokens given: cap like a server's context limit would. */
const DEFAULT_MAX_TOKENS = 4096;

/** The request parameters the planner reads (a validated ChatRequest fits; so does a plain test literal). */
export interface PlanRequest {
  model: string;
  messages?: unknown;
  n?: number | null | undefined;
  temperature?: number | null | undefined;
  seed?: number | null | undefined;
  max_tokens?: number | null | undefined;
  max_completion_tokens?: number | null | undefined;
}

export interface PlannedChoice {
  text: string;
  completionTokens: number;
  finishReason: 'stop' | 'length';
}

/** Everything a chat request will return, decided before any waiting (generation is instant, latency simulated). */
export interface CompletionPlan {
  mode: ReasoningMode | JudgeMode;
  task: RecognisedTask | null;
  /** True for a pairwise-judging call (System 1 judge or a BSM step). */
  judging: boolean;
  /**
   * False when the simulator did not recognise what the prompt asks (no built-in task, judging call or USC
   * selection): its replies are then guesses, and the response says so (fingerprint and header).
   */
  recognised: boolean;
  choices: PlannedChoice[];
  promptTokens: number;
  completionTokens: number;
}

function requestKey(model: string, messages: readonly SimpleMessage[]): string {
  return createHash('sha256').update(JSON.stringify([model, messages.map((m) => [m.role, m.content])])).digest('hex');
}

/**
 * Plans the choices of a validated request. Temperature 0 is greedy: every choice is the same and the request
 * seed is ignored. Above 0 each choice is seeded by (simulator seed, request, temperature, seed, choice index).
 */
export function planCompletion(request: PlanRequest, messages: readonly SimpleMessage[], options: SimulatorOptions): CompletionPlan {
  const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const instructions = [...messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => m.content), lastUser].join('\n\n');
  const judge = detectJudgeRequest(lastUser);
  const reasoningMode = detectReasoningMode(instructions);
  const mode = judge?.mode ?? reasoningMode;
  const task = judge === null ? recogniseTask(lastUser) : null;
  const temperature = request.temperature ?? 1;
  const n = options.honourN ? (request.n ?? 1) : 1;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS;
  const key = requestKey(request.model, messages);
  const distilled = options.distilledModels.some((marker) => request.model.includes(marker));
  const choices: PlannedChoice[] = [];
  for (let i = 0; i < n; i++) {
    const seedParts = temperature === 0 ? ['greedy', key] : ['sample', key, temperature, request.seed ?? 'unseeded', i];
    const sampleRng = createRng(options.seed, ...seedParts);
    const style = replyStyleOf(options, seedParts);
    const text =
      judge === null
        ? writeReply({ mode: reasoningMode, task, prompt: lastUser, sampleRng, distilled, style }, options).text
        : writeJudgeReply(judge, lastUser, sampleRng, options, distilled, style);
    const cut = truncateToTokens(text, maxTokens);
    choices.push({ text: cut.text, completionTokens: cut.tokens, finishReason: cut.truncated ? 'length' : 'stop' });
  }
  return {
    mode,
    task,
    judging: judge !== null,
    recognised: judge !== null || task !== null || mode === 'usc-select',
    choices,
    promptTokens: countPromptTokens(messages),
    completionTokens: choices.reduce((sum, c) => sum + c.completionTokens, 0),
  };
}
