import type { ChatMessage } from '../../../shared/core-types.js';
import { createRng } from '../../../shared/random/seeded-random.js';
import { DEFAULT_TEMPLATES, renderTemplate, type TemplateName } from '../../../shared/strategies/templates.js';
import type { TaskName } from '../../../shared/tasks/task-family.js';
import { generateTask, type GeneratedItem } from '../../../shared/tasks/task-registry.js';
import { planCompletion, type PlanRequest } from '../../../infra/simulator/completion-plan.js';
import { parseSimulatorOptions, type SimulatorOptions, type SimulatorOptionsInput } from '../../../infra/simulator/simulator-options.js';

/** Helpers shared by the simulator unit tests: drive the planner the way the strategies drive the server. */
export type Strategy = 'direct' | 'cot' | 'rar1' | 'rar2';

export function items(family: TaskName, count: number, seed: number, k: number | undefined = family === 'arithmetic' ? undefined : 2): GeneratedItem[] {
  return Array.from({ length: count }, (_, i) => generateTask(family, createRng('harness', family, seed, i), k === undefined ? {} : { k }));
}

export function render(name: TemplateName, item: GeneratedItem, rephrased?: string): string {
  const vars = rephrased === undefined ? { question: item.prompt, answerType: item.answerType } : { question: item.prompt, answerType: item.answerType, rephrased };
  return renderTemplate(DEFAULT_TEMPLATES[name], DEFAULT_TEMPLATES, vars);
}

export function ask(options: SimulatorOptions, content: string, params: { n?: number; temperature?: number; seed?: number; max_tokens?: number } = {}): string[] {
  const messages: ChatMessage[] = [{ role: 'user', content }];
  const request: PlanRequest = { model: 'sim-llama-2-70b-chat', messages, ...params };
  return planCompletion(request, messages, options).choices.map((c) => c.text);
}

/** Final texts of one strategy run for an item: n samples (rar2 = rephrase call, then answer call, per sample). */
export function runStrategy(options: SimulatorOptions, strategy: Strategy, item: GeneratedItem, n: number, seed: number, temperature = 0.8): string[] {
  const template: Record<Exclude<Strategy, 'rar2'>, TemplateName> = { direct: 'system1', cot: 'cot', rar1: 'rar1' };
  if (strategy !== 'rar2') return ask(options, render(template[strategy], item), { n, temperature, seed });
  const rephrased = ask(options, render('rar2Rephrase', item), { n, temperature, seed });
  return rephrased.map((r, i) => ask(options, render('rar2Answer', item, r), { n: 1, temperature, seed: seed * 1000 + i })[0] ?? '');
}

/** A minimal final-answer extractor (the project's own lives elsewhere): the last "answer" statement, or a bare reply. */
export function extract(text: string, answerType: GeneratedItem['answerType']): string | null {
  const word = answerType === 'yes-no' ? '(yes|no)\\b' : '([A-Za-z]+)\\b';
  const stated = [...text.matchAll(new RegExp(`answer(?:\\s+is)?\\s*[:*]*\\s*\\**\\s*"?${word}`, 'gi'))].at(-1)?.[1];
  if (stated !== undefined) return stated.toLowerCase();
  const bare = new RegExp(`^\\W*${word}\\W*$`, 'i').exec(text.trim())?.[1];
  if (bare !== undefined) return bare.toLowerCase();
  if (answerType === 'yes-no') return /^(yes|no)\b/i.exec(text.trim())?.[1]?.toLowerCase() ?? null;
  return null;
}

export function options(input: SimulatorOptionsInput = {}): SimulatorOptions {
  return parseSimulatorOptions(input);
}
