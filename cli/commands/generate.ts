import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TASK_FILE_STEM, writeTaskFiles } from '../../producers/write-task-files.js';
import { MAX_ARITHMETIC_K } from '../../shared/tasks/arithmetic.js';
import { PAIRWISE_JUDGE } from '../../shared/tasks/pairwise-judge.js';
import { MAX_K } from '../../shared/tasks/task-family.js';
import { TASK_FAMILIES } from '../../shared/tasks/task-registry.js';
import { CliError } from '../cli-error.js';
import { intFlag, invalidFlag } from '../flag-values.js';

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
  const familyName = typeof family === 'string' ? family : family.name;
  // Checked before any file is written: a generator refusing k would leave half-written files behind.
  const maxK = familyName === 'arithmetic' ? MAX_ARITHMETIC_K : MAX_K;
  const name = values.name ?? familyName;
  if (!TASK_FILE_STEM.test(name)) throw invalidFlag('--name', "letters, digits, '.', '_' and '-' only, starting with a letter or digit", name);
  const written = await writeTaskFiles({
    family,
    count: intFlag(values.count, '--count', 100, 0),
    seed: intFlag(values.seed, '--seed', 1, 0),
    ...(values.k === undefined ? {} : { k: intFlag(values.k, '--k', 2, 1, maxK) }),
    dir: resolve(values.out ?? '.'),
    name,
  });
  process.stdout.write(`${JSON.stringify(written)}\n`);
  return 0;
}
