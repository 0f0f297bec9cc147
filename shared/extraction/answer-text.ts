/**
 * Small text helpers shared by the per-type readers: markup removal and the edges of a candidate answer.
 */

/** Quotes of every common flavour, including the typographic ones chat models like to emit. */
export const QUOTES = `"'\`“”‘’«»„‚‹›「」『』`;
export const QUOTE_CLASS = `[${QUOTES}]`;

/** Drops markdown emphasis/code markers and LaTeX wrappers (`\boxed{}`, `\text{}`, `$…$`), keeping their content. */
export function stripMarkup(value: string): string {
  let current = value;
  // Nested wrappers (`\boxed{\text{ek}}`) unwrap from the inside out.
  for (let i = 0; i < 4; i++) {
    const next = current.replace(
      /\\(?:boxed|fbox|text|textbf|textit|texttt|textsf|mathrm|mathbf|mathit|mathtt|mathsf|operatorname|emph|underline)\s*\{([^{}]*)\}/g,
      '$1',
    );
    if (next === current) break;
    current = next;
  }
  return current
    .replace(/\{,\}/g, ',') // LaTeX thousands: 9{,}500
    .replace(/\\times\b/g, '×')
    .replace(/\\cdot\b/g, '·')
    .replace(/\\\$/g, '$')
    .replace(/\\[()[\]]/g, '') // \( … \) and \[ … \] math fences
    .replace(/\$+/g, (run, offset: number, whole: string) => (run.length > 1 || !/\d/.test(whole.charAt(offset + 1)) ? '' : run))
    .replace(/\\[,;!: ]/g, ' ') // LaTeX spacing commands
    .replace(/\*\*|__|~~/g, '')
    .replace(/(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])/gu, '')
    .replace(/(?<![\p{L}\p{N}_])_(?=\S)|(?<=\S)_(?![\p{L}\p{N}_])/gu, '')
    .replace(/`+/g, '');
}

/** Trims whitespace, surrounding quotes/brackets and trailing sentence punctuation, repeatedly. */
export function stripEdges(value: string): string {
  let current = value.trim();
  for (;;) {
    const next = current
      .replace(/[.!?;:,。！？]+$/u, '')
      .replace(new RegExp(`^${QUOTE_CLASS}+|${QUOTE_CLASS}+$`, 'gu'), '')
      .replace(/^\[(.*)\]$|^\((.*)\)$|^\{(.*)\}$/su, '$1$2$3')
      .trim();
    if (next === current) return current;
    current = next;
  }
}

/**
 * The part of a statement's value that states the answer: up to the end of its sentence, before a justification
 * ("ek, because …", "12 (three times four)", "yes — it is heads up"). Readers look for ambiguity in the whole value
 * first, so "12 - 13" is a range before it is "12" plus a remark.
 */
export function headOf(value: string): string {
  const sentence = value.split(/(?<=[^\d\s.])\.(?=\s|$)|(?<=\d)\.(?=\s+\p{Lu}|\s*$)|[!?。！？](?=\s|$)/u)[0] ?? value;
  return (
    sentence.split(/\s\(|\(\s*(?=[\p{L}])|\s[-–—]\s|\s—|—\s|;|,\s*(?=(?:because|since|as|which|so|but|and|though|although|given|from|due|this|that|it|i|we|the|based|for|after|when|with)\b)|\s(?:because|since|as|which|given|due\s+to)\s/iu)[0] ??
    sentence
  );
}

/** Words that hedge rather than answer: a reply ending on one has not committed to anything. */
export const HEDGE = /^(?:maybe|perhaps|possibly|probably\s+not|unclear|unknown|uncertain|unsure|not\s+sure|undetermined|undecidable|indeterminate|n\/a|none|nothing|it\s+depends|depends|cannot\s+(?:be\s+)?(?:determined?|tell|say|know)|can(?:not|'t)\s+(?:determine|tell|say|know)|insufficient|not\s+enough|impossible\s+to\s+(?:tell|say|know)|i\s+(?:don't|do\s+not)\s+know)\b/iu;

/** A second candidate offered as an alternative: "ek — or ke", "60 (or 65 if …)", "Paris, or maybe Lyon". */
export const ALTERNATIVE = /(?:[—–(,;]|\s-)\s*or\b|\bor\s+(?:maybe|possibly|perhaps|else)\b|\beither\b[^.\n]{0,60}\bor\b/iu;

/** The words after an alternative's "or", to tell a restatement ("o-l, or simply 'ol'") from a rival. */
export function alternativeOf(line: string): string | null {
  const match = /\bor\b\s*(?:simply|just|equivalently|in\s+other\s+words|written\s+together|as\s+one\s+string)?\s*[,:]?\s*/iu.exec(
    line.slice(line.search(ALTERNATIVE)),
  );
  if (match === null) return null;
  const start = line.search(ALTERNATIVE) + match.index + match[0].length;
  return line.slice(start);
}

export function clip(value: string): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}
