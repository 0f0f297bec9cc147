import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../../shared/artifacts/artifact-store.js';
import { LocalDirStore } from '../../../shared/artifacts/local-dir-store.js';
import { PROVENANCE_FILE } from '../../../shared/dataset/publish-dataset.js';
import { linesOf } from '../../../shared/dataset/stored-lines.js';
import { datasetLabelAccuracy, labelAccuracyOf } from '../../../shared/eval/dataset-label-accuracy.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) {
    await Promise.resolve(); // chunks arrive one at a time, as from a file or socket
    yield new Uint8Array(bytes.subarray(at, at + size));
  }
}

const record = (i: number): string => JSON.stringify({ id: `item-${i}`, index: i, target: i % 4 === 0 ? 'wrong' : `ok-${i}`, answerType: 'text' });
const labels = new Map(Array.from({ length: 1_000 }, (_, i) => [`item-${i}`, { answer: `ok-${i}`, task: i % 2 === 0 ? 'even' : 'odd' }] as const));

/** A real local store that refuses to hand over provenance.jsonl whole: only its stream may be read. */
function streamOnlyStore(inner: ArtifactStore): ArtifactStore {
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'get') {
        return (key: string) => (key.endsWith(PROVENANCE_FILE) ? Promise.reject(new Error(`${key} was read whole`)) : target.get(key));
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('linesOf', () => {
  it('splits a byte stream into lines whatever the chunk boundaries, decoding characters cut between chunks whole', async () => {
    const text = 'first ✓ line\r\nsecond “quoted”\n\nlast without newline ✓';
    for (const size of [1, 2, 3, 5, 64]) {
      const lines: string[] = [];
      for await (const line of linesOf(chunked(Buffer.from(text), size))) lines.push(line);
      expect(lines, `chunks of ${size} bytes`).toEqual(['first ✓ line', 'second “quoted”', '', 'last without newline ✓']);
    }
  });
});

describe('datasetLabelAccuracy', () => {
  it('streams provenance.jsonl from the store instead of reading it whole, and scores every line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 's2d-label-accuracy-'));
    dirs.push(dir);
    const store = new LocalDirStore(dir);
    await store.put(`ds/run-1/${PROVENANCE_FILE}`, Array.from({ length: 1_000 }, (_, i) => `${record(i)}\n`).join(''));
    const accuracy = await datasetLabelAccuracy(streamOnlyStore(store), 'ds/run-1', labels);
    expect(accuracy.accepted).toBe(1_000);
    expect(accuracy.correct).toBe(750);
    expect(accuracy.byTask.even).toEqual({ accepted: 500, correct: 250, accuracy: 0.5 });
    expect(accuracy.byTask.odd).toEqual({ accepted: 500, correct: 500, accuracy: 1 });
  });

  it('tallies lines as a generator yields them, so the file is never held', async () => {
    let yielded = 0;
    async function* provenance(): AsyncGenerator<string> {
      for (let i = 0; i < 1_000; i++) {
        await Promise.resolve();
        yielded += 1;
        yield record(i);
      }
    }
    const accuracy = await labelAccuracyOf(provenance(), labels);
    expect(yielded).toBe(1_000);
    expect(accuracy.accuracy).toBe(0.75);
  });

  it('names the missing provenance file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 's2d-label-accuracy-'));
    dirs.push(dir);
    await expect(datasetLabelAccuracy(new LocalDirStore(dir), 'ds/none', labels)).rejects.toThrow(/provenance\.jsonl is missing/);
  });
});
