import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { TASK_FAMILIES } from '../../shared/tasks/task-registry.js';

export interface DemoFiles {
  inputs: string;
  labels: string;
}

export interface DemoInputs {
  /** Unlabeled inputs to distil, with their gold labels apart (read only by evaluation). */
  train: DemoFiles;
  /** A held-out labelled split for the System 1 / System 2 comparison. */
  heldOut: DemoFiles;
}

/** Writes every built-in task family's items (seeded) and joins them into one mixed train and one held-out set. */
export async function prepareDemoInputs(options: { dir: string; itemsPerTask: number; evalItemsPerTask: number }): Promise<DemoInputs> {
  await mkdir(options.dir, { recursive: true });
  const parts = { train: [] as DemoFiles[], heldOut: [] as DemoFiles[] };
  // The demo distils with RaR, the paper's method for these two tasks; other families have their own methods.
  const families = TASK_FAMILIES.filter((family) => family.name === 'last-letter' || family.name === 'coin-flip');
  for (const [position, family] of families.entries()) {
    const train = await writeTaskFiles({ family, count: options.itemsPerTask, seed: 1_000 + position, dir: options.dir, name: `${family.name}-train` });
    const heldOut = await writeTaskFiles({ family, count: options.evalItemsPerTask, seed: 2_000 + position, dir: options.dir, name: `${family.name}-heldout` });
    parts.train.push({ inputs: train.inputsPath, labels: train.labelsPath });
    parts.heldOut.push({ inputs: heldOut.inputsPath, labels: heldOut.labelsPath });
  }
  return {
    train: await concatenate(parts.train, join(options.dir, 'train')),
    heldOut: await concatenate(parts.heldOut, join(options.dir, 'heldout')),
  };
}

async function concatenate(parts: readonly DemoFiles[], stem: string): Promise<DemoFiles> {
  const out = { inputs: `${stem}.inputs.jsonl`, labels: `${stem}.labels.jsonl` };
  for (const kind of ['inputs', 'labels'] as const) {
    const stream = createWriteStream(out[kind]);
    for (const part of parts) stream.write(await readFile(part[kind]));
    stream.end();
    await finished(stream);
  }
  return out;
}
