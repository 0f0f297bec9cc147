import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localInputSource, readJsonlSources, type InputEvent, type InputSource } from '../../../producers/jsonl-input.js';

async function readAll(sources: InputSource[]): Promise<InputEvent[]> {
  const out: InputEvent[] = [];
  for await (const event of readJsonlSources(sources, { defaultAnswerType: 'text' })) out.push(event);
  return out;
}

describe('ids across the files of one input', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 's2d-multi-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const files = async (contents: Record<string, string>): Promise<string[]> => {
    for (const [name, text] of Object.entries(contents)) await writeFile(path.join(dir, name), text);
    return Object.keys(contents).map((name) => path.join(dir, name));
  };

  it('scopes the generated ids of each file, so lines without ids in several files are all items', async () => {
    const [a, b] = await files({ 'a.jsonl': '{"prompt":"a1"}\n{"prompt":"a2"}\n', 'b.jsonl': '{"prompt":"b1"}\n{"prompt":"b2"}\n' });
    const events = await readAll([localInputSource(a ?? '', 'a.jsonl'), localInputSource(b ?? '', 'b.jsonl')]);
    expect(events.map((e) => (e.kind === 'item' ? `${e.item.index} ${e.item.id}` : `reject ${e.result.status === 'rejected' ? e.result.reason : ''}`))).toEqual([
      '0 a.jsonl:line-1',
      '1 a.jsonl:line-2',
      '2 b.jsonl:line-1',
      '3 b.jsonl:line-2',
    ]);
  });

  it('rejects an explicit id used again in a later file, naming that file and line, and one repeated within a file by its line', async () => {
    const [a, b] = await files({
      'a.jsonl': '\n{"id":"x","prompt":"a2"}\n{"id":"y","prompt":"a3"}\n',
      'b.jsonl': '{"id":"y","prompt":"b1"}\n{"id":"z","prompt":"b2"}\n{"id":"z","prompt":"b3"}\n{"id":"x","prompt":"b4"}\n',
    });
    const events = await readAll([localInputSource(a ?? '', 'a'), localInputSource(b ?? '', 'b')]);
    const rejects = events.flatMap((e) => (e.kind === 'reject' && e.result.status === 'rejected' ? [e.result] : []));
    expect(rejects.map((r) => [r.file, r.line, r.code, r.reason])).toEqual([
      [b, 1, 'duplicate-id', 'b.jsonl line 1, field "id": id "y" was already used by a.jsonl line 3'],
      [b, 3, 'duplicate-id', 'b.jsonl line 3, field "id": id "z" was already used by line 2'],
      [b, 4, 'duplicate-id', 'b.jsonl line 4, field "id": id "x" was already used by a.jsonl line 2'],
    ]);
  });

  it('refuses several sources without distinct id scopes instead of rejecting their lines as duplicates', async () => {
    const [a, b] = await files({ 'a.jsonl': '{"prompt":"a1"}\n', 'b.jsonl': '{"prompt":"b1"}\n' });
    await expect(readAll([localInputSource(a ?? ''), localInputSource(b ?? '')])).rejects.toThrow(/need distinct idScopes/);
    await expect(readAll([localInputSource(a ?? '', 's'), localInputSource(b ?? '', 's')])).rejects.toThrow(/need distinct idScopes/);
  });
});
