import { HEDGE, QUOTE_CLASS, QUOTES, stripMarkup } from './answer-text.js';
import { ambiguous, answer, NONE, type Reading } from './reading.js';

/**
 * Reads a letter string from the start of a statement's value: one word of letters ("ek", "EK"), or single letters
 * listed ("e k", "e-k", "'e' and 'k'", "e + k"), which are joined. Two different strings ("ek or ke", "'ek' and
 * 'ke'") are ambiguous. The candidate must end the clause: "ek, because …" reads, "not obvious yet" does not.
 */

type Token =
  | { kind: 'word'; text: string; quoted: boolean }
  | { kind: 'join'; comma: boolean }
  | { kind: 'or' }
  | { kind: 'end' }
  | { kind: 'other' };

const OPEN_TO_CLOSE: Readonly<Record<string, string>> = { '“': '”', '‘': '’', '«': '»', '„': '“', '‚': '‘', '‹': '›', '「': '」', '『': '』' };

// Words that introduce the answer inside a value ("the resulting string ek", "the letters e and k").
const FILLER = new Set(
  ('the a an final resulting combined concatenated joined new whole full complete lowercase lower-case lower case string word ' +
    'letters letter sequence result answer output concatenation combination of is are be would will just simply ' +
    'we get you i obtain therefore thus so hence this that which gives give forms form makes make spells spell us ' +
    'all together joined concatenated combined simply just')
    .split(' '),
);
const CLAUSE_END = /^(?:is|are|was|as|because|since|which|from|for|when|so|that|taken|formed|made|by|in|with|after|–|—|-)$/iu;

