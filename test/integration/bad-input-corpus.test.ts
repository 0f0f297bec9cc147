import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openQueueClients, type QueueClients } from '../../cli/queue-clients.js';
import { InputFileError } from '../../producers/jsonl-input.js';
import { submitRun } from '../../producers/submit-run.js';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import { runSpecSchema, type ResolvedRunSpec } from '../../shared/config/run-spec.js';
import type { InputRejectCode } from '../../shared/dataset/item-result.js';
import { ItemResultStore } from '../../shared/dataset/read-item-results.js';
import { distillJobId } from '../../shared/queue/job-payloads.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';
import { singleDistillQueue } from '../helpers/single-distill-queue.js';

const CORPUS = resolve(import.meta.dirname, '../fixtures/bad-input');

interface Expected {
  /** Items that must be enqueued. */
  items: number;
  rejects: { line: number; code: InputRejectCode; field?: string; reason?: RegExp }[];
}

/** One file per kind of breakage: what the real producer must make of it. Limits: 1000 prompt chars, 4096 line bytes. */
const TABLE: Record<string, Expected> = {
  'malformed-json.jsonl': { items: 2, rejects: [{ line: 2, code: 'malformed-json', reason: /line 2: malformed JSON \(/ }] },
  'not-an-object.jsonl': { items: 2, rejects: [{ line: 2, code: 'malformed-json', reason: /expected a JSON object, got an array/ }] },
  'missing-prompt.jsonl': { items: 2, rejects: [{ line: 2, code: 'invalid-input', field: 'prompt', reason: /the field is missing/ }] },
  'wrong-type-prompt.jsonl': { items: 2, rejects: [{ line: 2, code: 'invalid-input', field: 'prompt', reason: /got number/ }] },
  'wrong-type-id.jsonl': { items: 2, rejects: [{ line: 2, code: 'invalid-input', field: 'id' }] },
  'unknown-answer-type.jsonl': { items: 2, rejects: [{ line: 2, code: 'invalid-input', field: 'answerType', reason: /"multiple-choice"/ }] },
  'empty-prompt.jsonl': { items: 2, rejects: [{ line: 2, code: 'empty-prompt', field: 'prompt' }] },
  'whitespace-prompt.jsonl': { items: 2, rejects: [{ line: 2, code: 'empty-prompt', field: 'prompt', reason: /a blank string/ }] },
  'prompt-too-long.jsonl': { items: 2, rejects: [{ line: 2, code: 'prompt-too-long', field: 'prompt', reason: /at most 1000 characters .*got 1001/ }] },
  'invalid-utf8.jsonl': { items: 2, rejects: [{ line: 2, code: 'invalid-utf8', reason: /not valid UTF-8 \(bad byte at offset 23\)/ }] },
  'nul-byte.jsonl': {
    items: 2,
    rejects: [
      { line: 2, code: 'nul-byte', reason: /line 2: the line holds a NUL byte/ },
      { line: 3, code: 'nul-byte', field: 'prompt' },
    ],
  },
  'overlong-line.jsonl': { items: 2, rejects: [{ line: 2, code: 'line-too-long', reason: /longer than 4096 bytes/ }] },
  'duplicate-ids.jsonl': {
    items: 3,
    rejects: [
      { line: 3, code: 'duplicate-id', field: 'id', reason: /id "a" was already used by line 1$/ },
      { line: 5, code: 'duplicate-id', field: 'id', reason: /id "line-4" was already used by line 4$/ },
      { line: 6, code: 'duplicate-id', field: 'id', reason: /id "a" was already used by line 1$/ },
    ],
  },
  'bom.jsonl': { items: 2, rejects: [] },
  'crlf.jsonl': { items: 3, rejects: [] },
  'blank-lines.jsonl': { items: 2, rejects: [] },
  'no-final-newline.jsonl': { items: 2, rejects: [] },
};

/** Files the submission must refuse as a whole, with one clear message, registering no run. */
const FILE_LEVEL: Record<string, RegExp> = {
  'empty.jsonl': /holds no items \(it is empty, or has only blank lines\)/,
  'only-blank-lines.jsonl': /holds no items/,
  'utf16.jsonl': /it is UTF-16 .*s2d reads UTF-8/,
  'does-not-exist.jsonl': /ENOENT/,
  '.': /it is a directory, not a JSONL file/,
  // A file that opens but cannot be read (EIO): the same kind of message a permission or disk error gives.
  '/proc/self/mem': /cannot read input file \/proc\/self\/mem: EIO/,
};

describe('the bad-input corpus through the real producer (real Redis)', () => {
  let clients: QueueClients;
  let outDir: string;
  beforeAll(async () => {
    clients = await openQueueClients(inject('redisUrl'), isolatedPrefix('badinput'));
    outDir = await mkdtemp(join(tmpdir(), 's2d-badinput-'));
  });
  afterAll(async () => {
    await clients.close();
  });

  const specFor = (input: string, runId: string): ResolvedRunSpec => {
    const parsed = runSpecSchema.parse({
      runId,
      input,
      answerType: 'text',
      model: { name: 'm', baseUrl: 'http://127.0.0.1:9/v1' },
      output: { dir: outDir },
      inputLimits: { maxPromptChars: 1000, maxLineBytes: 4096 },
    });
    return { ...parsed, runId, model: { ...parsed.model, baseUrl: 'http://127.0.0.1:9/v1' } };
  };
  const submit = (spec: ResolvedRunSpec) =>
    submitRun(spec, {
      runs: clients.runs,
      distillQueues: clients.distillQueues,
      publishQueue: clients.publishQueue,
      results: new ItemResultStore(openArtifactStore(outDir)),
      maxBacklog: 1_000,
    });

  it.each(Object.entries(TABLE))('%s: each bad line is a reject naming file, line, field and code; counts reconcile', async (name, expected) => {
    const runId = name.replace(/\.jsonl$/, '');
    const spec = specFor(join(CORPUS, name), runId);
    const outcome = await submit(spec);
    const results = new ItemResultStore(openArtifactStore(outDir));
    const rejects = [];
    let items = 0;
    for (let index = 0; index < outcome.total; index++) {
      const stored = await results.get(runId, index);
      if (stored === null) {
        // No result yet: it must be waiting in the queue as a job.
        expect(await singleDistillQueue(clients.distillQueues).getJob(distillJobId(runId, index))).toBeDefined();
        items++;
      } else {
        rejects.push(stored);
      }
    }
    expect(items).toBe(expected.items);
    expect(rejects.map((r) => (r.status === 'rejected' ? { line: r.line, code: r.code, field: r.field, file: r.file } : r))).toEqual(
      expected.rejects.map((e) => ({ line: e.line, code: e.code, field: e.field, file: spec.input })),
    );
    rejects.forEach((r, i) => {
      const e = expected.rejects[i];
      if (r.status !== 'rejected' || e === undefined) throw new Error('unreachable');
      expect(r.reason).toContain(`${name} line ${e.line}`);
      if (e.field !== undefined) expect(r.reason).toContain(`field "${e.field}"`);
      if (e.reason !== undefined) expect(r.reason).toMatch(e.reason);
    });
    // Every non-blank line accounted for exactly once: enqueued or rejected, and Redis agrees.
    expect(outcome.total).toBe(outcome.enqueued + outcome.rejectedAtInput);
    expect(outcome.rejectedAtInput).toBe(expected.rejects.length);
    const run = await clients.runs.get(runId);
    expect(run).toMatchObject({ total: outcome.total, done: expected.rejects.length, rejected: expected.rejects.length });
  });

  it.each(Object.entries(FILE_LEVEL))('%s: the whole submission fails with one message and no run', async (name, message) => {
    const runId = `file-${name.replace(/[^A-Za-z0-9]/g, '') || 'dir'}`;
    const input = name.startsWith('/') ? name : join(CORPUS, name);
    const error = await submit(specFor(input, runId)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(input);
    expect(await clients.runs.get(runId)).toBeNull();
  });
});
