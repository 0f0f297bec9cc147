import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJsonlInput, type InputEvent, type JsonlInputOptions } from '../../../producers/jsonl-input.js';
import { DEFAULT_TEMPLATES } from '../../../shared/strategies/templates.js';

async function readAll(file: string, options: JsonlInputOptions): Promise<InputEvent[]> {
  const out: InputEvent[] = [];
  for await (const event of readJsonlInput(file, options)) out.push(event);
  return out;
}

const describeEvent = (e: InputEvent): unknown =>
  e.kind === 'item' ? { item: e.item.structured?.kind ?? 'plain' } : { reason: e.result.status !== 'accepted' ? e.result.reason : '', field: e.result.status === 'rejected' ? e.result.field : undefined };

describe('structured input lines (pair / options)', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 's2d-structured-'));
    file = path.join(dir, 'judge.jsonl');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders a pair through the judge template and options through the choice template, keeping the parts', async () => {
    const pair = { question: 'What is 2 plus 2?', responseA: 'Four.', responseB: 'Five.' };
    await writeFile(file, [JSON.stringify({ id: 'p', pair, answerType: 'verdict' }), JSON.stringify({ id: 'o', prompt: 'Capital of France?', options: ['Lyon', 'Paris'], answerType: 'option' })].join('\n'));
    const [first, second] = await readAll(file, { defaultAnswerType: 'text' });
    expect(first?.kind === 'item' && first.item.structured).toEqual({ kind: 'pair', ...pair });
    expect(first?.kind === 'item' && first.item.prompt).toContain('[Response A begins]\nFour.\n[Response A ends]');
    expect(first?.kind === 'item' && first.item.prompt.endsWith(DEFAULT_TEMPLATES.judge.slice(-30))).toBe(true);
    expect(second?.kind === 'item' && second.item.prompt).toBe('Capital of France?\n\nA. Lyon\nB. Paris\n\nReply with the letter of the correct option only, in the form [[X]].');
    const custom = await readAll(file, { defaultAnswerType: 'text', renderPrompt: (input) => `custom ${input.kind}` });
    expect(custom.map((e) => e.kind === 'item' && e.item.prompt)).toEqual(['custom pair', 'custom options']);
  });

  it('rejects bad structured lines naming file, line and field, and lines without the structure the run needs', async () => {
    await writeFile(
      file,
      [
        JSON.stringify({ pair: { question: 'q', responseA: 'a' } }),
        JSON.stringify({ pair: 'not an object' }),
        JSON.stringify({ prompt: 'both', pair: { question: 'q', responseA: 'a', responseB: 'b' } }),
        JSON.stringify({ prompt: 'q', options: ['only one'] }),
        JSON.stringify({ prompt: 'q', options: ['a', ''] }),
        JSON.stringify({ prompt: 'plain line' }),
        JSON.stringify({ pair: { question: 'q', responseA: 'a', responseB: 'b' } }),
      ].join('\n'),
    );
    const events = await readAll(file, { defaultAnswerType: 'verdict', requires: 'pair' });
    expect(events.map(describeEvent)).toEqual([
      { reason: 'judge.jsonl line 1, field "pair.responseB": expected a non-empty string, got nothing (the field is missing)', field: 'pair.responseB' },
      { reason: 'judge.jsonl line 2, field "pair": expected an object {question, responseA, responseB}, got a string', field: 'pair' },
      { reason: expect.stringMatching(/^judge\.jsonl line 3, field "prompt": give either "prompt" or "pair"/) as string, field: 'prompt' },
      { reason: 'judge.jsonl line 4, field "options": expected an array of 2 to 26 strings, got 1 entries', field: 'options' },
      { reason: 'judge.jsonl line 5, field "options.1": expected a non-empty string, got an empty string', field: 'options.1' },
      { reason: 'judge.jsonl line 6, field "pair": this run needs "pair": {question, responseA, responseB} on every line', field: 'pair' },
      { item: 'pair' },
    ]);
    // Without a requirement a plain prompt line is fine.
    const plain = await readAll(file, { defaultAnswerType: 'verdict' });
    expect(plain[5]?.kind).toBe('item');
  });
});
