import { addUsage, ZERO_USAGE, type TokenUsage } from '../core-types.js';
import type { Completion } from '../llm/sampler.js';
import { parseCriteria, parsePairScores, sumMerge, type PairScores } from './bsm-parse.js';
import { renderSlots } from './judge-templates.js';
import { expectCompletions, contextIndices, userMessage } from './single-call.js';
import type { BsmOptions, SampleChain, Strategy, StrategyContext } from './strategy.js';

export const DEFAULT_BSM_OPTIONS: Readonly<BsmOptions> = Object.freeze({ maxCriteria: 5, merge: 'sum' });

/** A BSM step could not run on this item's input (no pair): retrying cannot help. */
export class BsmInputError extends Error {
  override readonly name = 'BsmInputError';
}

const verdictLine = (verdict: 'A' | 'B' | 'tie'): string => `Verdict: [[${verdict === 'tie' ? 'C' : verdict}]]`;

/**
 * Branch-Solve-Merge for pairwise judging (Saha et al. 2023). Per sample chain:
 * - branch: ONE call that sees the user question only, never the responses, and lists up to `maxCriteria` criteria
 *   (all N chains' branch calls are one sampler call, so an `n`-capable endpoint serves them at once);
 * - solve: one call per criterion, concurrently, each shown that criterion alone and both responses, scoring A and B
 *   from 1 to 5;
 * - merge: the scores summed (higher total wins, equal is a tie), or with `merge: llm` one more call shown every
 *   evaluation. A solve reply whose scores cannot be read is left out of the sum.
 * The chain's final text ends with a `[[A]]`/`[[B]]`/`[[C]]` verdict line that verdict extraction reads. Every call's
 * tokens count towards the chain's usage.
 */
async function run(ctx: StrategyContext): Promise<SampleChain[]> {
  const pair = ctx.structured;
  if (pair?.kind !== 'pair') throw new BsmInputError('bsm needs an input line with a "pair" (question, responseA, responseB)');
  const options = ctx.bsm ?? DEFAULT_BSM_OPTIONS;
  const { templates, sampler, params } = ctx;
  const slots = { question: pair.question, response_a: pair.responseA, response_b: pair.responseB };
  const indices = contextIndices(ctx);
  const branchMessages = userMessage(renderSlots(templates.bsmBranch, { question: pair.question, criteria_count: String(options.maxCriteria) }));
  const branches = expectCompletions(await sampler.sample(branchMessages, indices, params), indices.length, 'bsm branch');

  return Promise.all(
    branches.map(async (branch, i): Promise<SampleChain> => {
      const sampleIndex = indices[i] ?? i;
      const criteria = parseCriteria(branch.text, options.maxCriteria);
      if (criteria.length === 0) {
        return { sampleIndex, finalText: 'The branch step proposed no criteria.', calls: 1, usage: branch.usage };
      }
      const solves = await Promise.all(
        criteria.map(async (criterion) => {
          const messages = userMessage(renderSlots(templates.bsmSolve, { ...slots, criterion }));
          const [solve] = expectCompletions(await sampler.sample(messages, [sampleIndex], params), 1, 'bsm solve');
          if (solve === undefined) throw new Error('unreachable: expectCompletions checked the length');
          return { criterion, solve, scores: parsePairScores(solve.text) };
        }),
      );
      let usage = solves.reduce<TokenUsage>((sum, s) => addUsage(sum, s.solve.usage), addUsage(ZERO_USAGE, branch.usage));
      const scored = solves.filter((s): s is typeof s & { scores: PairScores } => s.scores !== null);
      const summary = solves.map((s) => `- ${s.criterion}: ${s.scores === null ? 'no readable scores' : `A ${s.scores.a}, B ${s.scores.b}`}`);
      if (options.merge === 'llm') {
        const evaluations = solves.map((s) => `Criterion: ${s.criterion}\n${s.solve.text.trim()}`).join('\n\n');
        const merged: Completion | undefined = expectCompletions(
          await sampler.sample(userMessage(renderSlots(templates.bsmMerge, { ...slots, evaluations })), [sampleIndex], params),
          1,
          'bsm merge',
        )[0];
        if (merged === undefined) throw new Error('unreachable: expectCompletions checked the length');
        usage = addUsage(usage, merged.usage);
        return { sampleIndex, finalText: merged.text, calls: 2 + solves.length, usage };
      }
      if (scored.length === 0) {
        return { sampleIndex, finalText: `No solve step gave readable scores.\n${summary.join('\n')}`, calls: 1 + solves.length, usage };
      }
      const { verdict, totalA, totalB } = sumMerge(scored.map((s) => s.scores));
      const finalText = [...summary, `Total: A ${totalA}, B ${totalB}`, verdictLine(verdict)].join('\n');
      return { sampleIndex, finalText, calls: 1 + solves.length, usage };
    }),
  );
}

export const bsmStrategy: Strategy = { name: 'bsm', system: 2, requires: 'pair', run };
