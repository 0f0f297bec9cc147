import type { TokenUsage } from '../core-types.js';

/**
 * Attributes one request's usage to its choices: the prompt (and its cached part) is charged to the first choice (it
 * was sent once), and completion tokens are shared in proportion to each choice's length. The shares always sum to
 * the request's usage.
 */
export function splitUsage(usage: TokenUsage, texts: readonly string[]): TokenUsage[] {
  if (texts.length === 0) return [];
  const lengths = texts.map((text) => Math.max(1, text.length));
  const totalLength = lengths.reduce((sum, length) => sum + length, 0);
  let given = 0;
  return lengths.map((length, position) => {
    const last = position === lengths.length - 1;
    const completionTokens = last
      ? usage.completionTokens - given
      : Math.floor((usage.completionTokens * length) / totalLength);
    given += completionTokens;
    const share: TokenUsage = { promptTokens: position === 0 ? usage.promptTokens : 0, completionTokens };
    if (usage.cachedPromptTokens !== undefined) share.cachedPromptTokens = position === 0 ? usage.cachedPromptTokens : 0;
    return share;
  });
}
