import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeTaskFiles } from '../../../producers/write-task-files.js';
import { TASK_FAMILIES, recogniseTask, solveTask } from '../../../shared/tasks/task-registry.js';

const readJsonl = async (path: string): Promise<Record<string, unknown>[]> =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('writeTaskFiles', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 's2d-tasks-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes unlabeled inputs and separate gold labels that match a recomputation', async () => {
    const written = await writeTaskFiles({ family: 'coin-flip', count: 120, seed: 4, dir, name: 'cf', k: 3 });
    expect(written).toEqual({ inputsPath: join(dir, 'cf.inputs.jsonl'), labelsPath: join(dir, 'cf.labels.jsonl'), count: 120 });
    const inputs = await readJsonl(written.inputsPath);
    const labels = await readJsonl(written.labelsPath);
    expect(inputs).toHaveLength(120);
    expect(labels).toHaveLength(120);
    expect(inputs[42]?.id).toBe('coin-flip-000042');
    for (const [i, line] of inputs.entries()) {
      expect(Object.keys(line).sort()).toEqual(['answerType', 'id', 'prompt']);
      expect(line.answerType).toBe('yes-no');
      const label = labels[i];
      expect(label).toEqual({ id: line.id, answer: expect.stringMatching(/^(yes|no)$/) as unknown, task: 'coin-flip' });
      const task = recogniseTask(String(line.prompt));
      expect(task?.family === 'coin-flip' ? task.instance.turns.length : 0).toBe(3);
      if (task) expect(solveTask(task)).toBe(label?.answer);
    }
  });

  it('accepts a family object, is deterministic, and a longer run extends a shorter one', async () => {
    const family = TASK_FAMILIES[0];
    if (!family) throw new Error('no family');
    const short = await writeTaskFiles({ family, count: 10, seed: 1, dir, name: 'short' });
    const long = await writeTaskFiles({ family: 'last-letter', count: 30, seed: 1, dir, name: 'long' });
    const again = await writeTaskFiles({ family: 'last-letter', count: 30, seed: 1, dir, name: 'again' });
    const longLines = await readJsonl(long.inputsPath);
    expect((await readJsonl(short.inputsPath))).toEqual(longLines.slice(0, 10));
    expect(await readJsonl(again.inputsPath)).toEqual(longLines);
    expect(longLines[0]?.id).toBe('last-letter-000000');
    expect(new Set(longLines.map((l) => l.prompt)).size).toBe(30);
  });

  it('rejects an unknown family and a bad count', async () => {
    await expect(writeTaskFiles({ family: 'sudoku' as 'coin-flip', count: 1, seed: 1, dir, name: 'x' })).rejects.toThrow(/unknown task family/);
    await expect(writeTaskFiles({ family: 'coin-flip', count: -1, seed: 1, dir, name: 'x' })).rejects.toThrow(RangeError);
  });
});
