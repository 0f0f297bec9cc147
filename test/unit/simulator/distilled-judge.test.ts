import { describe, expect, it } from 'vitest';
import { planCompletion } from '../../../infra/simulator/completion-plan.js';
import type { ChatMessage } from '../../../shared/core-types.js';
import { extractAnswer } from '../../../shared/extraction/extract-answer.js';
import { renderStructuredPrompt } from '../../../shared/perturbation/structured-input.js';
import { DEFAULT_TEMPLATES } from '../../../shared/strategies/templates.js';
import { judgeItems } from './judge-harness.js';
import { options } from './sim-harness.js';

const opts = options({ seed: 3 });
const items = judgeItems(400, 21);

function verdict(model: string, item: (typeof items)[number], swapped: boolean): string | null {
  const { question, responseA, responseB } = item.instance;
  const content = renderStructuredPrompt({ kind: 'pair', question, responseA: swapped ? responseB : responseA, responseB: swapped ? responseA : responseB }, DEFAULT_TEMPLATES);
  const messages: ChatMessage[] = [{ role: 'user', content }];
  const text = planCompletion({ model, messages, temperature: 0 }, messages, opts).choices[0]?.text ?? '';
  const read = extractAnswer(text, 'verdict');
  if (!read.ok) return null;
  return swapped ? (read.answer === 'A' ? 'B' : read.answer === 'B' ? 'A' : read.answer) : read.answer;
}

function measure(model: string): { agreement: number; flipped: number } {
  let agree = 0;
  let flipped = 0;
  for (const item of items) {
    const original = verdict(model, item, false);
    if (original === item.gold) agree++;
    if (original === null || original !== verdict(model, item, true)) flipped++;
  }
  return { agreement: agree / items.length, flipped: flipped / items.length };
}

describe('simulator: the distilled judge stand-in (a model named as distilled)', () => {
  it('answers System 1 judge prompts near the paper\'s distilled judge (72.4% agreement, 9.1% flipped), far above plain System 1', () => {
    const distilled = measure('sim-llama-2-70b-chat-distilled');
    const plain = measure('sim-llama-2-70b-chat');
    expect(Math.abs(distilled.agreement - 0.724)).toBeLessThan(0.06);
    expect(distilled.flipped).toBeLessThan(0.15);
    expect(plain.flipped).toBeGreaterThan(0.6);
    expect(distilled.agreement).toBeGreaterThan(plain.agreement + 0.3);
  });
});