function tokenize(value: string): Token[] {
  const tokens: Token[] = [];
  let rest = value;
  while (rest.length > 0) {
    const space = /^\s+/u.exec(rest);
    if (space) {
      rest = rest.slice(space[0].length);
      continue;
    }
    const first = rest.charAt(0);
    if (QUOTES.includes(first)) {
      const close = OPEN_TO_CLOSE[first] ?? first;
      const end = rest.indexOf(close, 1);
      if (end > 0) {
        const inner = rest.slice(1, end).replace(/[.!?,;:]+$/u, '').trim();
        tokens.push(/^[\p{L}\s-]+$/u.test(inner) && inner !== '' ? { kind: 'word', text: inner, quoted: true } : { kind: 'other' });
        rest = rest.slice(end + 1);
        continue;
      }
      rest = rest.slice(1);
      continue;
    }
    // An apostrophe inside a word ("it's", "Jack's") belongs to the word, it opens no quote.
    const word = /^\p{L}+(?:['’]\p{L}+)*/u.exec(rest);
    if (word) {
      const lower = word[0].toLowerCase();
      if (lower === 'or') tokens.push({ kind: 'or' });
      else if (lower === 'and' || lower === 'then' || lower === 'plus') tokens.push({ kind: 'join', comma: false });
      else tokens.push({ kind: 'word', text: word[0], quoted: false });
      rest = rest.slice(word[0].length);
      continue;
    }
    if (/^(?:,|\+|&|->|→|-|–|·|\/)/u.test(rest)) {
      const sep = /^(?:,|\+|&|->|→|-|–|·|\/)/u.exec(rest)?.[0] ?? ',';
      tokens.push(sep === '/' ? { kind: 'or' } : { kind: 'join', comma: sep === ',' });
      rest = rest.slice(sep.length);
      continue;
    }
    if (/^[.!?;:()[\]{}=—]/u.test(rest)) {
      tokens.push({ kind: 'end' });
      rest = rest.slice(1);
      continue;
    }
    tokens.push({ kind: 'other' });
    rest = rest.slice(1);
  }
  return tokens;
}

function lettersOf(text: string): string | null {
  const parts = text.split(/[\s-]+/u).filter((part) => part !== '');
  if (parts.length === 0 || !parts.every((part) => /^\p{L}+$/u.test(part))) return null;
  if (parts.length > 1 && !parts.every((part) => part.length === 1)) return null;
  return parts.join('').toLowerCase();
}

function isSingle(token: Token | undefined): token is Extract<Token, { kind: 'word' }> {
  return token?.kind === 'word' && (lettersOf(token.text)?.length ?? 0) === 1;
}

/** Words that stand in for an answer without being one ("Here's how I got there", "we get this"). */
const PRO_FORM = /^(?:there|here|this|that|it|them|these|those|what|which|something|nothing|both|all|us)$/iu;

function readFrom(input: readonly Token[]): Reading {
  // "or" opening a value is the answer "or" (radio + ginger), not an alternative.
  const tokens: readonly Token[] = input[0]?.kind === 'or' ? [{ kind: 'word', text: 'or', quoted: false }, ...input.slice(1)] : input;
  const first = tokens[0];
  if (first?.kind !== 'word') return NONE;
  const firstLetters = lettersOf(first.text);
  if (firstLetters === null || (!first.quoted && PRO_FORM.test(first.text))) return NONE;
  const items: string[] = [firstLetters];
  let i = 1;
  // A run of single letters ("e k", "e, k", "'e' and 'k'") is one answer spelled out.
  if (firstLetters.length === 1) {
    while (i < tokens.length) {
      const t = tokens[i];
      const next = tokens[i + 1];
      if (isSingle(t)) {
        items.push(lettersOf(t.text) ?? '');
        i += 1;
      } else if (t?.kind === 'join' && (isSingle(next) || (next?.kind === 'join' && isSingle(tokens[i + 2])))) {
        i += 1; // "r, e, and d": a comma then "and" joins like either alone
      } else break;
    }
  }
  const after = tokens[i];
  const afterNext = tokens[i + 1];
  if (after?.kind === 'or' && afterNext?.kind === 'word') return ambiguous('two different letter strings');
  if (after?.kind === 'join' && afterNext?.kind === 'word' && afterNext.quoted) {
    const other = lettersOf(afterNext.text);
    if (other !== null && other !== items.join('')) return ambiguous('two different letter strings');
  }
  const joined = items.join('');
  // "ek, because …" ends the answer at the comma; "Larry → y" or "ek + ke" does not end it there.
  if (after === undefined || after.kind === 'end' || (after.kind === 'join' && (after.comma || items.length > 1))) return answer(joined);
  if (after.kind === 'word' && !after.quoted && CLAUSE_END.test(after.text)) return answer(joined);
  return NONE;
}

/** Distinct quoted strings in a clause, for values that name the answer after some words ("a two-letter string 'ek'"). */
function readQuoted(tokens: readonly Token[]): Reading {
  const clause: Token[] = [];
  for (const token of tokens) {
    if (token.kind === 'end') break;
    clause.push(token);
  }
  const quoted = clause.filter((t): t is Extract<Token, { kind: 'word' }> => t.kind === 'word' && t.quoted);
  const values = quoted.map((t) => lettersOf(t.text)).filter((v): v is string => v !== null);
  if (values.length === 0) return NONE;
  if (values.every((v) => v.length === 1)) return answer(values.join(''));
  const distinct = new Set(values.filter((v) => v.length > 1));
  if (distinct.size > 1) return ambiguous('two different letter strings');
  return answer([...distinct][0] ?? '');
}

/** The value's working dropped: "e + k = ek" states its result after the last "=". */
function resultOfWorking(value: string): string {
  const parts = value.split(/=(?!=)/u);
  const last = parts.at(-1) ?? value;
  return parts.length > 1 && /\p{L}/u.test(last) ? last : value;
}

/** Another quoted string in the answer's sentence ("they give 'rt'; reversed, 'tr'") makes it one of two. */
function rivalIn(tokens: readonly Token[], chosen: string): boolean {
  let negated = false;
  for (const token of tokens) {
    if (token.kind === 'end') return false;
    if (token.kind === 'word' && !token.quoted) negated = /^(?:not|rather|instead|than|nor)$/iu.test(token.text);
    if (token.kind === 'word' && token.quoted) {
      const letters = lettersOf(token.text);
      if (letters !== null && letters.length > 1 && letters !== chosen && !negated) return true;
    }
  }
  return false;
}

export function readLetters(raw: string): Reading {
  const reading = readLettersAt(raw);
  if (reading.kind !== 'answer') return reading;
  const sentence = stripMarkup(raw).split(/(?<=[.!?])\s/u)[0] ?? raw;
  return rivalIn(tokenize(sentence), reading.answer) ? ambiguous('two different letter strings') : reading;
}

function readLettersAt(raw: string): Reading {
  const wrapped = stripMarkup(raw.normalize('NFC')).replace(/\s+/gu, ' ').trim();
  // A leading bracket wraps the answer ("(ek)"); later ones hold remarks ("'a' (from Ariana) and 'e'").
  const value = resultOfWorking(
    /^[([{]/u.test(wrapped) ? wrapped.replace(/^[([{]+\s*/u, '') : wrapped.replace(/\s*\([^()]*\)/gu, ''),
  );
  if (HEDGE.test(value.replace(new RegExp(`^${QUOTE_CLASS}`, 'u'), ''))) return ambiguous('a hedge, not an answer');
  const tokens = tokenize(value);
  const direct = readFrom(tokens);
  if (direct.kind !== 'none') return direct;
  // Skip the words that introduce the answer ("the final string ek"), but never a whole answer of one letter ("a").
  let start = 0;
  while (start < tokens.length) {
    const t = tokens[start];
    if (t?.kind === 'word' && !t.quoted && FILLER.has(t.text.toLowerCase())) start += 1;
    else if (t?.kind === 'end' && start > 0 && tokens[start - 1]?.kind === 'word') start += 1;
    else break;
  }
  if (start > 0 && start < tokens.length) {
    const afterFiller = readFrom(tokens.slice(start));
    if (afterFiller.kind !== 'none') return afterFiller;
  }
  return readQuoted(tokens.slice(start));
}
