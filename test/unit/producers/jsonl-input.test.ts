import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ItemResult } from '../../../shared/dataset/item-result.js';
import { InputFileError, readJsonlInput, type InputEvent, type JsonlInputOptions } from '../../../producers/jsonl-input.js';

const defaults: JsonlInputOptions = { defaultAnswerType: 'letters' };

async function readAll(file: string, options = defaults): Promise<InputEvent[]> {
  const out: InputEvent[] = [];
  for await (const event of readJsonlInput(file, options)) out.push(event);
  return out;
}

function rejectOf(event: InputEvent | undefined): Extract<ItemResult, { status: 'rejected' }> {
  if (event?.kind !== 'reject' || event.result.status !== 'rejected') throw new Error(`expected a reject, got ${JSON.stringify(event)}`);
  return event.result;
}

describe('readJsonlInput', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 's2d-input-'));
    file = path.join(dir, 'input.jsonl');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads items, stripping a BOM and CRLF, skipping blank lines, keeping prompts exactly', async () => {
    const lines = [
      '\uFEFF{"id":"a","prompt":"  first?  "}',
      '',
      '   ',
      '{"prompt":"second","answerType":"yes-no","extra":{"ignored":true}}',
      '\t',
      '{"id":"c","prompt":"third\\nline"}',
    ];
    await writeFile(file, lines.join('\r\n')); // no newline after the last line
    expect(await readAll(file)).toEqual([
      { kind: 'item', item: { index: 0, line: 1, id: 'a', prompt: '  first?  ', answerType: 'letters' } },
      { kind: 'item', item: { index: 1, line: 4, id: 'line-4', prompt: 'second', answerType: 'yes-no' } },
      { kind: 'item', item: { index: 2, line: 6, id: 'c', prompt: 'third\nline', answerType: 'letters' } },
    ]);
  });

  it('turns every kind of bad line into a reject naming file, line and field, and goes on', async () => {
    const lines = [
      '{"prompt": "ok"}',
      '{"prompt": "unterminated',
      '[1, 2]',
      '42',
      'null',
      '{"id": "x"}',
      '{"prompt": ""}',
      '{"prompt": 7}',
      '{"prompt": "fine", "id": 12}',
      '{"prompt": "fine", "answerType": "multiple-choice"}',
      '{"prompt": "fine", "answerType": null}',
      '{"prompt": ["a"], "id": false}',
      '{"prompt": "   "}',
      '{"prompt": "last"}',
    ];
    await writeFile(file, `${lines.join('\n')}\n`);
    const events = await readAll(file);
    expect(events.map((e) => e.kind)).toEqual(['item', ...Array<string>(12).fill('reject'), 'item']);
    expect(events.map((e) => (e.kind === 'item' ? e.item.index : e.result.index))).toEqual(lines.map((_, i) => i));
    const rejects = events.slice(1, 13).map(rejectOf);
    expect(rejects.map((r) => [r.reason, r.field])).toEqual([
      [expect.stringMatching(/^input\.jsonl line 2: malformed JSON \(.+\)$/) as unknown, undefined],
      ['input.jsonl line 3: expected a JSON object, got an array', undefined],
      ['input.jsonl line 4: expected a JSON object, got number', undefined],
      ['input.jsonl line 5: expected a JSON object, got null', undefined],
      ['input.jsonl line 6, field "prompt": expected a non-empty string, got nothing (the field is missing)', 'prompt'],
      ['input.jsonl line 7, field "prompt": expected a non-empty string, got an empty string', 'prompt'],
      ['input.jsonl line 8, field "prompt": expected a non-empty string, got number', 'prompt'],
      ['input.jsonl line 9, field "id": expected a non-empty string, got number', 'id'],
      ['input.jsonl line 10, field "answerType": expected one of "letters", "yes-no", "number", "text", "verdict", "option", got "multiple-choice"', 'answerType'],
      ['input.jsonl line 11, field "answerType": expected one of "letters", "yes-no", "number", "text", "verdict", "option", got null', 'answerType'],
      [
        'input.jsonl line 12, field "prompt": expected a non-empty string, got an array; input.jsonl line 12, field "id": expected a non-empty string, got boolean',
        'prompt',
      ],
      ['input.jsonl line 13, field "prompt": expected a non-empty string, got a blank string', 'prompt'],
    ]);
    for (const r of rejects) {
      expect(r).toMatchObject({ status: 'rejected', file, prompt: '', calls: 0, samples: 0 });
    }
    expect(rejects.map((r) => r.code)).toEqual([
      'malformed-json', 'malformed-json', 'malformed-json', 'malformed-json',
      'invalid-input', 'empty-prompt', 'invalid-input', 'invalid-input', 'invalid-input', 'invalid-input', 'invalid-input',
      'empty-prompt',
    ]);
    expect(rejects[4]?.id).toBe('x'); // a usable id is kept even when the line is rejected
    expect(rejects[7]?.id).toBe('line-9');
  });

  it('rejects prompts over maxPromptChars and lines over maxLineBytes without holding them', async () => {
    await writeFile(file, ['{"prompt":"12345"}', '{"prompt":"123456"}', `{"prompt":"${'x'.repeat(500)}"}`, '{"prompt":"ok"}'].join('\n'));
    const events = await readAll(file, { defaultAnswerType: 'text', maxPromptChars: 5, maxLineBytes: 100 });
    expect(events[0]?.kind).toBe('item');
    expect(rejectOf(events[1]).reason).toBe('input.jsonl line 2, field "prompt": expected at most 5 characters (inputLimits.maxPromptChars), got 6');
    expect(rejectOf(events[2]).reason).toBe('input.jsonl line 3: line longer than 100 bytes (inputLimits.maxLineBytes)');
    expect(events[3]).toEqual({ kind: 'item', item: { index: 3, line: 4, id: 'line-4', prompt: 'ok', answerType: 'text' } });
  });

  it('throws one clear error for a missing or unreadable file', async () => {
    const missing = path.join(dir, 'nope.jsonl');
    await expect(readAll(missing)).rejects.toThrow(InputFileError);
    await expect(readAll(missing)).rejects.toThrow(`cannot read input file ${missing}: ENOENT`);
    await expect(readAll(dir)).rejects.toThrow(`cannot read input file ${dir}: it is a directory, not a JSONL file`);
  });

  it('streams a large file with multi-byte text across chunk boundaries', async () => {
    const total = 200_000;
    const handle = await open(file, 'w');
    const batch: string[] = [];
    for (let i = 0; i < total; i++) {
      batch.push(JSON.stringify({ id: `id-${i}`, prompt: `Größe ${i} — 🙂 ${'ü'.repeat(i % 50)}` }));
      if (batch.length === 10_000) {
        await handle.write(`${batch.join('\r\n')}\r\n`);
        batch.length = 0;
      }
    }
    await handle.close();
    let count = 0;
    for await (const event of readJsonlInput(file, defaults)) {
      if (event.kind !== 'item') throw new Error(`unexpected reject: ${event.result.status === 'rejected' ? event.result.reason : ''}`);
      if (event.item.index !== count || event.item.prompt !== `Größe ${count} — 🙂 ${'ü'.repeat(count % 50)}`) {
        throw new Error(`item ${count} mangled: ${JSON.stringify(event.item)}`);
      }
      count++;
    }
    expect(count).toBe(total);
  });

  it('yields the first item before the input has ended (a pipe is read as it is written)', async () => {
    const fifo = path.join(dir, 'pipe.jsonl');
    execFileSync('mkfifo', [fifo]);
    const writer = open(fifo, 'w');
    const events = readJsonlInput(fifo, defaults)[Symbol.asyncIterator]();
    const first = events.next();
    const handle = await writer;
    await handle.write('{"prompt":"one"}\n');
    expect((await first).value).toMatchObject({ kind: 'item', item: { prompt: 'one' } });
    await handle.write('{"prompt":"two"}\n');
    await handle.close();
    expect((await events.next()).value).toMatchObject({ kind: 'item', item: { index: 1, prompt: 'two' } });
    expect((await events.next()).done).toBe(true);
  });
});
