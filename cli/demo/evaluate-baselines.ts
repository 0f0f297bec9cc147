import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { submitEval } from '../../producers/submit-eval.js';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import type { AccuracyTally } from '../../shared/eval/accuracy-tally.js';
import type { EvaluationResult } from '../../shared/eval/evaluate-strategy.js';
import { evalResultKey } from '../../shared/eval/eval-keys.js';
import type { EvalMetrics } from '../../shared/eval/eval-metrics.js';
import { parseEvalResult, type EvalResult } from '../../shared/eval/eval-result.js';
import { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import { evalSpecSchema, resolveEvalSpec } from '../../shared/eval/eval-spec.js';
import { EVAL_QUEUE } from '../../shared/queue/eval-job.js';
import { queueOptions } from '../../shared/queue/queue-options.js';
import type { QueueClients } from '../queue-clients.js';
import { CliError } from '../cli-error.js';
import type { DemoFiles } from './prepare-demo-inputs.js';

export interface BaselineOptions {
  inputs: DemoFiles;
  baseUrl: string;
  model: string;
  clients: QueueClients;
  prefix: string;
  /** Artifact store directory the eval results land in (`<dir>/evals/<evalId>/result.json`). */
  outDir: string;
}

function tally(m: EvalMetrics): AccuracyTally {
  return {
    items: m.items,
    correct: m.correct,
    accuracy: m.accuracy,
    unextractable: m.unextractable,
    tokensPerItem: m.tokensPerItem,
    promptTokensPerItem: m.promptTokensPerItem,
    callsPerItem: m.callsPerItem,
  };
}

function asEvaluation(result: EvalResult): EvaluationResult {
  const byTask = result.breakdowns.task ?? {};
  return { strategy: result.strategy.name, overall: tally(result.metrics), byTask: Object.fromEntries(Object.entries(byTask).map(([task, m]) => [task, tally(m)])) };
}

/**
 * System 1 (the bare question) and System 2 (2-step RaR), one greedy answer per held-out item each, evaluated the
 * way `s2d eval` does it: as jobs on the eval queue, worked by the demo's worker processes.
 */
export async function evaluateBaselines(options: BaselineOptions): Promise<{ system1: EvaluationResult; system2: EvaluationResult }> {
  const evalQueue = new Queue(EVAL_QUEUE, queueOptions(options.clients.redis, options.prefix, EVAL_QUEUE));
  const evals = new EvalRunStore(options.clients.redis, options.prefix);
  const store = openArtifactStore(options.outDir);
  const run = async (strategy: 'system1' | 'rar2'): Promise<EvalResult> => {
    const spec = await resolveEvalSpec(
      evalSpecSchema.parse({
        name: `demo-${strategy}`,
        input: options.inputs.inputs,
        labels: options.inputs.labels,
        answerType: 'text',
        strategy,
        model: { name: options.model, baseUrl: options.baseUrl },
        sampling: { samples: 1, temperature: 0, maxTokens: 512, seed: 7 },
        output: { dir: options.outDir },
      }),
      { baseDir: options.outDir, defaultBaseUrl: options.baseUrl },
    );
    await submitEval(spec, { evals, evalQueue, store });
    for (;;) {
      const bytes = await store.get(evalResultKey(spec.evalId));
      if (bytes !== null) return parseEvalResult(JSON.parse(new TextDecoder().decode(bytes)), store.locate(evalResultKey(spec.evalId)));
      // The workers refused its output location: no result will ever come.
      const record = await evals.get(spec.evalId);
      if (record?.state === 'refused') throw new CliError(`eval ${spec.evalId} ended without a result: ${record.refusedBy ?? 'refused by the workers'}`, 2);
      await sleep(100);
    }
  };
  try {
    const [system1, system2] = await Promise.all([run('system1'), run('rar2')]);
    return { system1: asEvaluation(system1), system2: asEvaluation(system2) };
  } finally {
    await evalQueue.close();
  }
}
