import { Readable } from 'node:stream';
import OpenAI, { toFile, toStreamingFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';

/** The simulator's fine-tuning API driven by the official client over real HTTP, as the openai hand-off drives it. */
const LINE = (q: string, a: string): string => `${JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] })}\n`;
const STEP_MS = 40;

async function until(openai: OpenAI, id: string, done: (status: string) => boolean): Promise<OpenAI.FineTuning.FineTuningJob> {
  for (;;) {
    const job = await openai.fineTuning.jobs.retrieve(id);
    if (done(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, STEP_MS / 2));
  }
}

describe('simulator fine-tuning API', () => {
  let sim: RunningSimulator;
  let openai: OpenAI;

  beforeAll(async () => {
    sim = await startSimulator({ fineTuning: { stepMs: STEP_MS } });
    openai = new OpenAI({ baseURL: sim.baseUrl, apiKey: 'sim-key', maxRetries: 0, timeout: 20_000 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('takes a streamed multipart upload, and a job walks validating_files → queued → running → succeeded', async () => {
    const chunks = Readable.from([Buffer.from(LINE('a b', 'ab')), Buffer.from(LINE('c d', 'cd'))]);
    const file = await openai.files.create({ file: toStreamingFile(chunks, 'train.jsonl'), purpose: 'fine-tune' });
    expect(file).toMatchObject({ object: 'file', purpose: 'fine-tune', filename: 'train.jsonl', bytes: LINE('a b', 'ab').length + LINE('c d', 'cd').length });
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the simulator labels itself in this free-text field
    expect((await openai.files.retrieve(file.id)).status_details).toMatch(/simulated by s2d-simulator: 2 examples/);

    const created = await openai.fineTuning.jobs.create({
      model: 'sim-base',
      training_file: file.id,
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2, batch_size: 4, learning_rate_multiplier: 0.5 } } },
      suffix: 'demo',
      metadata: { s2d_run_id: 'run-a' },
    });
    expect(created.status).toBe('validating_files');
    expect(created.organization_id).toBe('s2d-simulator');
    const seen = new Set<string>();
    const finished = await until(openai, created.id, (status) => {
      seen.add(status);
      return status === 'succeeded' || status === 'failed';
    });
    expect(finished.status).toBe('succeeded');
    expect(finished.fine_tuned_model).toBe(`ft:sim-base:s2d-sim:demo:${created.id.slice('ftjob-sim-'.length)}`);
    expect(finished.hyperparameters).toMatchObject({ n_epochs: 2, batch_size: 4, learning_rate_multiplier: 0.5 });
    expect(finished.trained_tokens).toBeGreaterThan(0);
    expect([...seen].every((s) => ['validating_files', 'queued', 'running', 'succeeded'].includes(s))).toBe(true);
  });

  it('fails a job whose file is not chat JSONL, naming the line', async () => {
    const bad = await openai.files.create({ file: await toFile(Buffer.from(`${LINE('q', 'a')}{"prompt": "x"}\n`), 'bad.jsonl'), purpose: 'fine-tune' });
    const job = await openai.fineTuning.jobs.create({ model: 'sim-base', training_file: bad.id });
    const ended = await until(openai, job.id, (status) => status !== 'validating_files');
    expect(ended.status).toBe('failed');
    expect(ended.error?.message).toMatch(/line 2: expected an object with a "messages" array/);
    expect(ended.fine_tuned_model).toBeNull();
  });

  it('lists jobs newest first and filters by metadata, as the client encodes it', async () => {
    const file = await openai.files.create({ file: await toFile(Buffer.from(LINE('q', 'a')), 't.jsonl'), purpose: 'fine-tune' });
    const mine = await openai.fineTuning.jobs.create({ model: 'm', training_file: file.id, metadata: { s2d_run_id: 'run-list' } });
    await openai.fineTuning.jobs.create({ model: 'm', training_file: file.id, metadata: { s2d_run_id: 'other' } });
    const page = await openai.fineTuning.jobs.list({ metadata: { s2d_run_id: 'run-list' } });
    expect(page.data.map((j) => j.id)).toEqual([mine.id]);
    const all = await openai.fineTuning.jobs.list({ limit: 100 });
    expect(all.data.length).toBeGreaterThanOrEqual(4);
    expect(all.data[0]?.metadata).toEqual({ s2d_run_id: 'other' });
  });

  it('refuses a bad purpose, an unknown file and an unknown job like the real API', async () => {
    await expect(openai.files.create({ file: await toFile(Buffer.from('x'), 'x.jsonl'), purpose: 'vision' })).rejects.toMatchObject({ status: 400 });
    await expect(openai.fineTuning.jobs.create({ model: 'm', training_file: 'file-nope' })).rejects.toMatchObject({ status: 400 });
    await expect(openai.fineTuning.jobs.retrieve('ftjob-nope')).rejects.toMatchObject({ status: 404 });
    await expect(openai.files.retrieve('file-nope')).rejects.toMatchObject({ status: 404 });
  });
});
