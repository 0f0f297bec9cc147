/**
 * Reading a judging prompt in any common wording: the user question and the two responses, wherever labels such
 * as "[Question]", "User question:", "[Response A begins]", "Assistant B:", "[The Start of Answer 1]" put them.
 * A part runs from its label to an end line ("[Response A ends]", "[The End of …]"), the next label, or a blank line.
 */
export interface JudgeParts {
  question: string | null;
  responseA: string | null;
  responseB: string | null;
}

type Label = 'question' | 'A' | 'B';

const RESPONSE_LABEL =
  /^\W{0,4}(?:the\s+start\s+of\s+)?(?:response|answer|assistant|candidate|output)\s*(?:#\s*)?([AB12])\b(?:'s\s+(?:answer|response))?(?:\s+(?:begins|starts))?\s*[\]:)]*\s*(.*)$/iu;
const QUESTION_LABEL = /^\W{0,4}(?:the\s+)?(?:user(?:'s)?\s+)?(?:question|instruction|prompt|request|query)\s*[\]:]+\s*(.*)$/iu;
const END_LINE = /^\W{0,4}(?:the\s+end\s+of\b|end\s+of\s+(?:response|answer)|(?:response|answer|assistant|candidate|output)\s*[AB12]\s+(?:ends|finished)\b)/iu;

function labelOf(line: string): { label: Label; rest: string } | null {
  const response = RESPONSE_LABEL.exec(line);
  // A sentence that merely mentions a response ("Response A is better because …") is not a label: labels are
  // short or end in a colon/bracket.
  if (response !== null && (response[2] === '' || /^[^:\]]{0,40}[:\]]/u.test(line))) {
    const which = response[1]?.toUpperCase();
    return { label: which === 'A' || which === '1' ? 'A' : 'B', rest: response[2] ?? '' };
  }
  const question = QUESTION_LABEL.exec(line);
  if (question !== null) return { label: 'question', rest: question[1] ?? '' };
  return null;
}

/** The parts of a judging prompt; a part not found is null. The first occurrence of each label wins. */
export function findJudgeParts(text: string): JudgeParts {
  const parts: Record<Label, string | null> = { question: null, A: null, B: null };
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let current: { label: Label; lines: string[] } | null = null;
  const close = (): void => {
    if (current === null) return;
    const body = current.lines.join('\n').trim();
    if (parts[current.label] === null && body !== '') parts[current.label] = body;
    current = null;
  };
  for (const line of lines) {
    const label = labelOf(line);
    if (label !== null) {
      close();
      current = { label: label.label, lines: label.rest.trim() === '' ? [] : [label.rest] };
      continue;
    }
    if (current === null) continue;
    if (END_LINE.test(line) || (line.trim() === '' && current.lines.length > 0)) {
      close();
      continue;
    }
    if (line.trim() !== '') current.lines.push(line);
  }
  close();
  return { question: parts.question, responseA: parts.A, responseB: parts.B };
}
