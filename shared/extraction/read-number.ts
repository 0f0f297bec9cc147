import { stripEdges, stripMarkup } from './answer-text.js';
import { ambiguous, answer, NONE, type Reading } from './reading.js';

/**
 * Reads one number from the start of a statement's value ("18", "$1,234.50", "0,75", "1.5 million", "3/4",
 * "\frac{3}{4}", "twelve"). Separators follow one rule each, so a number is never cut at a separator it cannot
 * place: "1,234" and "1 234" group thousands; "1.234.567" and "1.234,5" are continental; a single comma with one,
 * two or four-plus digits after it is a decimal comma ("0,75"). Lists, ranges and alternatives ("3, 4",
 * "12 - 13", "12 or 13", "between 12 and 13") are ambiguous, never their first number.
 */

const SPACE_GROUP = '[ \\u00a0\\u2009\\u202f]';
const BODY = new RegExp(
  [
    `\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?(?![\\d,])`, // 1,234 / 1,234.5 (and not 1,2345)
    `\\d{1,2}(?:,\\d{2})+,\\d{3}(?:\\.\\d+)?(?![\\d,])`, // Indian grouping 12,34,567
    `\\d{1,3}(?:\\.\\d{3})+,\\d+(?![\\d.,])`, // 1.234,5
    `\\d{1,3}(?:\\.\\d{3}){2,}(?![\\d.,])`, // 1.234.567
    `\\d{1,3}(?:${SPACE_GROUP}\\d{3})+(?:[.,]\\d+)?(?![\\d])`, // 1 234 567 / 1 234,5
    `\\d+,(?:\\d{1,2}|\\d{4,})(?![\\d,])`, // 0,75 / 3,5 (decimal comma)
    `\\d+(?:\\.\\d+)?`,
    `\\.\\d+`,
  ]
    .map((alternative) => `(?:${alternative})`)
    .join('|'),
  'uy',
);

const VULGAR: Readonly<Record<string, number>> = { '½': 0.5, '¼': 0.25, '¾': 0.75, '⅓': 1 / 3, '⅔': 2 / 3, '⅛': 0.125 };
const SCALE: Readonly<Record<string, number>> = { thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };

const WORDS: Readonly<Record<string, number>> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18,
  nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
const WORD_NUMBER = /^(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](one|two|three|four|five|six|seven|eight|nine))?\b/iu;

