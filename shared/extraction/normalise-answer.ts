import type { AnswerType } from '../core-types.js';
import { normaliseOption, normaliseVerdict } from './normalise-verdict.js';

/**
 * Canonical forms of final answers, one rule per answer type. Two samples agree exactly when their normalised
 * answers are equal strings, so every rule maps surface variants ("E K", "**ek**.", "1,234.50") to one form and
 * returns null for anything it cannot read with confidence: a wrong vote is worse than a missing one.
 */

// Quotes of every common flavour, including the typographic ones chat models like to emit.
const QUOTES = `"'\`“”‘’«»`;
const QUOTE_CLASS = `[${QUOTES}]`;

/** Drops markdown emphasis/code markers and a LaTeX `\boxed{}` / `\text{}` wrapper, keeping their content. */
function stripMarkup(value: string): string {
  return value
    .replace(/\\(?:boxed|text|mathrm)\{([^{}]*)\}/g, '$1')
    .replace(/\$+/g, (run) => (run.length > 1 ? '' : run)) // `$$…$$` math fences, but keep a lone currency `$`
    .replace(/\*\*|__|\*|~~/g, '')
    .replace(/`+/g, '');
}

/** Trims whitespace, one layer of surrounding quotes/brackets, and trailing sentence punctuation, repeatedly. */
function stripEdges(value: string): string {
  let current = value.trim();
  for (;;) {
    const next = current
      .replace(/[.!?;:,]+$/u, '')
      .replace(new RegExp(`^${QUOTE_CLASS}+|${QUOTE_CLASS}+$`, 'gu'), '')
      .replace(/^\[(.*)\]$|^\((.*)\)$/su, '$1$2')
      .trim();
    if (next === current) return current;
    current = next;
  }
}

function normaliseLetters(value: string): string | null {
  // NFC so a letter typed as base + combining accent is one letter, like its precomposed twin.
  const cleaned = stripEdges(stripMarkup(value.normalize('NFC'))).replace(new RegExp(QUOTE_CLASS, 'gu'), '').toLowerCase();
  const tokens = cleaned.split(/[\s,.;:+/|·\-–—]+/u).filter((token) => token !== '');
  if (tokens.length === 0) return null;
  if (!tokens.every((token) => /^\p{L}+$/u.test(token))) return null;
  // Separators are only read as "between letters" when every token is one letter: joining words ("the answer ek")
  // would turn a sentence into a confident-looking wrong vote.
  if (tokens.length > 1 && !tokens.every((token) => /^\p{L}$/u.test(token))) return null;
  return tokens.join('');
}

function normaliseYesNo(value: string): string | null {
  const cleaned = stripEdges(stripMarkup(value)).toLowerCase();
  const match = /^(yes|no|true|false)\b(.*)$/su.exec(cleaned);
  if (!match) return null;
  const [, word = '', rest = ''] = match;
  // An echoed instruction ("yes or no", "yes/no") names both options and so answers nothing.
  if (/^\s*(?:or|\/)\s*(?:yes|no|true|false)\b/u.test(rest)) return null;
  return word === 'yes' || word === 'true' ? 'yes' : 'no';
}

/** Canonical decimal text: no sign on zero, no leading zeros, no trailing fractional zeros, no trailing point. */
function canonicalDecimal(negative: boolean, integerPart: string, fractionPart: string): string {
  const integer = integerPart.replace(/^0+(?=\d)/, '') || '0';
  const fraction = fractionPart.replace(/0+$/, '');
  const body = fraction === '' ? integer : `${integer}.${fraction}`;
  return negative && /[1-9]/.test(body) ? `-${body}` : body;
}

function canonicalFromNumber(value: number): string | null {
  if (!Number.isFinite(value)) return null;
  // Rounded to 12 significant digits so 3/4 and 0.75 (and float noise like 0.1 + 0.2) land on the same text.
  const text = String(Number(value.toPrecision(12)));
  if (/e/i.test(text)) return text;
  const negative = text.startsWith('-');
  const [integerPart = '0', fractionPart = ''] = text.replace(/^-/, '').split('.');
  return canonicalDecimal(negative, integerPart, fractionPart);
}

const LEADING_QUALIFIER = /^(?:(?:about|approximately|approx\.?|around|roughly|exactly|=|≈|~)\s*)+/iu;
const NUMBER = /^([-−+]?)\s*[$€£¥]?\s*(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?(?:\s*\/\s*(\d+))?(?:[eE]([-+]?\d+))?/u;

// A short lead-in before the one number of a sentence-like answer ("the final amount is 16", "total = $16").
const LEAD_IN = /^[\p{L}' ]{0,60}\b(?:is|are|was|were|be|equals?|makes|gives|comes\s+to|of)\s*[:=]?\s*|^[\p{L}' ]{0,60}?\s*[:=]\s*/iu;

function normaliseNumber(value: string): string | null {
  // A worked final line ("17 - 3 = 14") states its result after the last "=".
  const worked = value.includes('=') && /\d\s*[-+×x*/÷]\s*\d/u.test(value) ? (value.split('=').pop() ?? value) : value;
  const bare = stripEdges(stripMarkup(worked))
    .replace(LEADING_QUALIFIER, '')
    .replace(/^(?:USD|EUR|GBP|US\$)\s*/iu, '$')
    .replace(/^([$€£¥])\s*([-−])/u, '$2$1'); // "$-5" reads as "-$5"

  // Only when the answer does not start with a number: "16 is the total" keeps its leading number.
  const cleaned = /^[-−+]?\s*[$€£¥]?\s*\.?\d/u.test(bare) ? bare : bare.replace(LEAD_IN, '').replace(LEADING_QUALIFIER, '');
  const match = NUMBER.exec(cleaned);
  if (!match) return null;
  const [whole, sign = '', integerText, fractionText, denominatorText, exponentText] = match;
  if (integerText === undefined && fractionText === undefined) return null;
  // Whatever follows is a unit or a remark ("12 apples", "12 (3 x 4)"); another bare number there makes the
  // answer ambiguous ("12 or 13", "3 4"), so it is not read at all.
  const rest = cleaned.slice(whole.length).replace(/\([^()]*\)|\[[^[\]]*\]/g, '');
  if (/\d/.test(rest)) return null;
  const negative = sign === '-' || sign === '−';
  const integer = (integerText ?? '0').replace(/,/g, '');
  const fraction = fractionText ?? '';
  if (denominatorText !== undefined) {
    if (fraction !== '' || exponentText !== undefined) return null;
    const denominator = Number(denominatorText);
    if (denominator === 0) return null;
    return canonicalFromNumber(((negative ? -1 : 1) * Number(integer)) / denominator);
  }
  if (exponentText !== undefined) {
    return canonicalFromNumber(Number(`${negative ? '-' : ''}${integer}.${fraction || '0'}e${exponentText}`));
  }
  return canonicalDecimal(negative, integer, fraction);
}

function normaliseText(value: string): string | null {
  const cleaned = stripEdges(stripMarkup(value)).replace(/\s+/gu, ' ').toLowerCase();
  return cleaned === '' ? null : cleaned;
}

/**
 * Maps a raw final answer to its canonical form for `answerType`, or null when the text is not a readable answer
 * of that type.
 *
 * - `letters`: lower-case letters only; quotes, markdown, trailing punctuation and separators between single
 *   letters are dropped (`"E K"`, `e-k`, `**ek**.` all give `ek`).
 * - `yes-no`: `yes` or `no` from the leading word (`Yes.`, `no, it is not`, `true`/`false`).
 * - `number`: a plain decimal (`$1,234.50` gives `1234.5`, `-3.0` gives `-3`, `3/4` gives `0.75`); units and
 *   remarks after the number are ignored, a second number makes it unreadable; a short lead-in ending in "is",
 *   "=", ":" ("the final amount is 16") is dropped.
 * - `text`: trimmed, whitespace collapsed, surrounding quotes and trailing punctuation dropped, lower-cased.
 * - `verdict`: `A`, `B` or `tie` (`[[A]]`, `Response B`, `[[C]]`/`tie`); `option`: the upper-case option letter.
 */
export function normaliseAnswer(raw: string, answerType: AnswerType): string | null {
  switch (answerType) {
    case 'letters':
      return normaliseLetters(raw);
    case 'yes-no':
      return normaliseYesNo(raw);
    case 'number':
      return normaliseNumber(raw);
    case 'text':
      return normaliseText(raw);
    case 'verdict':
      return normaliseVerdict(raw);
    case 'option':
      return normaliseOption(raw);
  }
}
