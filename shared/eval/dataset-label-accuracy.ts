import { normaliseAnswer } from '../extraction/normalise-answer.js';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import type { AnswerType } from '../core-types.js';
import { PROVENANCE_FILE } from '../dataset/publish-dataset.js';
import { storedLines } from '../dataset/stored-lines.js';

export interface LabelAccuracy {
  accepted: number;
  /** Accepted items whose target equals the gold label curation never saw. */
  correct: number;
  accuracy: number;
  byTask: Record<string, { accepted: number; correct: number; accuracy: number }>;
  /** By label variant (biased-qa: none, suggest-wrong, …); empty when the labels carry none. */
  byVariant: Record<string, { accepted: number; correct: number; accuracy: number }>;
}

/**
 * Scores a published dataset's targets against gold labels, reading what was published (provenance.jsonl holds
 * each accepted item's id and target), so it measures the artifact a fine-tuning job would get. Streams the file:
 * memory holds the labels and the tallies, not the provenance of a run of millions of items.
 */
export function datasetLabelAccuracy(
  store: ArtifactStore,
  /** The dataset's folder key, `<name>/<runId>` (see dataset-layout.ts). */
  folder: string,
  labels: ReadonlyMap<string, { answer: string; task: string; variant?: string }>,
): Promise<LabelAccuracy> {
  return labelAccuracyOf(storedLines(store, `${folder}/${PROVENANCE_FILE}`), labels);
}

/** {@link datasetLabelAccuracy} over provenance lines as they arrive (blank lines are skipped). */
export async function labelAccuracyOf(
  provenanceLines: AsyncIterable<string>,
  labels: ReadonlyMap<string, { answer: string; task: string; variant?: string }>,
): Promise<LabelAccuracy> {
  const byTask: LabelAccuracy['byTask'] = {};
  const byVariant: LabelAccuracy['byVariant'] = {};
  let accepted = 0;
  let correct = 0;
  for await (const line of provenanceLines) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as { id: string; target: string; answerType?: AnswerType };
    const label = labels.get(record.id);
    if (label === undefined) throw new Error(`no gold label for accepted item ${record.id}`);
    const answerType = record.answerType ?? 'text';
    const gold = normaliseAnswer(label.answer, answerType);
    // A verdict's (or option's) target is written in the judge's format (`verdictTarget`, e.g. `[[A]]`): read it back.
    const target = answerType === 'verdict' || answerType === 'option' ? normaliseAnswer(record.target, answerType) : record.target;
    const right = gold !== null && gold === target;
    accepted += 1;
    if (right) correct += 1;
    const task = (byTask[label.task] ??= { accepted: 0, correct: 0, accuracy: 0 });
    task.accepted += 1;
    if (right) task.correct += 1;
    if (label.variant !== undefined) {
      const variant = (byVariant[label.variant] ??= { accepted: 0, correct: 0, accuracy: 0 });
      variant.accepted += 1;
      if (right) variant.correct += 1;
    }
  }
  for (const group of [...Object.values(byTask), ...Object.values(byVariant)]) group.accuracy = group.accepted === 0 ? 0 : group.correct / group.accepted;
  return { accepted, correct, accuracy: accepted === 0 ? 0 : correct / accepted, byTask, byVariant };
}
