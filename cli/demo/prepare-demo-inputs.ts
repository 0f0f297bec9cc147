import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { getTaskFamily } from '../../shared/tasks/task-registry.js';

/**
 * The demo distils with 2-step RaR, so it uses the paper's RaR tasks; other families (arithmetic, which does not
 * distil) have their own methods and are evaluated with `s2d eval`.
 */
const DEMO_FAMILIES = ['last-letter', 'coin-flip'] as const;

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

/** Writes the demo task families' items (seeded) and joins them into one mixed train and one held-out set. */
export async function prepareDemoInputs(options: { dir: string; itemsPerTask: number; evalItemsPerTask: number }): Promise<DemoInputs> {
  await mkdir(options.dir, { recursive: true });
  const parts = { train: [] as DemoFiles[], heldOut: [] as DemoFiles[] };
  for (const [position, family] of DEMO_FAMILIES.map((name) => getTaskFamily(name)).entries()) {
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
