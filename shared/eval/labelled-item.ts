import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { ANSWER_TYPES, type AnswerType } from '../core-types.js';

/** An evaluation item: the unlabeled input joined with its gold label, which only evaluation ever reads. */
export interface LabelledItem {
  id: string;
  prompt: string;
  answerType: AnswerType;
  gold: string;
  /** Task family, for per-task breakdowns. */
  task: string;
  /** The label's variant when it has one (biased-qa: none, suggest-wrong, …), to report accuracy per variant. */
  variant?: string;
}

const inputLine = z.object({ id: z.string(), prompt: z.string(), answerType: z.enum(ANSWER_TYPES).optional() });
/** `variant`: biased-qa's opinion variant (none, suggest-wrong, …), for accuracy per variant. */
const labelLine = z.object({ id: z.string(), answer: z.string(), task: z.string().default('unknown'), variant: z.string().optional() });

/** A gold label as evaluation reads it. */
export interface GoldLabel {
  answer: string;
  task: string;
  variant?: string;
}

async function* jsonLines(path: string): AsyncGenerator<{ line: number; value: unknown }> {
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    try {
      yield { line, value: JSON.parse(text) };
    } catch {
      throw new Error(`${path} line ${line}: not valid JSON`);
    }
  }
}

/** Reads the gold labels of a labels file into a map id -> { answer, task }. */
export async function readLabels(path: string): Promise<Map<string, GoldLabel>> {
  const labels = new Map<string, GoldLabel>();
  for await (const { line, value } of jsonLines(path)) {
    const parsed = labelLine.safeParse(value);
    if (!parsed.success) throw new Error(`${path} line ${line}: ${parsed.error.issues[0]?.message ?? 'invalid label line'}`);
    const { answer, task, variant } = parsed.data;
    labels.set(parsed.data.id, variant === undefined ? { answer, task } : { answer, task, variant });
  }
  return labels;
}

/** Joins an inputs file with its labels file by id; an input without a label is an error naming it. */
export async function readLabelledSet(inputsPath: string, labelsPath: string, defaultAnswerType: AnswerType): Promise<LabelledItem[]> {
  const labels = await readLabels(labelsPath);
  const items: LabelledItem[] = [];
  for await (const { line, value } of jsonLines(inputsPath)) {
    const parsed = inputLine.safeParse(value);
    if (!parsed.success) throw new Error(`${inputsPath} line ${line}: ${parsed.error.issues[0]?.message ?? 'invalid input line'}`);
    const label = labels.get(parsed.data.id);
    if (label === undefined) throw new Error(`${inputsPath} line ${line}: no gold label for id "${parsed.data.id}" in ${labelsPath}`);
    const item: LabelledItem = { id: parsed.data.id, prompt: parsed.data.prompt, answerType: parsed.data.answerType ?? defaultAnswerType, gold: label.answer, task: label.task };
    items.push(label.variant === undefined ? item : { ...item, variant: label.variant });
  }
  return items;
}
