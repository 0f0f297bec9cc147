import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { PAIRWISE_JUDGE } from '../../shared/tasks/pairwise-judge.js';
import { TASK_FAMILIES } from '../../shared/tasks/task-registry.js';
import { CliError } from '../cli-error.js';

export const generateUsage = `s2d generate <task> [--count N] [--seed S] [--k K] [--out DIR] [--name NAME]
  Writes a built-in task's unlabeled inputs (<name>.inputs.jsonl) and, apart, its gold labels
  (<name>.labels.jsonl). Tasks: ${[...TASK_FAMILIES.map((family) => family.name), PAIRWISE_JUDGE].join(', ')}. Defaults: 100 items, seed 1, k 2 (arithmetic: 3-5 operations).`;

export async function generateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { count: { type: 'string' }, seed: { type: 'string' }, k: { type: 'string' }, out: { type: 'string' }, name: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const family = positionals[0] === PAIRWISE_JUDGE ? PAIRWISE_JUDGE : TASK_FAMILIES.find((candidate) => candidate.name === positionals[0]);
  if (family === undefined) throw new CliError(`unknown task "${positionals[0] ?? ''}"\n${generateUsage}`);
  const int = (value: string | undefined, fallback: number, flag: string): number => {
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0) throw new CliError(`${flag} must be a non-negative integer, got "${value}"`);
    return parsed;
  };
  const written = await writeTaskFiles({
    family,
    count: int(values.count, 100, '--count'),
    seed: int(values.seed, 1, '--seed'),
    ...(values.k === undefined ? {} : { k: int(values.k, 2, '--k') }),
    dir: resolve(values.out ?? '.'),
    name: values.name ?? (typeof family === 'string' ? family : family.name),
  });
  process.stdout.write(`${JSON.stringify(written)}\n`);
  return 0;
}
