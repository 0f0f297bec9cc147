import { describe, expect, it } from 'vitest';
import { parseSimulatorOptions } from '../../../infra/simulator/simulator-server.js';
import { writeReply } from '../../../infra/simulator/reply-writer.js';
import type { ReasoningMode } from '../../../infra/simulator/reasoning-mode.js';
import { extractAnswer } from '../../../shared/extraction/extract-answer.js';
import { normaliseAnswer } from '../../../shared/extraction/normalise-answer.js';
import { createRng } from '../../../shared/random/seeded-random.js';
import type { TaskName } from '../../../shared/tasks/task-family.js';
import { generateTask, recogniseTask } from '../../../shared/tasks/task-registry.js';

/**
 * The simulator's free-prose replies are written without the extractor's patterns (infra/ never imports
 * shared/extraction/); here the extractor meets them. Every reply carries a planned outcome, so a miss and a wrong
 * vote are both visible: a planned answer must be read as planned, a planned non-answer (a hedge, a reply cut off
 * mid-reasoning) must cast no vote.
 */

const OPTIONS = parseSimulatorOptions({});
const FAMILIES: readonly TaskName[] = ['last-letter', 'coin-flip', 'arithmetic', 'biased-qa'];
const MODES: readonly ReasoningMode[] = ['direct', 'cot', 'rar1', 'rar2-answer', 's2a-answer'];
const PER_CELL = 120;

describe('extraction on the simulator’s free-prose replies', () => {
  it.each(FAMILIES)('%s: planned answers are read, planned non-answers cast no vote', (family) => {
    let answered = 0;
    let read = 0;
    const wrong: string[] = [];
    for (const mode of MODES) {
      for (let i = 0; i < PER_CELL; i++) {
        const generated = generateTask(family, createRng(11, family, i));
        const reply = writeReply(
          { mode, task: recogniseTask(generated.prompt), prompt: generated.prompt, sampleRng: createRng(13, family, mode, i), style: 'free' },
          OPTIONS,
        );
        if (reply.outcome === null) continue;
        const result = extractAnswer(reply.text, generated.answerType);
        if (reply.outcome.kind === 'unextractable') {
          if (result.ok) wrong.push(`${mode}#${i} planned no answer, read ${result.answer}`);
          continue;
        }
        answered += 1;
        const planned = normaliseAnswer(reply.outcome.answer, generated.answerType);
        if (!result.ok) continue;
        if (result.answer === planned) read += 1;
        else wrong.push(`${mode}#${i} planned ${String(planned)}, read ${result.answer}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(read / answered).toBeGreaterThanOrEqual(0.99);
  });
});
