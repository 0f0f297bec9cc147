import { CAPITALS, LIST_CATEGORIES, NUMBER_WORDS } from './pairwise-judge-data.js';

/**
 * Which of two responses answers a pairwise-judge question better, computed from their content: the label of the
 * built-in judge task is this function's result, and the simulator uses the same function to know the truth.
 * Supports the generator's question kinds; null for a question it cannot check, or when neither / both pass.
 */
export type JudgeKind = 'arithmetic' | 'capital' | 'list' | 'explain';

const OPS: Record<string, (a: number, b: number) => number> = {
  plus: (a, b) => a + b,
  '+': (a, b) => a + b,
  minus: (a, b) => a - b,
  '-': (a, b) => a - b,
  '−': (a, b) => a - b,
  times: (a, b) => a * b,
  'multiplied by': (a, b) => a * b,
  '×': (a, b) => a * b,
  '*': (a, b) => a * b,
};
const ARITHMETIC = /(\d+)\s*(plus|minus|times|multiplied by|[+\-−×*])\s*(\d+)/iu;
const CAPITAL = /capital\s+(?:city\s+)?of\s+([A-Z][A-Za-z ]+?)\s*[?.]/u;
const LIST = /\b(?:list|name|give)\s+(?:exactly\s+)?(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(.+?)[.?,]/iu;
const EXPLAIN = /\b(?:explain|describe)\b.*\b(?:in\s+)?two\s+(?:complete\s+)?sentences\b|\bin\s+two\s+(?:complete\s+)?sentences\b.*\b(?:explain|describe)\b/iu;

/** The kind of a question, or null when it is none the checker knows. */
export function judgeKindOf(question: string): JudgeKind | null {
  if (ARITHMETIC.test(question) && /\b(?:what|how much|compute|calculate|work out)\b/iu.test(question)) return 'arithmetic';
  if (CAPITAL.test(question)) return 'capital';
  if (LIST.test(question)) return 'list';
  if (EXPLAIN.test(question)) return 'explain';
  return null;
}

function lastNumber(text: string): number | null {
  const numbers = [...text.replace(/(\d),(\d{3})/g, '$1$2').matchAll(/-?\d+/g)];
  const last = numbers.at(-1);
  return last === undefined ? null : Number(last[0]);
}

function listedItems(text: string): number {
  return text.split('\n').filter((line) => /^\s*(?:\d+[.)]|[-*•])\s+\S/u.test(line)).length;
}

/** Whether one response passes the question's check. */
export function responsePasses(question: string, response: string): boolean | null {
  switch (judgeKindOf(question)) {
    case 'arithmetic': {
      const [, a, op = '', b] = ARITHMETIC.exec(question) ?? [];
      const compute = OPS[op.toLowerCase()];
      if (compute === undefined) return null;
      return lastNumber(response) === compute(Number(a), Number(b));
    }
    case 'capital': {
      const country = CAPITAL.exec(question)?.[1]?.trim().toLowerCase();
      const entry = CAPITALS.find(([name]) => name.toLowerCase() === country);
      if (entry === undefined) return null;
      const mentions = (city: string): boolean => new RegExp(`\\b${city}\\b`, 'iu').test(response);
      return mentions(entry[1]) && !mentions(entry[2]);
    }
    case 'list': {
      const [, count = ''] = LIST.exec(question) ?? [];
      const wanted = /^\d+$/u.test(count) ? Number(count) : NUMBER_WORDS.indexOf(count.toLowerCase());
      return listedItems(response) === wanted;
    }
    case 'explain': {
      const sentences = response.trim().split(/(?<=[.!?])\s+/u).filter((s) => s !== '');
      return /[.!?]["')]?$/u.test(response.trim()) && sentences.length === 2;
    }
    case null:
      return null;
  }
}

/** 'A' or 'B' when exactly one response passes; null otherwise (unknown question, both or neither pass). */
export function betterResponse(question: string, responseA: string, responseB: string): 'A' | 'B' | null {
  const a = responsePasses(question, responseA);
  const b = responsePasses(question, responseB);
  if (a === null || b === null || a === b) return null;
  return a ? 'A' : 'B';
}

/** Category names, exported so tests can check the list bank. */
export const LIST_CATEGORY_NAMES: readonly string[] = LIST_CATEGORIES.map(([name]) => name);
