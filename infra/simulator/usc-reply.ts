import { extractAnswer } from '../../shared/extraction/extract-answer.js';
import type { Rng } from '../../shared/random/seeded-random.js';
import type { Reply } from './reply-writer.js';

/**
 * Universal Self-Consistency selection: reads the numbered responses out of the prompt, finds the most common final
 * answer among them, and names one response carrying it (with probability `uscPicksMajority`; otherwise any
 * response). Answers are compared as short text, which covers every built-in task's answers.
 */
const RESPONSE_HEAD = /^[ \t]*response[ \t]+(\d+)[ \t]*:[ \t]*/gim;

export function numberedResponses(prompt: string): { number: number; text: string }[] {
  const heads = [...prompt.matchAll(RESPONSE_HEAD)];
  return heads.map((head, i) => {
    const end = heads[i + 1]?.index ?? prompt.length;
    return { number: Number(head[1]), text: prompt.slice(head.index + head[0].length, end).trim() };
  });
}

export function writeUscReply(prompt: string, picksMajority: number, rng: Rng): Reply {
  const responses = numberedResponses(prompt);
  if (responses.length === 0) return { text: 'I cannot find any numbered responses to compare.', outcome: null };
  const answers = responses.map((r) => {
    // The prompt's closing instructions follow the last response: drop trailing paragraphs that are instructions.
    const paragraphs = r.text.split(/\n\s*\n/);
    while (paragraphs.length > 1 && /\bmost\s+consistent\b/i.test(paragraphs.at(-1) ?? '')) paragraphs.pop();
    const extraction = extractAnswer(paragraphs.join('\n\n'), 'text');
    return extraction.ok ? extraction.answer : null;
  });
  const counts = new Map<string, number>();
  for (const answer of answers) if (answer !== null) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  const top = Math.max(0, ...counts.values());
  const majority = [...counts].filter(([, count]) => count === top).map(([answer]) => answer);
  const carriers = responses.filter((_r, i) => answers[i] !== null && majority.includes(answers[i] ?? ''));
  const chosen = carriers.length > 0 && rng.chance(picksMajority) ? rng.pick(carriers) : rng.pick(responses);
  const n = chosen.number;
  const text = rng.pick([
    `Most consistent: Response ${n}`,
    `The most consistent response is Response ${n}.`,
    `Most of the responses agree with each other, and Response ${n} states that shared answer.\nMost consistent: Response ${n}`,
  ]);
  return { text, outcome: null };
}
