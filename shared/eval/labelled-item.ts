import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { AnswerType } from '../core-types.js';
import { ANSWER_TYPES } from '../core-types.js';

/** An evaluation item: the unlabeled input joined with its gold label, which only evaluation ever reads. */
export interface LabelledItem {
  id: string;
  prompt: string;
  answerType: AnswerType;
  gold: string;
  /** Task family, for per-task breakdowns. */
  task: string;
}

const inputLine = z.object({ id: z.string(), prompt: z.string(), answerType: z.enum(ANSWER_TYPES).optional() });
const labelLine = z.object({ id: z.string(), answer: z.string(), task: z.string().default('unknown') });

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
export async function readLabels(path: string): Promise<Map<string, { answer: string; task: string }>> {
  const labels = new Map<string, { answer: string; task: string }>();
  for await (const { line, value } of jsonLines(path)) {
    const parsed = labelLine.safeParse(value);
    if (!parsed.success) throw new Error(`${path} line ${line}: ${parsed.error.issues[0]?.message ?? 'invalid label line'}`);
    labels.set(parsed.data.id, { answer: parsed.data.answer, task: parsed.data.task });
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
    items.push({ id: parsed.data.id, prompt: parsed.data.prompt, answerType: parsed.data.answerType ?? defaultAnswerType, gold: label.answer, task: label.task });
  }
  return items;
}
