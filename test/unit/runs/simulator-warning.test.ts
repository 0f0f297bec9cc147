import { describe, expect, it } from 'vitest';
import { unrecognisedPromptsWarning } from '../../../shared/runs/simulator-warning.js';

describe('unrecognisedPromptsWarning', () => {
  it('warns, with the share, only when more than half of the paid requests were unrecognised', () => {
    expect(unrecognisedPromptsWarning({ llmRequests: 100, unrecognisedBySimulator: 87 })).toBe(
      "warning: the LLM simulator did not recognise 87% of this run's prompts; its answers to them are random guesses — " +
        'point OPENAI_BASE_URL at a real model for real data',
    );
    expect(unrecognisedPromptsWarning({ llmRequests: 100, unrecognisedBySimulator: 50 })).toBeNull();
    expect(unrecognisedPromptsWarning({ llmRequests: 3, unrecognisedBySimulator: 2 })).toContain('67%');
    expect(unrecognisedPromptsWarning({ llmRequests: 0, unrecognisedBySimulator: 0 })).toBeNull();
  });
});
