import { addUsage } from '../core-types.js';
import { renderS2aAnswer } from './s2a-templates.js';
import { expectCompletions, contextIndices, prefetchOf, userMessage } from './single-call.js';
import type { SampleChain, Strategy, StrategyContext } from './strategy.js';
import { renderTemplate } from './templates.js';

/** The two labelled parts of an S2A rewrite. */
export interface S2aRewrite {
  context: string;
  question: string;
}

const LABEL = /^[ \t]*(?:[-*#>]+[ \t]*)?(?:\*\*)?(context|question)(?:\*\*)?[ \t]*[:：](?:\*\*)?[ \t]*/gimu;

/**
 * Reads the `Context:` and `Question:` parts of a rewrite (labels at line starts, markdown emphasis tolerated; a part
 * runs until the next label). Null when there is no `Question:` part: the rewrite is then used as written.
 */
export function parseS2aRewrite(text: string): S2aRewrite | null {
  const labels = [...text.matchAll(LABEL)];
  const parts: Partial<Record<'context' | 'question', string>> = {};
  labels.forEach((label, i) => {
    const name = (label[1] ?? '').toLowerCase() as 'context' | 'question';
    const end = labels[i + 1]?.index ?? text.length;
    parts[name] ??= text.slice(label.index + label[0].length, end).trim();
  });
  if (parts.question === undefined || parts.question === '') return null;
  return { context: parts.context ?? '', question: parts.question };
}

/**
 * The text call 2 sees: the two parts as two paragraphs (so a context line is never read as part of the question's
 * statement, e.g. "Context: none" as a word list), or the rewrite as written when it has no labelled question.
 */
export function rewrittenInput(rewrite: string): string {
  const parsed = parseS2aRewrite(rewrite);
  if (parsed === null) return rewrite.trim();
  const context = parsed.context === '' ? 'none' : parsed.context;
  return `Context: ${context}\n\nQuestion: ${parsed.question}`;
}

/**
 * System 2 Attention (Weston & Sukhbaatar 2023). Call 1 rewrites the input into its unbiased, relevant context and
 * its question (all N chains in one sampler call); call 2 of chain i answers from chain i's rewrite ALONE — the
 * original input never reaches it, which is the point of the method. A chain whose rewrite came back empty makes no
 * answer call (it would have nothing to answer) and casts no vote.
 */
async function run(ctx: StrategyContext): Promise<SampleChain[]> {
  const { templates, sampler, params } = ctx;
  const indices = contextIndices(ctx);
  const rewriteMessages = userMessage(renderTemplate(templates.s2aRewrite, templates, { question: ctx.prompt, answerType: ctx.answerType }));
  const rewrites = expectCompletions(await sampler.sample(rewriteMessages, indices, params, prefetchOf(ctx)), indices.length, 's2a rewrite');

  return Promise.all(
    rewrites.map(async (rewrite, i): Promise<SampleChain> => {
      const sampleIndex = indices[i] ?? i;
      const rewritten = rewrittenInput(rewrite.text);
      if (rewritten === '') return { sampleIndex, finalText: '', calls: 1, usage: rewrite.usage };
      const answerMessages = userMessage(renderS2aAnswer(templates.s2aAnswer, rewritten, templates.answerFormat, ctx.answerType));
      const [answer] = expectCompletions(await sampler.sample(answerMessages, [sampleIndex], params), 1, 's2a answer');
      if (answer === undefined) throw new Error('unreachable: expectCompletions checked the length');
      return { sampleIndex, finalText: answer.text, calls: 2, usage: addUsage(rewrite.usage, answer.usage) };
    }),
  );
}

export const s2aStrategy: Strategy = { name: 's2a', system: 2, run };