/** Canonical decimal text: no sign on zero, no leading zeros, no trailing fractional zeros, no trailing point. */
export function canonicalDecimal(negative: boolean, integerPart: string, fractionPart: string): string {
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

/** Integer and fraction digits of a matched body, separators resolved. */
function splitBody(body: string): { integer: string; fraction: string } {
  const compact = body.replace(/[ \u00a0\u2009\u202f]/g, '');
  const lastComma = compact.lastIndexOf(',');
  const lastDot = compact.lastIndexOf('.');
  let decimalMark: ',' | '.' | null = null;
  if (lastComma !== -1 && lastDot !== -1) decimalMark = lastComma > lastDot ? ',' : '.';
  else if (lastDot !== -1) decimalMark = (compact.match(/\./g) ?? []).length > 1 ? null : '.';
  else if (lastComma !== -1) decimalMark = /,\d{3}$/.test(compact) ? null : ',';
  if (decimalMark === null) return { integer: compact.replace(/[.,]/g, ''), fraction: '' };
  const at = compact.lastIndexOf(decimalMark);
  return { integer: compact.slice(0, at).replace(/[.,]/g, ''), fraction: compact.slice(at + 1) };
}

const LEADING_QUALIFIER = /^(?:(?:about|approximately|approx\.?|around|roughly|exactly|precisely|just|only|a\s+total\s+of|total(?:\s+of)?|=|≈|~|:)\s*)+/iu;
const CURRENCY = /^(?:[$€£¥₹]|US\$|USD|EUR|GBP|INR|Rs\.?)\s*/iu;
/** A short lead-in before the one number of a sentence-like value ("the final amount is 16", "total = $16"). */
const LEAD_IN = /^[\p{L}'’ ]{0,60}?\b(?:is|are|was|were|be|equals?|makes|gives|comes\s+to|of|at|to)\b\s*[:=]?\s*|^[\p{L}'’ ]{0,60}?\s*[:=]\s*/iu;
const RANGE_LEAD = /\b(?:between|either|from|somewhere)\b/iu;
/** After the number: another number joined as a list, range or alternative. */
const SECOND_NUMBER = /^\s*(?:[\p{L}%°€$£¥₹]+\s*){0,2}\(?\s*(?:,|;|&|\/|\+|\band\b|\bor\b|\bto\b|\bthrough\b|\bvs\.?|[-–—~]|\.\.\.?)\s*\(?\s*[-−+]?\s*[$€£¥₹]?\s*(?:\d|(?:zero|one|two|three|four|five|six|seven|eight|nine|ten)\b)/iu;

interface Parsed {
  text: string;
  length: number;
}

function parseNumeral(value: string): Parsed | null {
  let rest = value;
  let negative = false;
  const sign = /^([-−+])\s*/u.exec(rest);
  if (sign) {
    negative = sign[1] !== '+';
    rest = rest.slice(sign[0].length);
  }
  const currency = CURRENCY.exec(rest);
  if (currency) rest = rest.slice(currency[0].length);
  if (!negative && /^[-−]\s*/u.test(rest)) {
    negative = true; // "$-5" reads as "-$5"
    rest = rest.replace(/^[-−]\s*/u, '');
  }
  const frac = /^\\[dt]?frac\s*\{\s*(\d+)\s*\}\s*\{\s*(\d+)\s*\}/u.exec(rest);
  if (frac) {
    const text = Number(frac[2]) === 0 ? null : canonicalFromNumber(((negative ? -1 : 1) * Number(frac[1])) / Number(frac[2]));
    return text === null ? null : { text, length: value.length - rest.length + frac[0].length };
  }
  const mixed = /^(\d+)(?:\s+(\d+)\s*\/\s*(\d+)|\s*([½¼¾⅓⅔⅛]))(?![\d/])/u.exec(rest);
  if (mixed) {
    const fraction = mixed[4] === undefined ? Number(mixed[2]) / Number(mixed[3]) : (VULGAR[mixed[4]] ?? 0);
    const text = Number.isFinite(fraction) ? canonicalFromNumber((negative ? -1 : 1) * (Number(mixed[1]) + fraction)) : null;
    return text === null ? null : { text, length: value.length - rest.length + mixed[0].length };
  }
  BODY.lastIndex = 0;
  const body = BODY.exec(rest);
  if (body === null) {
    const word = WORD_NUMBER.exec(rest);
    if (word === null) return null;
    const total = (WORDS[(word[1] ?? '').toLowerCase()] ?? 0) + (WORDS[(word[2] ?? '').toLowerCase()] ?? 0);
    return { text: canonicalDecimal(negative, String(total), ''), length: value.length - rest.length + word[0].length };
  }
  let consumed = body[0].length;
  const after = rest.slice(consumed);
  const { integer, fraction } = splitBody(body[0]);
  const over = /^\s*\/\s*(\d+)(?![\d.,])/u.exec(after);
  if (over && fraction === '' && !/[.,\s]/.test(body[0])) {
    const denominator = Number(over[1]);
    const text = denominator === 0 ? null : canonicalFromNumber(((negative ? -1 : 1) * Number(integer)) / denominator);
    return text === null ? null : { text, length: value.length - rest.length + consumed + over[0].length };
  }
  const exponent = /^(?:[eE]([-+]?\d+)|\s*[×x*]\s*10\s*\^\s*\{?\s*([-+]?\d+)\s*\}?)/u.exec(after);
  const scale = /^\s*(thousand|million|billion|trillion)\b/iu.exec(after);
  let text: string | null;
  if (exponent) {
    consumed += exponent[0].length;
    text = canonicalFromNumber(Number(`${negative ? '-' : ''}${integer}.${fraction || '0'}e${exponent[1] ?? exponent[2] ?? '0'}`));
  } else if (scale) {
    consumed += scale[0].length;
    const multiplier = SCALE[(scale[1] ?? '').toLowerCase()] ?? 1;
    text = canonicalFromNumber((negative ? -1 : 1) * Number(`${integer}.${fraction || '0'}`) * multiplier);
  } else {
    text = canonicalDecimal(negative, integer, fraction);
  }
  if (text === null) return null;
  // "5 degrees below zero" is -5.
  const belowZero = /^\s*(?:°\s*[CF]?|degrees?(?:\s+(?:celsius|fahrenheit|c|f))?)?\s+below\s+(?:zero|freezing)\b/iu.exec(rest.slice(consumed));
  if (belowZero !== null && !negative && text !== '0') return { text: `-${text}`, length: value.length - rest.length + consumed + belowZero[0].length };
  return { text, length: value.length - rest.length + consumed };
}

/** An operation between two numbers, units allowed ("$1.1B + $1.2B", "17 − 9", "60 × 2.5"). */
export const WORKING = /\d[\p{L}%]{0,3}\s*[-−+×x*·⋅÷]\s*[$€£¥₹]?\d|\d\s+\/\s+\d|\d[\p{L}%]{1,3}\s*\/\s*[$€£¥₹]?\d/u;
/** Several solutions stated with "=" ("x = 3 and x = 7"): no one number is the answer. */
export const SOLUTIONS = /=\s*[-−]?[$€£¥₹]?\d[\d.,]*\s*(?:,|;|\band\b|\bor\b)\s*\p{L}\w*\s*=/u;

/** Drops a worked line's working: "17 - 3 = 14" states its result after the last "=". */
function resultOfWorking(value: string): string {
  if (!value.includes('=') || !WORKING.test(value)) return value;
  const parts = value.split(/=(?!=)/u);
  const last = parts.at(-1) ?? value;
  return /\d|\\frac/.test(last) ? last : value;
}

export function readNumber(raw: string): Reading {
  const flat = stripMarkup(raw).replace(/\s+/gu, ' ').trim();
  if (SOLUTIONS.test(flat)) return ambiguous('several solutions');
  const value = stripEdges(resultOfWorking(flat)).replace(LEADING_QUALIFIER, '');
  if (value === '') return NONE;
  const startsWithNumber = /^[-−+]?\s*(?:[$€£¥₹]|US\$|USD|EUR|GBP|INR|Rs\.?)?\s*[-−]?\s*(?:\.?\d|\\[dt]?frac)/iu.test(value);
  const lead = startsWithNumber ? '' : (LEAD_IN.exec(value)?.[0] ?? '');
  if (RANGE_LEAD.test(lead)) return ambiguous('a range or alternative, not one number');
  const start = value.slice(lead.length).replace(LEADING_QUALIFIER, '');
  const parsed = parseNumeral(start);
  if (parsed === null) return NONE;
  const rest = start.slice(parsed.length);
  if (/^\d/u.test(rest)) return NONE;
  if (SECOND_NUMBER.test(rest)) return ambiguous('two numbers (a list, range or alternative)');
  // Another number later in the same clause ("12 apples and 3 pears") leaves the answer unclear; a remark in
  // brackets ("18 (6 times 3)") or after a clause break ("12, because 3 × 4 = 12") does not.
  const clause = rest.replace(/\([^()]*\)|\[[^[\]]*\]/g, '').split(/[,;.](?=\s)|\s[-–—]\s|\s(?:because|since|as|which|from|after|for)\s/iu)[0] ?? '';
  if (/\d/.test(clause)) return ambiguous('more than one number in the answer');
  return answer(parsed.text);
}

/** Every number a sentence states, read from where each starts ("2 1/2 cups" is one number, 2.5). */
export function numbersIn(sentence: string): string[] {
  const found: string[] = [];
  const text = stripMarkup(sentence);
  let from = 0;
  for (const match of text.matchAll(/(?<![\d.,])[-−]?[$€£¥₹]?\d/gu)) {
    if (match.index < from) continue;
    const parsed = parseNumeral(text.slice(match.index));
    if (parsed === null) continue;
    found.push(parsed.text);
    from = match.index + parsed.length;
  }
  return found;
}
