/**
 * Where a reply states its answer, found without knowing the answer type.
 *
 * - `labelled` statements are deliberate: an "Answer:" / "Final answer:" / "Verdict:" line (or a heading with the
 *   answer on the next line), `\boxed{…}`, a judge's `[[A]]`.
 * - `phrase` statements are how chat models conclude in prose: "the answer is X", "so we get X", "they form X",
 *   "which gives X", "therefore, X", "I choose X", and the reversed "X is the correct answer", "Assistant A is
 *   better". Phrases also turn up in reasoning, so a phrase in a conditional sentence ("if …, the answer would be
 *   X") is not a statement.
 *
 * `value` is the text after the marker to the end of its line (before it, for reversed phrases); when the marker
 * ends its line the value is the next non-empty line.
 */
export interface Statement {
  rank: 'labelled' | 'phrase';
  position: number;
  value: string;
  /** A judge's `[[X]]`: several on one line with different letters name no single verdict. */
  bracketed?: boolean;
}

const LABEL_WORDS =
  '(?:(?:the|my|final|correct|short|direct|overall|best)[ \\t]+)*(?:answer|verdict|final[ \\t]+result|result|conclusion|respuesta(?:[ \\t]+final)?|réponse(?:[ \\t]+finale)?|antwort|risposta|resposta|答案|回答|ответ)(?:[ \\t]*\\([^)\\n]{0,40}\\))?';
const LINE_LEAD = '^[ \\t]*(?:[-*•>#]+[ \\t]*|\\d+[.)][ \\t]*)?';
const LABEL_LINE = new RegExp(`${LINE_LEAD}${LABEL_WORDS}[ \\t]*[:：=]`, 'gimu');
const HEADER_LINE = new RegExp(`${LINE_LEAD}${LABEL_WORDS}[ \\t]*[:：]?[ \\t]*$`, 'gimu');
/** GSM8K's own answer format, which models fine-tuned on it keep: "#### 18". */
const HASH_LINE = /^[ \t]*####[ \t]+(?=\S)/gmu;
const BRACKETED = /\[\[\s*([A-Za-z]|tie)\s*\]\]/gu;

const PHRASES: readonly RegExp[] = [
  /\b(?:final\s+|correct\s+|right\s+|my\s+|short\s+)?answer\s+(?:is|was|would\s+be|will\s+be|should\s+be|must\s+be|remains|becomes|here\s+is)\b\s*:?|\banswer\s*[:：=]/giu,
  /\b(?:final\s+|resulting\s+|combined\s+|concatenated\s+|joined\s+|new\s+|correct\s+|right\s+|best\s+|my\s+|overall\s+)?(?:result|string|output|concatenation|combination|total|sum|verdict|choice|option|pick)\s+(?:is|would\s+be|will\s+be|=|:)(?!\s+(?:not|to|that|of|the\s+(?:last|first|final)\s+letter)\b)\s*:?/giu,
  /\b(?:last|final|ending|end)\s+letters(?:\s+\([^)\n]{0,40}\))?\s+(?:are|were)\b\s*:?/giu,
  /\b(?:we|you|I)\s+(?:get|got|have|obtain|end\s+up\s+with|arrive\s+at|are\s+left\s+with)\b\s*:?/giu,
  /\b(?:which|this|that|it|they|these|those|together(?:,)?\s+they|combined(?:,)?\s+they|joined(?:,)?\s+they|and)\s+(?:gives?|makes?|yields?|forms?|spells?(?:\s+out)?|produces?|results?\s+in|comes?\s+to|equals?|is\s+equal\s+to|becomes?)(?:\s+us)?\b\s*:?/giu,
  /\b(?:giving|yielding|forming|resulting\s+in|producing|spelling)(?:\s+us)?\b\s*:?/giu,
  /(?:^|[.!?:]\s+|\n)\s*(?:so|therefore|thus|hence|consequently|in\s+conclusion|in\s+summary|to\s+summari[sz]e|overall|in\s+short)\b\s*[,:]?/giu,
  /\bI\s+(?:would\s+|will\s+|'d\s+)?(?:choose|pick|select|go\s+with|prefer|vote\s+for|conclude(?:\s+that)?|say)\b\s*:?/giu,
];
/** Reversed phrases: the answer comes before them ("(B) is the correct answer", "Assistant A is better"). */
const REVERSED = /\s+(?:is|was)\s+(?:(?:the|my)\s+)?(?:(?:correct|right|best|final|better|winning|preferred|clear\s+winner)\b(?:\s+(?:answer|option|choice|one|response|here))?|answer\b|winner\b)|\s+(?:wins|is\s+preferred|is\s+superior)\b/giu;

