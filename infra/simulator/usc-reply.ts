import type { Rng } from '../../shared/random/seeded-random.js';
import type { Reply } from './reply-writer.js';
import type { ReplyStyle } from './reply-style.js';
import { readUscAnswers } from './usc-answer-reader.js';

/**
 * Universal Self-Consistency selection: reads the numbered responses out of the prompt, finds the most common final
 * answer among them (usc-answer-reader.ts), and names one response carrying it (with probability `uscPicksMajority`;
 * otherwise any response).
 */
const RESPONSE_HEAD = /^[ \t]*response[ \t]+(\d+)[ \t]*:[ \t]*/gim;

export function numberedResponses(prompt: string): { number: number; text: string }[] {
  const heads = [...prompt.matchAll(RESPONSE_HEAD)];
  return heads.map((head, i) => {
    const end = heads[i + 1]?.index ?? prompt.length;
    return { number: Number(head[1]), text: prompt.slice(head.index + head[0].length, end).trim() };
  });
}

function terseSelection(n: number, rng: Rng): string {
  return rng.pick([
    `Most consistent: Response ${n}`,
    `The most consistent response is Response ${n}.`,
    `Most of the responses agree with each other, and Response ${n} states that shared answer.\nMost consistent: Response ${n}`,
  ]);
}

function freeSelection(n: number, answer: string | null, rng: Rng): string {
  const shared = answer === null ? 'the answer most of them give' : `the answer most of them give (${answer})`;
  return rng.pick([
    `Looking at the final answers, most responses converge on ${shared}. Response ${n} reaches that answer.\n\nMost consistent: Response ${n}`,
    `**Response ${n}** is the most consistent with the majority.`,
    `After comparing all of them, the most consistent response is **Response ${n}**, since it agrees with ${shared}.`,
    `Most consistent: Response ${n}`,
  ]);
}

export function writeUscReply(prompt: string, picksMajority: number, rng: Rng, style: ReplyStyle = 'terse'): Reply {
  const responses = numberedResponses(prompt);
  if (responses.length === 0) return { text: 'I cannot find any numbered responses to compare.', outcome: null };
  const answers = readUscAnswers(
    responses.map((r) => {
      // The prompt's closing instructions follow the last response: drop trailing paragraphs that are instructions.
      const paragraphs = r.text.split(/\n\s*\n/);
      while (paragraphs.length > 1 && /\bmost\s+consistent\b/i.test(paragraphs.at(-1) ?? '')) paragraphs.pop();
      return paragraphs.join('\n\n');
    }),
  );
  const counts = new Map<string, number>();
  for (const answer of answers) if (answer !== null) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  const top = Math.max(0, ...counts.values());
  const majority = [...counts].filter(([, count]) => count === top).map(([answer]) => answer);
  const carriers = responses.filter((_r, i) => answers[i] !== null && majority.includes(answers[i] ?? ''));
  const chosen = carriers.length > 0 && rng.chance(picksMajority) ? rng.pick(carriers) : rng.pick(responses);
  const n = chosen.number;
  const text = style === 'free' ? freeSelection(n, answers[responses.indexOf(chosen)] ?? null, rng) : terseSelection(n, rng);
  return { text, outcome: null };
}
