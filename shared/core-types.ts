/**
 * Terminology (the words every module of s2d uses the same way):
 *
 * - run:        one batch job — a run spec plus an input source — identified by a deterministic `runId`.
 * - item:       one non-blank input line of a run, addressed by its 0-based `index` in the input and by its `id`
 *               (the line's own `id` field, or `line-<n>` when it has none).
 * - answer type: how final answers are extracted and compared (`letters`, `yes-no`, `number`, `text`, `verdict`,
 *               `option`).
 * - strategy:   a small program of LLM calls (System 1 or a System 2 method) that turns one item into one
 *               final text per sample chain.
 * - sample:     one independent execution of a strategy's program for an item (sample index 0..N-1).
 * - curation:   choosing a training target from the samples without any gold label (voting), or rejecting.
 * - item result: the durable outcome of one item: accepted (with target), rejected (with reason) or errored.
 * - publication: the dataset of a run written to the artifact store, manifest last.
 */

export const ANSWER_TYPES = ['letters', 'yes-no', 'number', 'text', 'verdict', 'option'] as const;
export type AnswerType = (typeof ANSWER_TYPES)[number];

export type ChatRole = 'system' | 'user' | 'assistant';
export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** One input item as the producer enqueues it. `prompt` is the user's input exactly as given. */
export interface InputItem {
  index: number;
  /** 1-based line number in the input file, for error messages and provenance. */
  line: number;
  id: string;
  prompt: string;
  answerType: AnswerType;
  /** The line's structured form (a pair to judge, or options to choose from), from which `prompt` was rendered. */
  structured?: StructuredInput | undefined;
}

/**
 * Structured inputs: the parts of a prompt an input perturbation rearranges. `pair`: a user question with two
 * candidate responses to judge (answer type `verdict`); `options`: a question with multiple-choice options
 * (answer type `option`, the letter of the chosen option). The prompt is rendered from them by a template.
 */
export type StructuredInput =
  | { kind: 'pair'; question: string; responseA: string; responseB: string }
  | { kind: 'options'; question: string; options: string[] };

/** Token usage of LLM calls, summed. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /**
   * The part of promptTokens the endpoint served from its prompt cache, when it reports it (OpenAI:
   * `usage.prompt_tokens_details.cached_tokens`); absent when it does not. Priced at `cachedPromptUsdPerMTok`.
   */
  cachedPromptTokens?: number;
}

export const ZERO_USAGE: Readonly<TokenUsage> = Object.freeze({ promptTokens: 0, completionTokens: 0 });

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  const sum: TokenUsage = {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
  };
  // Present only when some call reported it, so usage of endpoints that report none keeps its old shape.
  if (a.cachedPromptTokens !== undefined || b.cachedPromptTokens !== undefined) {
    sum.cachedPromptTokens = (a.cachedPromptTokens ?? 0) + (b.cachedPromptTokens ?? 0);
  }
  return sum;
}
