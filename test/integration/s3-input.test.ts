import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveRunSpec, RunSpecError } from '../../shared/config/load-run-spec.js';
import { runSpecSchema } from '../../shared/config/run-spec.js';
import type { InputEvent } from '../../producers/jsonl-input.js';
import { readRunInput } from '../../producers/run-input.js';
import { useTestS3 } from '../helpers/test-s3.js';

const s3 = useTestS3();
let bucket = '';

const put = (key: string, body: string | Uint8Array): Promise<unknown> => s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

async function readAll(uri: string): Promise<InputEvent[]> {
  const out: InputEvent[] = [];
  for await (const event of readRunInput(uri, { defaultAnswerType: 'letters' })) out.push(event);
  return out;
}

const resolve = (input: string) =>
  resolveRunSpec(runSpecSchema.parse({ name: 'in', input, answerType: 'letters', model: { name: 'm' }, output: { uri: `s3://${bucket}/out` } }), {
    baseDir: '/nonexistent',
    defaultBaseUrl: 'http://127.0.0.1:1/v1',
  });

beforeAll(async () => {
  bucket = await s3.freshBucket('input');
});

describe('s3:// run inputs (s3rver over HTTP)', () => {
  it('reads one object line by line and rejects bad lines naming the s3 URI, line and field', async () => {
    await put('single/items.jsonl', '{"id":"a","prompt":"first"}\n\n{"id":"b","prompt":""}\nnot json\n{"prompt":"last","answerType":"number"}');
    const events = await readAll(`s3://${bucket}/single/items.jsonl`);
    expect(events.map((e) => e.kind)).toEqual(['item', 'reject', 'reject', 'item']);
    expect(events[0]).toEqual({ kind: 'item', item: { index: 0, line: 1, id: 'a', prompt: 'first', answerType: 'letters' } });
    expect(events[3]).toEqual({ kind: 'item', item: { index: 3, line: 5, id: 'line-5', prompt: 'last', answerType: 'number' } });
    const uri = `s3://${bucket}/single/items.jsonl`;
    expect(events[1]).toMatchObject({ kind: 'reject', result: { index: 1, line: 3, file: uri, field: 'prompt', code: 'empty-prompt' } });
    const reject = events[1]?.kind === 'reject' ? events[1].result : undefined;
    expect(reject !== undefined && 'reason' in reject ? reject.reason : undefined).toBe(`${uri} line 3, field "prompt": expected a non-empty string, got an empty string`);
    expect(events[2]).toMatchObject({ kind: 'reject', result: { index: 2, line: 4, file: uri, code: 'malformed-json' } });
  });

  it('reads every object under a prefix in key order, gunzipping .gz, with indexes continuing across files', async () => {
    await put('many/part-2.jsonl', '{"id":"c","prompt":"third"}\n');
    await put('many/part-1.jsonl.gz', gzipSync('{"id":"a","prompt":"first"}\n{"id":"b","prompt":"sécond"}\n'));
    await put('many/part-3.jsonl', '{"id":"d"}\n');
    await put('many/', new Uint8Array(0)); // a "folder" marker some tools create: not an input file
    const events = await readAll(`s3://${bucket}/many/`);
    const items = events.flatMap((e) => (e.kind === 'item' ? [e.item] : []));
    expect(items.map((i) => [i.index, i.line, i.id, i.prompt])).toEqual([
      [0, 1, 'a', 'first'],
      [1, 2, 'b', 'sécond'],
      [2, 1, 'c', 'third'],
    ]);
    const rejects = events.flatMap((e) => (e.kind === 'reject' ? [e.result] : []));
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ index: 3, line: 1, file: `s3://${bucket}/many/part-3.jsonl`, field: 'prompt' });
  });

  it('gives lines without an id ids unique across the objects of a prefix: <key under the prefix>:line-<n>', async () => {
    await put('noids/a.jsonl', '{"prompt":"a1"}\n{"prompt":"a2"}\n');
    await put('noids/sub/b.jsonl', '{"prompt":"b1"}\n\n{"prompt":"b3"}\nnot json\n');
    const events = await readAll(`s3://${bucket}/noids/`);
    const items = events.flatMap((e) => (e.kind === 'item' ? [e.item] : []));
    expect(items.map((i) => [i.index, i.line, i.id, i.prompt])).toEqual([
      [0, 1, 'a.jsonl:line-1', 'a1'],
      [1, 2, 'a.jsonl:line-2', 'a2'],
      [2, 1, 'sub/b.jsonl:line-1', 'b1'],
      [3, 3, 'sub/b.jsonl:line-3', 'b3'],
    ]);
    const rejects = events.flatMap((e) => (e.kind === 'reject' ? [e.result] : []));
    // Only the malformed line is rejected (no duplicate-id across objects), and its id names its object too.
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ index: 4, line: 4, id: 'sub/b.jsonl:line-4', code: 'malformed-json', file: `s3://${bucket}/noids/sub/b.jsonl` });
    // The id depends on the prefix the input names, not on how many objects it holds.
    const single = await readAll(`s3://${bucket}/noids/sub/`);
    expect(single.flatMap((e) => (e.kind === 'item' ? [e.item.id] : []))).toEqual(['b.jsonl:line-1', 'b.jsonl:line-3']);
  });

  it('still rejects an explicit id repeated in a later object, naming both objects and lines', async () => {
    await put('dupids/a.jsonl', '{"id":"first","prompt":"p"}\n{"id":"x","prompt":"a2"}\n');
    await put('dupids/b.jsonl', '{"id":"x","prompt":"b1"}\n{"id":"a.jsonl:line-9","prompt":"b2"}\n');
    const events = await readAll(`s3://${bucket}/dupids/`);
    expect(events.map((e) => e.kind)).toEqual(['item', 'item', 'reject', 'item']);
    const b = `s3://${bucket}/dupids/b.jsonl`;
    expect(events[2]).toMatchObject({
      kind: 'reject',
      result: {
        index: 2,
        line: 1,
        file: b,
        field: 'id',
        code: 'duplicate-id',
        reason: `${b} line 1, field "id": id "x" was already used by s3://${bucket}/dupids/a.jsonl line 2`,
      },
    });
  });

  it('fails a corrupt .gz as a file error naming the object', async () => {
    await put('corrupt/x.jsonl.gz', 'this is not gzip');
    await expect(readAll(`s3://${bucket}/corrupt/`)).rejects.toThrow(`cannot read input file s3://${bucket}/corrupt/x.jsonl.gz`);
  });

  it('derives the run id from keys, sizes and ETags: same content same id, changed content new id', async () => {
    await put('fp/a.jsonl', '{"prompt":"one"}\n');
    const first = await resolve(`s3://${bucket}/fp/`);
    expect(first.input).toBe(`s3://${bucket}/fp/`);
    expect((await resolve(`s3://${bucket}/fp/`)).runId).toBe(first.runId);
    await put('fp/a.jsonl', '{"prompt":"two"}\n');
    const changed = await resolve(`s3://${bucket}/fp/`);
    expect(changed.runId).not.toBe(first.runId);
    await put('fp/b.jsonl', '{"prompt":"more"}\n');
    expect((await resolve(`s3://${bucket}/fp/`)).runId).not.toBe(changed.runId);
  });

  it('fails submission with one clear message for a missing key or an empty prefix', async () => {
    await expect(resolve(`s3://${bucket}/nope.jsonl`)).rejects.toThrow(RunSpecError);
    await expect(resolve(`s3://${bucket}/nope.jsonl`)).rejects.toThrow(
      `input s3://${bucket}/nope.jsonl: no such object (to read every object under a prefix, end the URI with "/")`,
    );
    await expect(resolve(`s3://${bucket}/empty/`)).rejects.toThrow(`input s3://${bucket}/empty/: no objects under this prefix`);
    await expect(resolve('s3://s2d-no-such-bucket-input/x/')).rejects.toThrow(/^input s3:\/\/s2d-no-such-bucket-input\/x\/: cannot list it on S3 \(NoSuchBucket/);
  });
});
