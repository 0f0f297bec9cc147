import type { AnswerType } from '../core-types.js';

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
  /** An outright "the answer is …" phrase: two of them that differ, uncorrected, name no single answer. */
  committed?: boolean;
  /** A reversed phrase naming an answer ("Paris is the correct answer"), not just approval ("your instinct is correct"). */
  answerNoun?: boolean;
}

const LABEL_WORDS =
  '(?:(?:the|my|final|correct|short|direct|overall|best)[ \\t]+)*(?:answer|verdict|final[ \\t]+result|result|conclusion|winner|preferred[ \\t]+response|better[ \\t]+response|(?:respuesta|réponse|antwort|risposta|resposta)(?:[ \\t]+(?:final|finale|correcta|correcte|corretta|correta|richtige))?|(?:richtige|korrekte)[ \\t]+antwort|(?:所以)?答案|答え|回答|ответ)(?:[ \\t]*\\([^)\\n]{0,40}\\))?';
// One symbol or list number at a time: a nested quantifier here backtracks exponentially on long symbol runs.
const LINE_LEAD = '^[ \\t]*(?:[^\\p{L}\\p{N}\\s][ \\t]*|\\d{1,3}[.)][ \\t]*){0,12}';
const LABEL_LINE = new RegExp(`${LINE_LEAD}${LABEL_WORDS}[ \\t]*[:：=]`, 'gimu');
const HEADER_LINE = new RegExp(`${LINE_LEAD}${LABEL_WORDS}[ \\t]*[:：]?[ \\t]*$`, 'gimu');
/** GSM8K's own answer format, which models fine-tuned on it keep: "#### 18". */
const HASH_LINE = /^[ \t]*####[ \t]+(?=\S)/gmu;
/** A judge's verdict, including Arena-Hard's graded form (`[[A>B]]`, `[[B>>A]]`, `[[A=B]]`). */
export const BRACKETED = /\[\[\s*(?:[A-Za-z]|tie|[AB]\s*(?:>{1,2}|<{1,2}|=)\s*[AB])\s*\]\]/gu;
/** A sentence restating the requested format ("output [[A]] if response A is better", "in the form [[X]]"). */
const FORMAT_ECHO = /\b(?:in\s+the\s+form|(?:the|this|that)\s+format|output\s+(?:only\s+|exactly\s+)?\[\[|if\s+(?:response|assistant|answer|model)\s+[AB]\b|for\s+a\s+tie|\[\[X\]\])/iu;
/** Structured output: `{"answer": "Cairo"}`, `{"winner": "A"}`, `"answer": false`. */
const JSON_FIELD = /"(?:final[_ ]?answer|answer|verdict|winner|better|preferred|choice|option|selected(?:_option)?|result)"\s*:\s*("(?:[^"\\\n]|\\.)*"|-?\d[\d.]*(?![\d.])|true|false)/giu;

const PHRASES: readonly RegExp[] = [
  /\b(?:final\s+|correct\s+|right\s+|my\s+|short\s+)?answer\s+(?:is|was|would\s+be|will\s+be|should\s+be|must\s+be|remains|becomes|here\s+is)\b\s*:?|\banswer\s*[:：=]/giu,
  /\b(?:final\s+|resulting\s+|combined\s+|concatenated\s+|joined\s+|new\s+|correct\s+|right\s+|best\s+|my\s+|overall\s+)?(?:result|string|output|concatenation|combination|total|sum|verdict|choice|option|pick)\s+(?:is|would\s+be|will\s+be|=|:)(?!\s+(?:not|to|that|of|the\s+(?:last|first|final)\s+letter)\b)\s*:?/giu,
  /\b(?:last|final|ending|end)\s+letters\b[^.!?\n:]{0,30}?\s(?:are|were)\b\s*:?/giu,
  /\b(?:we|you|I)\s+(?:get|got|have|obtain|end\s+up\s+with|arrive\s+at|are\s+left\s+with)\b\s*:?/giu,
  // Not "gives away 3", "makes up", "made of": phrasal verbs that are steps, not conclusions.
  /\b(?:gives|gave|makes|made|yields|yielded|forms|formed|spells(?:\s+out)?|spelled|produces|produced|results\s+in|resulted\s+in|comes\s+to|came\s+to|equals|is\s+equal\s+to|becomes|became)(?!\s+(?:away|up|back|out|off|of|in|it|him|her|them|sure)\b)(?:\s+us)?\b\s*:?/giu,
  /\b(?:they|these|those|which|that|we|together(?:,)?\s+they|combined(?:,)?\s+they)\s+(?:give|make|form|spell(?:\s+out)?|produce|yield|become)(?:\s+us)?\b\s*:?/giu,
  /\b(?:giving|yielding|forming|resulting\s+in|producing|spelling)(?:\s+us)?\b\s*:?/giu,
  /(?:^|[.!?:,;]\s+|\n)\s*(?:so|therefore|thus|hence|consequently|in\s+conclusion|in\s+summary|to\s+summari[sz]e|overall|in\s+short)\b(?:\s+again|\s+once\s+more)?\s*[,:]?/giu,
  /\bto\s+answer\s+(?:your|the)\s+question\s*[:,]?/giu,
  /\b(?:that|this|it)\s+would\s+be\b\s*:?/giu,
  /\bI(?:\s+would|\s+will|['’]d|['’]ll)?\s+(?:choose|pick|select|go\s+with|prefer|vote\s+for|conclude(?:\s+that)?|say|answer|call\s+(?:this|it|that))\b\s*:?/giu,
  // "That's choice C", "it is Response B": the named choice follows.
  /\b(?:that|this|it)(?:['’]s|\s+is|\s+would\s+be)\s+(?=(?:the\s+)?(?:choice|option|answer|response|assistant|candidate)\s+\(?[A-Za-z]\b|an?\s+(?:tie|draw)\b)/giu,
  /\b(?:respuesta(?:\s+correcta)?|réponse(?:\s+correcte)?|antwort|risposta(?:\s+corretta)?|resposta(?:\s+correta)?)\s+(?:es|est|ist|lautet|è|é)\s*:?|(?:连起来|合起来|结果|答案)(?:就)?(?:是|为)\s*[:：]?|答案(?:是|为|為)?\s*[:：]?|答えは\s*[:：]?|答え\s*[:：]/giu,
];
/** Reversed phrases: the answer comes before them ("(B) is the correct answer", "Assistant A is better"). */
const REVERSED = /\s+(?:is|was)\s+(?:(?:the|my)\s+)?(?:(?:correct|right|best|final|better|winning|preferred|clear\s+winner)\b(?:\s+(?:answer|option|choice|one|response|here))?|answer\b|winner\b)|\s+(?:wins|is\s+preferred|is\s+superior)\b/giu;
/** Words that open a reversed clause without being part of its answer ("so I think Response B is better"). */
const CLAUSE_INTRO = /^(?:(?:so|thus|therefore|hence|then|overall|clearly|again|yes|no|and|but|here|i\s+(?:think|believe|feel|would\s+say|['’]d\s+say|conclude)(?:\s+that)?|in\s+my\s+(?:view|opinion))\b\s*[,—–-]?\s*)+/iu;
const PRONOUN_ONLY = /^(?:which|that|this|it|these|they|what|so|there|here)$/iu;

/** A phrase inside a hypothetical or a negation is reasoning, not a conclusion. */
const CONDITIONAL = /\b(?:if|unless|suppose|supposing|assuming|instead|otherwise|whether|might|could)\b/iu;

function restOfLine(text: string, from: number): string {
  const end = text.indexOf('\n', from);
  return text.slice(from, end === -1 ? undefined : end);
}

/** The next line with content: code fences and bare markup lines ("```", "---") carry none. */
function nextNonEmptyLine(text: string, from: number): string {
  const after = text.slice(from).split('\n').slice(1);
  return after.find((line) => line.replace(/```\w*|[-*_=>#~`]/gu, '').trim() !== '') ?? '';
}

function sentenceAround(text: string, position: number): string {
  const after = text.slice(position);
  const end = after.search(/[.!?](?:\s|$)|\n/u);
  return sentenceBefore(text, position) + (end === -1 ? after : after.slice(0, end));
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
    // A quoted "[[A]]" is the format instruction echoed back, not a verdict.
    if (/["'“‘`]$/u.test(text.slice(Math.max(0, match.index - 1), match.index))) continue;
    const leadIn = text.slice(Math.max(0, match.index - 40), match.index);
    if (FORMAT_ECHO.test(sentenceAround(text, match.index)) && !/(?:verdict|answer|choice|decision|winner)\s*(?:is)?\s*[:：]?\s*$/iu.test(leadIn)) continue;
    found.push({ rank: 'labelled', position: match.index, value: match[0], bracketed: true });
  }
  for (const match of text.matchAll(JSON_FIELD)) {
    const raw = match[1] ?? '';
    const value = raw.startsWith('"') ? raw.slice(1, -1) : raw === 'true' ? 'yes' : raw === 'false' ? 'no' : raw;
    found.push({ rank: 'labelled', position: match.index, value });
  }
  return found;
}

const TENTATIVE = /\b(?:thought|think|guess|initially|at\s+first|first\s+glance|seems?|looks?\s+like|maybe|perhaps|probably)\b/iu;

function phrases(text: string): Statement[] {
  const found: Statement[] = [];
  PHRASES.forEach((pattern, index) => {
    for (const match of text.matchAll(pattern)) {
      const from = match.index + match[0].length;
      const sentence = sentenceBefore(text, from);
      if (CONDITIONAL.test(sentence) || /^[^.!?\n]*?\b(?:if|unless)\b/iu.test(restOfLine(text, from))) continue;
      const value = restOfLine(text, from);
      found.push({
        rank: 'phrase',
        position: from,
        value: value.trim() === '' ? nextNonEmptyLine(text, from) : value,
        committed: (index === 0 || index === PHRASES.length - 1) && !TENTATIVE.test(sentence) && !/\b(?:this|that|your|an|hope)\s+answer\b|\bhope\b/iu.test(sentence) && !/^[^.!\n]{0,40}\?/u.test(value),
      });
    }
  });
  for (const match of text.matchAll(REVERSED)) {
    const sentence = sentenceBefore(text, match.index);
    const clause = (sentence.split(/[,:;]\s+|\s[—–-]\s|—/u).at(-1) ?? '').trim().replace(CLAUSE_INTRO, '');
    if (clause === '' || PRONOUN_ONLY.test(clause) || CONDITIONAL.test(sentence)) continue;
    found.push({ rank: 'phrase', position: match.index, value: clause, answerNoun: /\b(?:answer|option|choice)\b/iu.test(match[0]) });
  }
  return found;
}

/** True when `line` is itself an answer label ("Answer: …"), so it is never read as a bare answer. */
export function isLabelLine(line: string): boolean {
  return new RegExp(`${LINE_LEAD}${LABEL_WORDS}[ \\t]*[:：=]`, 'iu').test(line);
}

/**
 * Every statement of an answer in `text` (markup already dropped), in no particular order. Free text has no shape
 * to check a value against ("so let me think about it" reads as text), so for it only outright answer statements
 * count: labels, "the answer is …", "… is the correct answer".
 */
export function findStatements(text: string, answerType?: AnswerType): Statement[] {
  const all = [...labelled(text), ...phrases(text)];
  return answerType === 'text' ? all.filter((s) => s.rank === 'labelled' || s.committed === true || s.answerNoun === true) : all;
}
