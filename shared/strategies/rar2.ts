import { addUsage } from '../core-types.js';
import type { SampleChain, Strategy, StrategyContext } from './strategy.js';
import { expectCompletions, contextIndices, prefetchOf, userMessage } from './single-call.js';
import { renderTemplate } from './templates.js';

/**
 * 2-step Rephrase and Respond. Call 1 asks only for a restated question (all N chains in one sampler call, so an
 * `n`-capable endpoint serves them in one request); call 2 of chain i shows the original question together with
 * chain i's restatement and asks for the answer. Chains are independent, so their call 2s run concurrently.
 */
async function run(ctx: StrategyContext): Promise<SampleChain[]> {
  const { templates, sampler, params } = ctx;
  const question = ctx.prompt;
  const indices = contextIndices(ctx);
  const rephraseMessages = userMessage(
    renderTemplate(templates.rar2Rephrase, templates, { question, answerType: ctx.answerType }),
  );
  const rephrasings = expectCompletions(await sampler.sample(rephraseMessages, indices, params, prefetchOf(ctx)), indices.length, 'rar2 rephrase');

  // allSettled, not all: when one answer call fails (e.g. a 429 that re-queues the item at once), the others still
  // finish and land in the call cache before the error surfaces, so the item's next execution does not pay for
  // them again while they are still in flight.
  const settled = await Promise.allSettled(
    rephrasings.map(async (rephrasing, i): Promise<SampleChain> => {
      const sampleIndex = indices[i] ?? i;
      // An empty restatement still gets its answer call: the original question is in that prompt too, and a
      // chain that answers badly is the vote's business, not a reason to fail the item.
      const rephrased = rephrasing.text.trim();
      const answerMessages = userMessage(
        renderTemplate(templates.rar2Answer, templates, { question, answerType: ctx.answerType, rephrased }),
      );
      const [answer] = expectCompletions(await sampler.sample(answerMessages, [sampleIndex], params), 1, 'rar2 answer');
      if (answer === undefined) throw new Error('unreachable: expectCompletions checked the length');
      return {
        sampleIndex,
        finalText: answer.text,
        calls: 2,
        usage: addUsage(rephrasing.usage, answer.usage),
      };
    }),
  );
  const failure = settled.find((outcome) => outcome.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<SampleChain>).value);
}

export const rar2Strategy: Strategy = { name: 'rar2', system: 2, run };
