import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { createRng } from '../shared/random/seeded-random.js';
import { generateTask, getTaskFamily, type AnyTaskFamily } from '../shared/tasks/task-registry.js';
import type { TaskName } from '../shared/tasks/task-family.js';
import { PAIRWISE_JUDGE, pairwiseJudgeFamily } from '../shared/tasks/pairwise-judge.js';

export interface WriteTaskFilesOptions {
  /** The family, by name or as the object from TASK_FAMILIES. */
  family: TaskName | AnyTaskFamily | typeof PAIRWISE_JUDGE;
  /** Number of items. */
  count: number;
  /** Base seed; item i is generated from (seed, family, k, i), so a longer run extends a shorter one. */
  seed: number;
  /** Output directory (created if missing). */
  dir: string;
  /** File stem: `<name>.inputs.jsonl` and `<name>.labels.jsonl`. */
  name: string;
  /** Words / people / operations per item. Default 2 (arithmetic: 3 to 5, drawn per item). */
  k?: number;
}

export interface WrittenTaskFiles {
  inputsPath: string;
  labelsPath: string;
  count: number;
}

/** Ids sort in generation order: `last-letter-000042`. */
export function taskItemId(family: TaskName | typeof PAIRWISE_JUDGE, index: number): string {
  return `${family}-${String(index).padStart(6, '0')}`;
}

async function writeLine(stream: WriteStream, line: string): Promise<void> {
  // Respect backpressure so a million-item file never sits in memory.
  if (!stream.write(`${line}\n`)) await once(stream, 'drain');
}

async function finish(stream: WriteStream): Promise<void> {
  const done = once(stream, 'finish');
  stream.end();
  await done;
}

/** A name the task files may have (`<name>.inputs.jsonl`): no path separators, no leading dot. */
export const TASK_FILE_STEM = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Writes a built-in task set as two files: unlabeled inputs (what a run reads) and gold labels (what only
 * evaluation reads). Keeping them apart is how the gold label stays out of curation.
 */
export async function writeTaskFiles(options: WriteTaskFilesOptions): Promise<WrittenTaskFiles> {
  const { count, seed, dir, name } = options;
  const family = options.family === PAIRWISE_JUDGE ? PAIRWISE_JUDGE : getTaskFamily(typeof options.family === 'string' ? options.family : options.family.name).name;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (!TASK_FILE_STEM.test(name)) throw new RangeError(`invalid file stem "${name}"`);
  // Arithmetic's default draws 3 to 5 operations per problem; the other families default to the paper's 2.
  const k = options.k ?? (family === 'arithmetic' ? undefined : 2);
  await mkdir(dir, { recursive: true });
  const inputsPath = join(dir, `${name}.inputs.jsonl`);
  const labelsPath = join(dir, `${name}.labels.jsonl`);
  const inputs = createWriteStream(inputsPath, { encoding: 'utf8' });
  const labels = createWriteStream(labelsPath, { encoding: 'utf8' });
  const failed = new Promise<never>((_resolve, reject) => {
    inputs.once('error', reject);
    labels.once('error', reject);
  });
  const work = (async () => {
    for (let i = 0; i < count; i++) {
      const rng = createRng('s2d-task', family, seed, k ?? 'mixed', i);
      const id = taskItemId(family, i);
      let answer: string;
      let labelFields: Record<string, string> | undefined;
      if (family === PAIRWISE_JUDGE) {
        // A structured item is written as its parts: the prompt is rendered from the run's judge template.
        const item = pairwiseJudgeFamily.generate(rng);
        answer = item.answer;
        await writeLine(inputs, JSON.stringify({ id, pair: item.instance, answerType: pairwiseJudgeFamily.answerType }));
      } else {
        const item = generateTask(family, rng, k === undefined ? {} : { k });
        answer = item.answer;
        labelFields = item.labelFields;
        await writeLine(inputs, JSON.stringify({ id, prompt: item.prompt, answerType: item.answerType }));
      }
      await writeLine(labels, JSON.stringify({ id, answer, task: family, ...labelFields }));
    }
    await Promise.all([finish(inputs), finish(labels)]);
  })();
  // Whichever loses the race must not surface later as an unhandled rejection.
  failed.catch(() => undefined);
  work.catch(() => undefined);
  try {
    await Promise.race([work, failed]);
  } catch (err) {
    inputs.destroy();
    labels.destroy();
    throw err;
  }
  return { inputsPath, labelsPath, count };
}
