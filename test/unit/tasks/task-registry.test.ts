import { describe, expect, it } from 'vitest';
import { createRng } from '../../../shared/random/seeded-random.js';
import { TASK_FAMILIES, generateTask, getTaskFamily, recogniseTask, solveTask } from '../../../shared/tasks/task-registry.js';

describe('task registry', () => {
  it('lists the families and finds them by name', () => {
    expect(TASK_FAMILIES.map((f) => f.name)).toEqual(['last-letter', 'coin-flip', 'biased-qa', 'arithmetic']);
    expect(getTaskFamily('arithmetic').answerType).toBe('number');
    expect(getTaskFamily('biased-qa').answerType).toBe('text');
    expect(getTaskFamily('coin-flip').answerType).toBe('yes-no');
    expect(() => getTaskFamily('sudoku')).toThrow(/unknown task family/);
  });

  it('recognises either family from any generated prompt and solves it to the generated answer', () => {
    for (const family of ['last-letter', 'coin-flip', 'arithmetic'] as const) {
      for (let i = 0; i < 200; i++) {
        const item = generateTask(family, createRng('reg', family, i), { k: 1 + (i % 5) });
        const task = recogniseTask(item.prompt);
        expect(task).toEqual(item.task);
        if (task) expect(solveTask(task)).toBe(item.answer);
      }
    }
  });

  it('returns null for text that states no known task', () => {
    expect(recogniseTask('Who wrote the Voynich manuscript?')).toBeNull();
    expect(recogniseTask('Hamlet is a long play.')).toBeNull();
    expect(recogniseTask('')).toBeNull();
  });
});
