// Plan-then-Solve: a user-defined s2d System 2 program, in plain JavaScript.
//
// Use it from a run spec (the path is relative to the spec file; workers load it only from a directory or file in
// their S2D_PROGRAM_PATHS, and only while its bytes hash to what `s2d submit` recorded):
//
//   strategy: { module: ./plan-then-solve.mjs, export: planThenSolve }
//
// A program is one self-contained ES module. It gets everything through `ctx` (the prompt, the answer type, the run's
// templates, N samples, sampling params and the sampler, which caches, rate-limits and counts every call) and returns
// one chain per sample: { sampleIndex, finalText, calls, usage }. s2d then extracts each chain's answer from
// finalText and curates the samples by vote, as for the built-in programs.
//
// The chains to produce are sample indices ctx.firstSample (default 0) up to ctx.samples - 1. With adaptive
// sampling (run spec sampling.adaptive) s2d calls run once per round, asking for the next range only; a program
// that ignores firstSample and produces 0..samples-1 still works (the earlier chains come from the item's call cache
// at no cost and are dropped), but asking for the round's indices alone keeps its cache reads small.

const PLAN =
  'Read the question below and write a short numbered plan of the steps that would solve it. ' +
  'Do not solve it and do not give the answer; reply with the plan only.\n\nQuestion: {{question}}';

const SOLVE =
  '{{question}}\n\nHere is a plan for solving it:\n{{plan}}\n\n' +
  'Work through the plan step by step. After your reasoning, end with exactly one last line of the form ' +
  '"Final answer: <your answer>" and write nothing after it. {{answer_format}}';

/** Fills this program's own placeholders; the answer-format line comes from the run's templates. */
function render(template, ctx, plan = '') {
  return template.replace(/\{\{(question|plan|answer_format)\}\}/g, (_match, name) => {
    if (name === 'question') return ctx.prompt;
    if (name === 'plan') return plan;
    return ctx.templates.answerFormat[ctx.answerType];
  });
}

const asUser = (content) => [{ role: 'user', content }];

export const planThenSolve = {
  name: 'plan-then-solve',
  system: 2,
  async run(ctx) {
    const first = ctx.firstSample ?? 0;
    const indices = Array.from({ length: ctx.samples - first }, (_unused, i) => first + i);
    // All the round's plans in one sampler call, so an endpoint that supports `n` serves them in one request.
    const plans = await ctx.sampler.sample(asUser(render(PLAN, ctx)), indices, ctx.params);
    // allSettled: when one solve call fails, the others still land in the item's call cache before the error
    // surfaces, so a retry of the item does not pay for them again.
    const settled = await Promise.allSettled(
      plans.map(async (plan, i) => {
        const [answer] = await ctx.sampler.sample(asUser(render(SOLVE, ctx, plan.text.trim())), [indices[i]], ctx.params);
        return {
          sampleIndex: indices[i],
          finalText: answer.text,
          calls: 2,
          usage: {
            promptTokens: plan.usage.promptTokens + answer.usage.promptTokens,
            completionTokens: plan.usage.completionTokens + answer.usage.completionTokens,
          },
        };
      }),
    );
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return settled.map((outcome) => outcome.value);
  },
};

export default planThenSolve;
