import type { RunRecord } from './run-store.js';

/**
 * One line for stderr when more than half of a run's paid LLM requests were answered by the s2d LLM simulator
 * without recognising the prompt: those answers are guesses, so the run's dataset is noise. Null otherwise.
 */
export function unrecognisedPromptsWarning(run: Pick<RunRecord, 'llmRequests' | 'unrecognisedBySimulator'>): string | null {
  const { llmRequests, unrecognisedBySimulator } = run;
  if (llmRequests === 0 || unrecognisedBySimulator * 2 <= llmRequests) return null;
  const percent = Math.round((100 * unrecognisedBySimulator) / llmRequests);
  return (
    `warning: the LLM simulator did not recognise ${percent}% of this run's prompts; its answers to them are random ` +
    'guesses — point OPENAI_BASE_URL at a real model for real data'
  );
}
