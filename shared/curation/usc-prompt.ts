import type { SampleChain } from '../strategies/strategy.js';

/**
 * Universal Self-Consistency (Chen et al. 2023), the pure part: which responses are shown, the prompt, and reading
 * the selection back. No I/O: the one LLM call is made by curate-with-usc.ts.
 */

/** One response shown to the USC call under a 1-based number. */
export interface UscCandidate {
  number: number;
  sampleIndex: number;
  text: string;
}

/** Longest response text shown, characters; a runaway sample must not blow up the selection prompt. */
export const USC_MAX_RESPONSE_CHARS = 2_000;

/** The non-empty final texts in sample order, numbered from 1. */
export function uscCandidates(chains: readonly SampleChain[]): UscCandidate[] {
  return [...chains]
    .sort((a, b) => a.sampleIndex - b.sampleIndex)
    .filter((chain) => chain.finalText.trim() !== '')
    .map((chain, i) => ({ number: i + 1, sampleIndex: chain.sampleIndex, text: chain.finalText.trim() }));
}

function clip(text: string): string {
  return text.length > USC_MAX_RESPONSE_CHARS ? `${text.slice(0, USC_MAX_RESPONSE_CHARS)} …` : text;
}

/** Fills {{responses}} ("Response 1:\n…" blocks), {{count}} and {{question}} (the original input) in the template. */
export function buildUscPrompt(template: string, candidates: readonly UscCandidate[], question: string): string {
  const responses = candidates.map((c) => `Response ${c.number}:\n${clip(c.text)}`).join('\n\n');
  return template.replace(/\{\{(responses|count|question)\}\}/g, (_match, name: string) => {
    if (name === 'responses') return responses;
    if (name === 'count') return String(candidates.length);
    return question;
  });
}

export type UscSelection = { ok: true; number: number } | { ok: false; reason: string };

// "Most consistent: Response 3", "The most consistent response is Response 3", "most consistent one is #3".
const LABELLED = /most\s+consistent(?:\s+(?:response|answer|one|candidate))?(?:\s+(?:is|was|would\s+be))?\s*[:=\-–]?\s*(?:\*\*)?\s*(?:response|answer|candidate|number|no\.?)?\s*#?\s*(\d+)\b/giu;
const MENTION = /\b(?:response|answer|candidate)\s*#?\s*(\d+)\b|#(\d+)\b/giu;
const BARE = /^\s*(?:\*\*)?\s*(?:response\s*)?#?(\d+)\s*(?:\*\*)?\s*[.!]?\s*$/iu;

function clipReply(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
}

/**
 * Reads the selected number from a USC reply: the last "most consistent … N" statement; else a reply that is just
 * a number ("3", "Response 3."); else the only response number the reply mentions. Two different numbers with no
 * statement, no number at all, or a number outside 1..count is not a selection: the item is rejected with the reason
 * rather than guessed at, since a wrong guess would become a training target.
 */
export function parseUscSelection(reply: string, count: number): UscSelection {
  const text = reply.replace(/<think>[\s\S]*?<\/think>/giu, '');
  let number: number | undefined;
  const labelled = [...text.matchAll(LABELLED)].at(-1)?.[1];
  if (labelled !== undefined) number = Number(labelled);
  const bare = number === undefined ? BARE.exec(text)?.[1] : undefined;
  if (bare !== undefined) number = Number(bare);
  if (number === undefined) {
    const mentioned = new Set([...text.matchAll(MENTION)].map((m) => Number(m[1] ?? m[2])));
    if (mentioned.size === 1) number = [...mentioned][0];
    else if (mentioned.size > 1) {
      return { ok: false, reason: `USC reply names several responses (${[...mentioned].join(', ')}) and no single selection: '${clipReply(text)}'` };
    }
  }
  if (number === undefined) return { ok: false, reason: `USC reply names no response: '${clipReply(text)}'` };
  if (!Number.isInteger(number) || number < 1 || number > count) {
    return { ok: false, reason: `USC selected response ${number}, outside 1-${count}` };
  }
  return { ok: true, number };
}
