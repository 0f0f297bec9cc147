import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ManifestFile } from '../../../shared/dataset/manifest.js';
import { checkFile, datasetFolderOf, FileDigest } from '../../../shared/dataset/verify-dataset.js';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
const entry = (text: string, records: number): ManifestFile => ({ path: 'train-00000.jsonl', role: 'train', records, bytes: Buffer.byteLength(text), sha256: sha(text) });

function digest(chunks: string[]) {
  const d = new FileDigest();
  for (const chunk of chunks) d.update(Buffer.from(chunk));
  return d.result();
}

describe('FileDigest', () => {
  it('hashes and counts lines across chunk boundaries', () => {
    expect(digest(['{"a":1}\n{"b"', ':2}\n'])).toEqual({ bytes: 16, sha256: sha('{"a":1}\n{"b":2}\n'), records: 2 });
  });
  it('counts a tail without a newline as a line, and an empty file as none', () => {
    expect(digest(['x\ny']).records).toBe(2);
    expect(digest([]).records).toBe(0);
    expect(digest([]).sha256).toBe(sha(''));
  });
});

describe('checkFile', () => {
  const text = 'line one\nline two\n';
  it('accepts exactly what the manifest lists', () => {
    expect(checkFile(entry(text, 2), digest([text]))).toBeNull();
  });
  it('names the file and says what is wrong: missing, size, checksum, lines', () => {
    expect(checkFile(entry(text, 2), null)).toBe('train-00000.jsonl: missing (the manifest lists 18 bytes)');
    expect(checkFile(entry(text, 2), digest(['line one\n']))).toBe('train-00000.jsonl: 9 bytes, the manifest says 18');
    expect(checkFile(entry(text, 2), digest(['line one\nline twO\n']))).toMatch(/^train-00000\.jsonl: sha256 [0-9a-f]{64} does not match the manifest's /);
    expect(checkFile(entry(text, 3), digest([text]))).toBe('train-00000.jsonl: 2 lines, the manifest says 3');
  });
});

describe('datasetFolderOf', () => {
  it('takes the manifest or its folder', () => {
    expect(datasetFolderOf('/data/out/run-1/manifest.json')).toBe('/data/out/run-1');
    expect(datasetFolderOf('s3://bucket/prefix/run-1/manifest.json')).toBe('s3://bucket/prefix/run-1');
    expect(datasetFolderOf('/data/out/run-1/')).toBe('/data/out/run-1');
    expect(datasetFolderOf('manifest.json')).toBe('.');
  });
});
