import type OpenAI from 'openai';
import type { ArtifactStore } from '../../shared/artifacts/artifact-store.js';
import { evalItemRecordSchema, type EvalItemRecord } from '../../shared/eval/eval-item-record.js';
import { evalItemKey, evalLabelsKey, evalResultKey } from '../../shared/eval/eval-keys.js';
import type { EvalLabel } from '../../shared/eval/eval-metrics.js';
import { buildEvalResult, parseEvalResult, type EvalResult } from '../../shared/eval/eval-result.js';
import type { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import type { ResolvedEvalSpec } from '../../shared/eval/eval-spec.js';

async function readJson(store: ArtifactStore, key: string): Promise<unknown> {
  const bytes = await store.get(key);
  if (bytes === null) throw new Error(`${store.locate(key)} is missing`);
  return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
}

async function readLabels(store: ArtifactStore, evalId: string): Promise<Map<number, EvalLabel>> {
  const bytes = await store.get(evalLabelsKey(evalId));
  if (bytes === null) throw new Error(`${store.locate(evalLabelsKey(evalId))} is missing`);
  const labels = new Map<number, EvalLabel>();
  for (const line of new TextDecoder().decode(bytes).split('\n')) {
    if (line.trim() === '') continue;
    const label = JSON.parse(line) as EvalLabel;
    labels.set(label.index, label);
  }
  return labels;
}

/** Whether the endpoint says it is the s2d simulator (its /models entries are owned by it); null if it cannot say. */
/** How the simulator signs its /v1/models entries (infra/simulator's SIMULATOR_FINGERPRINT; workers do not import infra). */
const SIMULATOR_FINGERPRINT = 's2d-simulator';

async function isSimulator(client: OpenAI | null): Promise<boolean | null> {
  if (client === null) return null;
  try {
    const page = await client.models.list();
    return page.data.some((model) => model.owned_by === SIMULATOR_FINGERPRINT);
  } catch {
    return null;
  }
}

/**
 * Scores a complete eval and writes `evals/<evalId>/result.json` once (exclusive create: a second finaliser finds it
 * and returns the stored result). Any caller that sees the eval complete may call it.
 */
export async function finaliseEval(
  spec: ResolvedEvalSpec,
  deps: { store: ArtifactStore; evals: EvalRunStore; client: OpenAI | null; total: number },
): Promise<EvalResult> {
  const key = evalResultKey(spec.evalId);
  if (await deps.store.exists(key)) return parseEvalResult(await readJson(deps.store, key), deps.store.locate(key));
  const labels = await readLabels(deps.store, spec.evalId);
  const records: EvalItemRecord[] = [];
  for (let index = 0; index < deps.total; index++) {
    records.push(evalItemRecordSchema.parse(await readJson(deps.store, evalItemKey(spec.evalId, index))));
  }
  // Every item is done, so every request its workers paid for has been counted.
  const paid = (await deps.evals.get(spec.evalId))?.paid;
  const result = buildEvalResult(spec, records, labels, await isSimulator(deps.client), new Date(), paid);
  const created = await deps.store.putIfAbsent(key, `${JSON.stringify(result, null, 2)}\n`);
  const finalised = await deps.evals.markFinalised(spec.evalId, deps.store.locate(key));
  // Finalising again is 'already'; only an eval missing from Redis refuses (running -> finalised is its one move).
  if (!finalised.ok) throw new Error(`eval ${spec.evalId} cannot be finalised from state ${finalised.state ?? '(not registered)'}`);
  return created ? result : parseEvalResult(await readJson(deps.store, key), deps.store.locate(key));
}