/** A phrase inside a hypothetical or a negation is reasoning, not a conclusion. */
const CONDITIONAL = /\b(?:if|unless|suppose|supposing|assuming|instead|otherwise|whether|might|could)\b/iu;

function restOfLine(text: string, from: number): string {
  const end = text.indexOf('\n', from);
  return text.slice(from, end === -1 ? undefined : end);
}

function nextNonEmptyLine(text: string, from: number): string {
  const after = text.slice(from).split('\n').slice(1);
  return after.find((line) => line.trim() !== '') ?? '';
}

function sentenceBefore(text: string, position: number): string {
  const before = text.slice(0, position);
  const start = Math.max(before.lastIndexOf('\n'), before.search(/[.!?]\s+[^.!?]*$/u));
  return before.slice(start + 1);
}

/** The closing brace of a `\boxed{` that opens at `open` (braces nest: `\boxed{\frac{3}{4}}`). */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '{') depth += 1;
    else if (c === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function labelled(text: string): Statement[] {
  const found: Statement[] = [];
  for (const match of text.matchAll(LABEL_LINE)) {
    const from = match.index + match[0].length;
    const value = restOfLine(text, from);
    found.push({ rank: 'labelled', position: match.index, value: value.trim() === '' ? nextNonEmptyLine(text, from) : value });
  }
  for (const match of text.matchAll(HEADER_LINE)) {
    found.push({ rank: 'labelled', position: match.index, value: nextNonEmptyLine(text, match.index) });
  }
  for (const match of text.matchAll(HASH_LINE)) {
    found.push({ rank: 'labelled', position: match.index, value: restOfLine(text, match.index + match[0].length) });
  }
  for (const match of text.matchAll(/\\(?:boxed|fbox)\s*\{/gu)) {
    const open = match.index + match[0].length - 1;
    const close = matchingBrace(text, open);
    if (close !== -1) found.push({ rank: 'labelled', position: match.index, value: text.slice(open + 1, close) });
  }
  for (const match of text.matchAll(BRACKETED)) {
    found.push({ rank: 'labelled', position: match.index, value: match[0], bracketed: true });
  }
  return found;
}

function phrases(text: string): Statement[] {
  const found: Statement[] = [];
  for (const pattern of PHRASES) {
    for (const match of text.matchAll(pattern)) {
      const from = match.index + match[0].length;
      if (CONDITIONAL.test(sentenceBefore(text, from))) continue;
      const value = restOfLine(text, from);
      found.push({ rank: 'phrase', position: from, value: value.trim() === '' ? nextNonEmptyLine(text, from) : value });
    }
  }
  for (const match of text.matchAll(REVERSED)) {
    const clause = sentenceBefore(text, match.index).split(/[,:;]\s+|\b(?:so|therefore|thus|hence|then)\s+/iu).at(-1) ?? '';
    if (clause.trim() === '' || CONDITIONAL.test(clause)) continue;
    found.push({ rank: 'phrase', position: match.index, value: clause.trim() });
  }
  return found;
}

/** True when `line` is itself an answer label ("Answer: …"), so it is never read as a bare answer. */
export function isLabelLine(line: string): boolean {
  return new RegExp(`${LINE_LEAD}${LABEL_WORDS}[ \\t]*[:：=]`, 'iu').test(line);
}

/** Every statement of an answer in `text` (markup already dropped), in no particular order. */
export function findStatements(text: string): Statement[] {
  return [...labelled(text), ...phrases(text)];
}
