/**
 * Canonical forms of judge verdicts and multiple-choice options. A verdict is `A`, `B` or `tie`; an option is its
 * upper-case letter. Anything ambiguous ("A or B", "both") is null: a wrong vote is worse than a missing one.
 */

const TIE_WORDS = /^(?:tie|tied|draw|equal|equally good|both(?: are)? (?:equally )?good|neither|c)$/u;

function clean(value: string): string {
  return value
    .replace(/\*\*|__|`/g, '')
    .trim()
    .replace(/^[\s"'“”‘’([{]+|[\s"'“”‘’)\]}.!,;:]+$/gu, '')
    .trim()
    .toLowerCase();
}

/**
 * Reads a verdict: `[[A]]`, `A`, `Response A`, `Assistant B is better`, `[[C]]` / `tie` (the System 1 judge
 * format names a tie `C`). Returns `A`, `B`, `tie` or null.
 */
export function normaliseVerdict(raw: string): string | null {
  const bracketed = /\[\[\s*([A-Ca-c]|tie)\s*\]\]/u.exec(raw);
  const value = clean(bracketed?.[1] ?? raw);
  if (TIE_WORDS.test(value)) return 'tie';
  const match = /^(?:(?:response|answer|assistant|candidate|output|option)\s+)?\(?([ab])\)?(?:\s+(?:is|was)\s+(?:better|the better(?: one| response)?|preferred))?$/u.exec(value);
  if (match?.[1] === undefined) return null;
  return match[1].toUpperCase();
}

/** Reads a multiple-choice option letter: `B`, `(b)`, `Option B`, `B. Paris`, `[[B]]`. Returns the upper-case letter or null. */
export function normaliseOption(raw: string): string | null {
  const bracketed = /\[\[\s*([A-Za-z])\s*\]\]/u.exec(raw);
  const value = clean(bracketed?.[1] ?? raw);
  const match = /^(?:option\s+|choice\s+)?\(?([a-z])\)?(?:[.):]\s+\S.*)?$/su.exec(value);
  if (match?.[1] === undefined) return null;
  return match[1].toUpperCase();
}
