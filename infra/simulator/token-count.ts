/**
 * Approximate, deterministic token counting (no tokenizer ships here): a word is one token per started 6
 * characters, every digit and every punctuation mark is one token. Close enough to BPE counts on English prose
 * for cost comparisons between System 1 and System 2, which is what the counts are for.
 */
const PIECE = /[A-Za-z\u00C0-\u024F]+|\d|[^\sA-Za-z\d\u00C0-\u024F]/g;

function piecesOf(word: string): number {
  return /^\d$|^[^A-Za-z\u00C0-\u024F]$/.test(word) ? 1 : Math.ceil(word.length / 6);
}

export function countTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(PIECE)) n += piecesOf(m[0]);
  return n;
}

/** Tokens of a chat prompt: content plus a small per-message overhead, as chat templates add role markers. */
export function countPromptTokens(messages: readonly { content: string }[]): number {
  return messages.reduce((sum, m) => sum + countTokens(m.content) + 4, 3);
}

/** Cuts text after `maxTokens` tokens (whole pieces; a word split mid-way is cut at the boundary that fits). */
export function truncateToTokens(text: string, maxTokens: number): { text: string; tokens: number; truncated: boolean } {
  let n = 0;
  for (const m of text.matchAll(PIECE)) {
    const cost = piecesOf(m[0]);
    if (n + cost > maxTokens) {
      const room = maxTokens - n;
      const end = m.index + Math.min(m[0].length, room * 6);
      return { text: text.slice(0, room > 0 ? end : m.index).trimEnd(), tokens: maxTokens, truncated: true };
    }
    n += cost;
  }
  return { text, tokens: n, truncated: false };
}
