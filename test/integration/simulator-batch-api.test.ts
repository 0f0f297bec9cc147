/* eslint-disable @typescript-eslint/no-deprecated -- seed and system_fingerprint are deprecated by OpenAI but still sent
   and read by the OpenAI-compatible servers s2d targets; the simulator honours them online and in batch lines. */
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { apiError } from '../helpers/api-error.js';

/** The simulator's Batch API driven by the official client over real HTTP, as a batch-mode worker will drive it. */
const MODEL = 'sim-llama-2-70b-chat';
const CHAT = '/v1/chat/completions';
const WORDS = ['Elon Musk', 'Larry Page', 'Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Marie Curie', 'Niels Bohr', 'Emmy Noether'];
const prompt = (words: string): string =>
  `Take the last letter of each word in "${words}" and join them together.\n\nWork through this step by step before you commit to an answer. Finish with one last line of the form "Answer: <your answer>".`;

type ChatBody = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
interface OutputLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: Record<string, unknown> } | null;
  error: { code: string; message: string } | null;
}

const requestLine = (customId: string, body: unknown, url = CHAT): string => JSON.stringify({ custom_id: customId, method: 'POST', url, body });
const chatBody = (i: number, extra: Partial<ChatBody> = {}): ChatBody => ({
  model: MODEL,
  messages: [{ role: 'user', content: prompt(WORDS[i % WORDS.length] ?? 'x y') }],
  temperature: 0.8,
  seed: 100 + i,
  max_tokens: 512,
  ...extra,
});

async function upload(openai: OpenAI, lines: string[], name = 'requests.jsonl'): Promise<OpenAI.Files.FileObject> {
  return openai.files.create({ file: await toFile(Buffer.from(lines.map((l) => `${l}\n`).join('')), name), purpose: 'batch' });
}

async function createBatch(openai: OpenAI, lines: string[], metadata?: Record<string, string>): Promise<OpenAI.Batch> {
  const file = await upload(openai, lines);
  return openai.batches.create({ input_file_id: file.id, endpoint: CHAT, completion_window: '24h', ...(metadata === undefined ? {} : { metadata }) });
}

const TERMINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** Polls until the batch ends; returns it with every status and request_counts.completed seen on the way. */
async function untilEnded(openai: OpenAI, id: string): Promise<{ batch: OpenAI.Batch; statuses: string[]; completedCounts: number[] }> {
  const statuses: string[] = [];
  const completedCounts: number[] = [];
  const deadline = Date.now() + 15_000;
  for (;;) {
    const batch = await openai.batches.retrieve(id);
    if (statuses.at(-1) !== batch.status) statuses.push(batch.status);
    completedCounts.push(batch.request_counts?.completed ?? 0);
    if (TERMINAL.has(batch.status)) return { batch, statuses, completedCounts };
    if (Date.now() > deadline) throw new Error(`batch ${id} still ${batch.status}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function readLines(openai: OpenAI, fileId: string | null | undefined): Promise<OutputLine[]> {
  if (fileId === null || fileId === undefined) return [];
  const text = await (await openai.files.content(fileId)).text();
  expect(text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as OutputLine);
}

describe('simulator Batch API', () => {
  let sim: RunningSimulator;
  let openai: OpenAI;
  const fast = { validatingMs: 20, completionDelayMs: 60, finalizingMs: 20 };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 }, batch: fast });
    openai = new OpenAI({ baseURL: sim.baseUrl, apiKey: 'sim-key', maxRetries: 0, timeout: 20_000 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('runs a batch to completed and answers every line exactly as the online endpoint answers the same body', async () => {
    sim.setBatch(fast);
    sim.resetStats();
    const bodies = [chatBody(0), chatBody(1, { n: 4 }), chatBody(2, { n: 3, temperature: 1 }), chatBody(3, { temperature: 0 }), chatBody(4, { n: 2 }), chatBody(5)];
    const lines = bodies.map((body, i) => requestLine(`req-${i}`, body));
    const input = await upload(openai, lines);
    expect(input).toMatchObject({ object: 'file', purpose: 'batch', status: 'processed', filename: 'requests.jsonl' });
    expect(await (await openai.files.content(input.id)).text()).toBe(lines.map((l) => `${l}\n`).join(''));

    const { data: created, response } = await openai.batches
      .create({ input_file_id: input.id, endpoint: CHAT, completion_window: '24h', metadata: { s2d_run_id: 'run-1', s2d_batch_seq: '0' } })
      .withResponse();
    expect(response.headers.get('x-s2d-simulator')).toBe('1');
    expect(created).toMatchObject({ object: 'batch', status: 'validating', endpoint: CHAT, input_file_id: input.id, completion_window: '24h', output_file_id: null, metadata: { s2d_run_id: 'run-1', s2d_batch_seq: '0' } });
    expect(created.expires_at).toBe(created.created_at + 86_400);

    const { batch, statuses, completedCounts } = await untilEnded(openai, created.id);
    expect(batch.status).toBe('completed');
    expect(statuses.every((s) => ['validating', 'in_progress', 'finalizing', 'completed'].includes(s))).toBe(true);
    expect(completedCounts).toEqual([...completedCounts].sort((a, b) => a - b)); // counts only grow
    expect(batch.request_counts).toEqual({ total: 6, completed: 6, failed: 0 });
    for (const field of ['in_progress_at', 'finalizing_at', 'completed_at'] as const) expect(batch[field]).toBeGreaterThanOrEqual(batch.created_at);
    expect(batch).toMatchObject({ error_file_id: null, failed_at: null, expired_at: null, cancelled_at: null, metadata: { s2d_run_id: 'run-1', s2d_batch_seq: '0' }, model: MODEL });
    const outputFile = await openai.files.retrieve(batch.output_file_id ?? '');
    expect(outputFile).toMatchObject({ purpose: 'batch_output', filename: `${batch.id}_output.jsonl` });
    expect(outputFile.status_details).toMatch(/^simulated by s2d-simulator/);

    const output = await readLines(openai, batch.output_file_id);
    expect(output.map((l) => l.custom_id).sort()).toEqual(bodies.map((_, i) => `req-${i}`));
    let promptTokens = 0;
    let completionTokens = 0;
    for (const line of output) {
      expect(line).toMatchObject({ id: expect.stringMatching(/^batch_req_/) as unknown, error: null, response: { status_code: 200, request_id: expect.any(String) as unknown } });
      const body = line.response?.body as unknown as OpenAI.Chat.ChatCompletion;
      const sent = bodies[Number(line.custom_id.slice('req-'.length))];
      if (sent === undefined) throw new Error(`unknown custom_id ${line.custom_id}`);
      const online = await openai.chat.completions.create(sent);
      expect(body.object).toBe('chat.completion');
      expect(body.choices).toHaveLength(sent.n ?? 1);
      expect(body.choices.map((c) => [c.message.content, c.finish_reason])).toEqual(online.choices.map((c) => [c.message.content, c.finish_reason]));
      expect(body.usage).toEqual(online.usage);
      expect(body.system_fingerprint).toBe(online.system_fingerprint);
      promptTokens += body.usage?.prompt_tokens ?? 0;
      completionTokens += body.usage?.completion_tokens ?? 0;
    }
    expect(batch.usage).toMatchObject({ input_tokens: promptTokens, output_tokens: completionTokens, total_tokens: promptTokens + completionTokens });

    // Batch lines are counted apart from online requests: the 6 online calls above are the only online ones.
    const stats = sim.stats();
    expect(stats.requests).toBe(6);
    expect(stats.batch).toMatchObject({ batchesCreated: 1, requests: 6, byStatus: { '200': 6 }, completionsReturned: 1 + 4 + 3 + 1 + 2 + 1, promptTokens, completionTokens });
    expect(stats.completionsReturned).toBe(stats.batch.completionsReturned);
  });

  it('puts failed lines in the error file with OpenAI-shaped bodies, and the counts add up', async () => {
    sim.setBatch({ ...fast, failureRate: 0.4 });
    const lines = Array.from({ length: 20 }, (_, i) => requestLine(`f-${i}`, chatBody(i)));
    lines.push(requestLine('bad-body', { model: MODEL })); // no messages: 400 online, so a 400 line here
    const { batch } = await untilEnded(openai, (await createBatch(openai, lines)).id);
    expect(batch.status).toBe('completed');
    const counts = batch.request_counts ?? { total: -1, completed: -1, failed: -1 };
    expect(counts.total).toBe(21);
    expect(counts.completed + counts.failed).toBe(counts.total);
    expect(counts.completed).toBeGreaterThan(0);
    expect(counts.failed).toBeGreaterThan(1);
    const output = await readLines(openai, batch.output_file_id);
    const errors = await readLines(openai, batch.error_file_id);
    expect(output).toHaveLength(counts.completed);
    expect(errors).toHaveLength(counts.failed);
    expect([...output, ...errors].map((l) => l.custom_id).sort()).toEqual(['bad-body', ...Array.from({ length: 20 }, (_, i) => `f-${i}`)].sort());
    const bad = errors.find((l) => l.custom_id === 'bad-body');
    expect(bad).toMatchObject({ error: null, response: { status_code: 400, body: { error: { type: 'invalid_request_error', param: 'messages' } } } });
    for (const line of errors.filter((l) => l.custom_id !== 'bad-body')) {
      expect(line).toMatchObject({ error: null, response: { status_code: 500, body: { error: { type: 'server_error', message: expect.stringMatching(/simulated/) as unknown } } } });
    }
  });

  it('expires with partial output: lines finished in time are in the output file, the rest batch_expired', async () => {
    // Lines finish every 40 ms from t=0; expiry at 200 ms leaves exactly the first 5 of 10 done.
    sim.setBatch({ validatingMs: 0, completionDelayMs: 400, finalizingMs: 0, expireAfterMs: 200 });
    const lines = Array.from({ length: 10 }, (_, i) => requestLine(`e-${i}`, chatBody(i)));
    const { batch } = await untilEnded(openai, (await createBatch(openai, lines)).id);
    expect(batch.status).toBe('expired');
    expect(batch.expired_at).toBe(batch.expires_at);
    expect(batch.completed_at).toBeNull();
    expect(batch.request_counts).toEqual({ total: 10, completed: 5, failed: 0 });
    expect((await readLines(openai, batch.output_file_id)).map((l) => l.custom_id)).toEqual(['e-0', 'e-1', 'e-2', 'e-3', 'e-4']);
    const unrun = await readLines(openai, batch.error_file_id);
    expect(unrun.map((l) => l.custom_id)).toEqual(['e-5', 'e-6', 'e-7', 'e-8', 'e-9']);
    expect(unrun.every((l) => l.response === null && l.error?.code === 'batch_expired')).toBe(true);
  });

  it('cancels in_progress → cancelling → cancelled, keeping the lines finished so far', async () => {
    sim.setBatch({ validatingMs: 0, completionDelayMs: 3_000, finalizingMs: 30 });
    const lines = Array.from({ length: 10 }, (_, i) => requestLine(`c-${i}`, chatBody(i)));
    const created = await createBatch(openai, lines);
    for (;;) {
      const now = await openai.batches.retrieve(created.id);
      if ((now.request_counts?.completed ?? 0) >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const cancelling = await openai.batches.cancel(created.id);
    expect(cancelling.status).toBe('cancelling');
    expect(cancelling.cancelling_at).toBeGreaterThanOrEqual(created.created_at);
    const { batch } = await untilEnded(openai, created.id);
    expect(batch.status).toBe('cancelled');
    expect(batch.cancelled_at).toBeGreaterThanOrEqual(cancelling.cancelling_at ?? 0);
    const done = batch.request_counts?.completed ?? 0;
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(10);
    expect((await readLines(openai, batch.output_file_id)).map((l) => l.custom_id)).toEqual(lines.slice(0, done).map((_, i) => `c-${i}`));
    const unrun = await readLines(openai, batch.error_file_id);
    expect(unrun).toHaveLength(10 - done);
    expect(unrun.every((l) => l.error?.code === 'batch_cancelled')).toBe(true);
    expect((await openai.batches.cancel(created.id)).status).toBe('cancelled'); // a repeated cancel is harmless

    sim.setBatch({ validatingMs: 0, completionDelayMs: 0, finalizingMs: 0 });
    const finished = await untilEnded(openai, (await createBatch(openai, [requestLine('x', chatBody(0))])).id);
    expect(finished.batch.status).toBe('completed');
    expect((await apiError(openai.batches.cancel(finished.batch.id))).status).toBe(409);
  });

  it('fails a batch whose input file is bad, naming the line', async () => {
    sim.setBatch(fast);
    const cases: { lines: string[]; code: string; line: number | null; param?: string; setup?: Parameters<RunningSimulator['setBatch']>[0] }[] = [
      { lines: [requestLine('a', chatBody(0)), requestLine('b', chatBody(1)), requestLine('a', chatBody(2))], code: 'duplicate_custom_id', line: 3, param: 'custom_id' },
      { lines: [requestLine('a', chatBody(0)), requestLine('b', chatBody(1), '/v1/embeddings')], code: 'invalid_url', line: 2, param: 'url' },
      { lines: [requestLine('a', chatBody(0)), '{"custom_id": "b", '], code: 'invalid_json_line', line: 2 },
      { lines: ['a', 'b', 'c', 'd'].map((id, i) => requestLine(id, chatBody(i))), code: 'too_many_requests', line: 4, setup: { ...fast, maxRequestsPerBatch: 3 } },
      { lines: [requestLine('a', chatBody(0))], code: 'file_too_large', line: null, setup: { ...fast, maxBatchFileBytes: 10 } },
    ];
    for (const c of cases) {
      sim.setBatch(c.setup ?? fast);
      const { batch } = await untilEnded(openai, (await createBatch(openai, c.lines)).id);
      expect(batch.status).toBe('failed');
      expect(batch.failed_at).toBeGreaterThanOrEqual(batch.created_at);
      expect(batch).toMatchObject({ output_file_id: null, error_file_id: null, request_counts: { total: 0, completed: 0, failed: 0 } });
      expect(batch.errors?.data?.[0]).toMatchObject({ code: c.code, line: c.line, message: expect.any(String) as unknown, ...(c.param === undefined ? {} : { param: c.param }) });
    }
  });

  it('refuses creation with a 4xx the client raises as an APIError (refuseCreate), and bad create parameters', async () => {
    sim.resetStats();
    sim.setBatch({ ...fast, refuseCreate: true });
    const refused = await apiError(createBatch(openai, [requestLine('a', chatBody(0))]));
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect(refused).toMatchObject({ status: 400, code: 'batch_not_supported' });
    sim.setBatch({ ...fast, refuseCreate: ['sim-no-batch'] });
    await expect(createBatch(openai, [requestLine('a', chatBody(0, { model: 'sim-no-batch' }))])).rejects.toMatchObject({ status: 400, code: 'batch_not_supported' });
    expect((await createBatch(openai, [requestLine('a', chatBody(0))])).status).toBe('validating');
    expect(sim.stats().batch).toMatchObject({ batchesRefused: 2, batchesCreated: 1 });

    sim.setBatch(fast);
    const file = await upload(openai, [requestLine('a', chatBody(0))]);
    await expect(openai.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' })).rejects.toMatchObject({ status: 400, param: 'endpoint' });
    await expect(openai.batches.create({ input_file_id: 'file-nope', endpoint: CHAT, completion_window: '24h' })).rejects.toMatchObject({ status: 404 });
    const tuning = await openai.files.create({ file: await toFile(Buffer.from('{"messages": []}\n'), 't.jsonl'), purpose: 'fine-tune' });
    await expect(openai.batches.create({ input_file_id: tuning.id, endpoint: CHAT, completion_window: '24h' })).rejects.toMatchObject({ status: 400, param: 'input_file_id' });
    await expect(openai.batches.retrieve('batch_nope')).rejects.toMatchObject({ status: 404 });
  });

  it('lists batches newest first with limit and after, and pages through them with the client', async () => {
    sim.setBatch(fast);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createBatch(openai, [requestLine('a', chatBody(i))], { s2d_batch_seq: String(i) })).id);
    const first = await openai.batches.list({ limit: 2 });
    expect(first.data.map((b) => b.id)).toEqual([ids[2], ids[1]]);
    expect(first.has_more).toBe(true);
    const next = await openai.batches.list({ limit: 2, after: ids[1] ?? '' });
    expect(next.data[0]?.id).toBe(ids[0]);
    expect(next.data[0]?.metadata).toEqual({ s2d_batch_seq: '0' });
    const all: string[] = [];
    for await (const batch of openai.batches.list({ limit: 2 })) all.push(batch.id);
    expect(all.slice(0, 3)).toEqual([ids[2], ids[1], ids[0]]);
    expect(new Set(all).size).toBe(all.length);

    // A create repeated with the same Idempotency-Key returns the first batch instead of a second one.
    const file = await upload(openai, [requestLine('a', chatBody(0))]);
    const params = { input_file_id: file.id, endpoint: CHAT, completion_window: '24h' } as const;
    const once = await openai.batches.create(params, { headers: { 'Idempotency-Key': 'create-1' } });
    expect((await openai.batches.create(params, { headers: { 'Idempotency-Key': 'create-1' } })).id).toBe(once.id);
    expect((await openai.batches.create(params)).id).not.toBe(once.id);
  });
});
