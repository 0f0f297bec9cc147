import type { IncomingMessage } from 'node:http';
import { ApiError, isStringRecord, pageLimit, queryOf, readJsonObject, type Route } from './api-route.js';
import { checkBatchInput, type BatchInputError, type BatchInputLine } from './batch-input.js';
import { answerBatchLine, notExecutedRecord, type LineOutcome } from './batch-line-result.js';
import { batchMoment, lineDoneMs, type BatchClock, type BatchMoment } from './batch-timeline.js';
import type { FilesApi } from './files-api.js';
import type { SimulatorOptions } from './simulator-options.js';
import { countStatus, type BatchStats } from './simulator-stats.js';

/** The one endpoint the simulator runs batches for. */
const CHAT_ENDPOINT = '/v1/chat/completions';

interface SimBatch {
  id: string;
  inputFileId: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
  model: string | null;
  clock: BatchClock;
  failureRate: number;
  lines: BatchInputLine[];
  /** The input file's problems (the batch fails at the end of validation), or null for a valid file. */
  errors: BatchInputError[] | null;
  /** Results of the lines run so far, in file order. */
  outcomes: LineOutcome[];
  outputFileId: string | null;
  errorFileId: string | null;
  /** The output and error files exist (the batch ended and was looked at since). */
  filed: boolean;
}

/**
 * The simulator's OpenAI-compatible Batch API: POST/GET /v1/batches, GET /v1/batches/{id}, POST
 * /v1/batches/{id}/cancel, on input files uploaded with purpose `batch`. Batches run on a simulated clock
 * (batch-timeline.ts) and advance when looked at: each request to a batch first runs the lines due by now (each
 * answered as the online endpoint would, batch-line-result.ts) and, once the batch has ended, writes its output and
 * error files. Everything stays in memory.
 */
export class BatchApi {
  readonly #batches = new Map<string, SimBatch>();
  readonly #byIdempotencyKey = new Map<string, string>();
  #next = 0;

  constructor(
    private readonly options: SimulatorOptions,
    private readonly files: FilesApi,
    private readonly stats: () => BatchStats,
  ) {}

  /** The route for this request, or null when it is not a batch route. */
  route(req: IncomingMessage, path: string, method: string): Route | null {
    if (path === '/v1/batches' && method === 'POST') return () => this.#create(req);
    if (path === '/v1/batches' && method === 'GET') return () => Promise.resolve(this.#list(req.url ?? ''));
    const match = /^\/v1\/batches\/([^/]+)(\/cancel)?$/.exec(path);
    if (match?.[1] === undefined) return null;
    const id = decodeURIComponent(match[1]);
    if (match[2] === undefined && method === 'GET') return () => Promise.resolve(this.#body(this.#batch(id)));
    if (match[2] !== undefined && method === 'POST') {
      return () => {
        req.resume();
        return Promise.resolve(this.#cancel(this.#batch(id)));
      };
    }
    return null;
  }

  async #create(req: IncomingMessage): Promise<unknown> {
    const body = await readJsonObject(req);
    const key = req.headers['idempotency-key'];
    const earlier = typeof key === 'string' ? this.#batches.get(this.#byIdempotencyKey.get(key) ?? '') : undefined;
    if (earlier !== undefined) return this.#body(earlier);
    if (typeof body.input_file_id !== 'string') throw new ApiError(400, "Missing required parameter: 'input_file_id'.", 'input_file_id', 'missing_required_parameter');
    if (body.endpoint !== CHAT_ENDPOINT) {
      throw new ApiError(400, `Invalid value for 'endpoint': the s2d simulator runs batches for ${CHAT_ENDPOINT} only (got ${JSON.stringify(body.endpoint)}).`, 'endpoint', 'invalid_value');
    }
    if (body.completion_window !== '24h') {
      throw new ApiError(400, `Invalid value for 'completion_window': only '24h' is supported (got ${JSON.stringify(body.completion_window)}).`, 'completion_window', 'invalid_value');
    }
    const metadata = checkMetadata(body.metadata);
    const file = this.files.file(body.input_file_id);
    if (file.purpose !== 'batch') {
      throw new ApiError(400, `The input file ${file.id} has purpose '${file.purpose}'; a batch needs a file uploaded with purpose 'batch'.`, 'input_file_id', 'invalid_value');
    }
    const settings = this.options.batch;
    const check = checkBatchInput(file.content, { endpoint: CHAT_ENDPOINT, maxRequestsPerBatch: settings.maxRequestsPerBatch, maxBatchFileBytes: settings.maxBatchFileBytes });
    const lines = check.ok ? check.lines : [];
    const model = modelOf(lines);
    const refuse = settings.refuseCreate;
    const refused = refuse === true || (Array.isArray(refuse) && lines.some((line) => refuse.includes(modelOf([line]) ?? '')));
    if (refused) {
      this.stats().batchesRefused++;
      throw new ApiError(400, `The Batch API is not available for this endpoint${model === null ? '' : ` or model '${model}'`} (simulated refusal: batch.refuseCreate).`, null, 'batch_not_supported');
    }
    const batch: SimBatch = {
      id: `batch_sim_${++this.#next}`,
      inputFileId: file.id,
      completionWindow: body.completion_window,
      metadata,
      model,
      clock: {
        createdMs: Date.now(),
        validatingMs: settings.validatingMs,
        completionDelayMs: settings.completionDelayMs,
        finalizingMs: settings.finalizingMs,
        expireAfterMs: settings.expireAfterMs,
        total: lines.length,
        invalid: !check.ok,
        cancelledMs: null,
      },
      failureRate: settings.failureRate,
      lines,
      errors: check.ok ? null : check.errors,
      outcomes: [],
      outputFileId: null,
      errorFileId: null,
      filed: false,
    };
    this.#batches.set(batch.id, batch);
    if (typeof key === 'string') this.#byIdempotencyKey.set(key, batch.id);
    this.stats().batchesCreated++;
    return this.#body(batch);
  }

  #list(url: string): unknown {
    const query = queryOf(url);
    const limit = pageLimit(query);
    let batches = [...this.#batches.values()].reverse(); // newest first, like the real API
    const after = query.get('after');
    if (after !== null) batches = batches.slice(batches.findIndex((b) => b.id === after) + 1);
    const page = batches.slice(0, limit).map((b) => this.#body(b) as { id: string });
    return { object: 'list', data: page, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null, has_more: batches.length > limit };
  }

  #cancel(batch: SimBatch): unknown {
    const now = Date.now();
    const moment = this.#advance(batch, now);
    if (moment.status === 'validating' || moment.status === 'in_progress') batch.clock.cancelledMs = now;
    else if (moment.status !== 'cancelling' && moment.status !== 'cancelled') {
      throw new ApiError(409, `Cannot cancel a batch with status '${moment.status}'.`, null, 'batch_not_cancellable');
    }
    return this.#body(batch, now);
  }

  #batch(id: string): SimBatch {
    const batch = this.#batches.get(id);
    if (batch === undefined) throw new ApiError(404, `No batch found with id '${id}'.`, 'batch_id', 'batch_not_found');
    return batch;
  }

  /** Runs the lines due by `now`, and files the output once the batch has ended. */
  #advance(batch: SimBatch, now: number): BatchMoment {
    const moment = batchMoment(batch.clock, now);
    const stats = this.stats();
    while (batch.outcomes.length < moment.executed) {
      const index = batch.outcomes.length;
      const line = batch.lines[index];
      if (line === undefined) break;
      const createdSeconds = Math.floor(lineDoneMs(batch.clock, index) / 1000);
      const outcome = answerBatchLine(line, this.options, { batchId: batch.id, index, createdSeconds, failureRate: batch.failureRate });
      batch.outcomes.push(outcome);
      stats.requests++;
      countStatus(stats, outcome.status);
      stats.completionsReturned += outcome.choices;
      stats.promptTokens += outcome.promptTokens;
      stats.completionTokens += outcome.completionTokens;
    }
    if (moment.endedMs !== null && !batch.filed) this.#file(batch, moment);
    return moment;
  }

  #file(batch: SimBatch, moment: BatchMoment): void {
    batch.filed = true;
    if (moment.status === 'failed') return;
    const output = batch.outcomes.filter((o) => o.ok).map((o) => o.record);
    const errors = batch.outcomes.filter((o) => !o.ok).map((o) => o.record);
    const reason = moment.status === 'expired' ? 'batch_expired' : 'batch_cancelled';
    const unrun = batch.lines.slice(batch.outcomes.length).map((line, i) => notExecutedRecord(line, batch.id, batch.outcomes.length + i, reason));
    this.stats().notExecuted += unrun.length;
    errors.push(...unrun);
    const createdAt = Math.floor((moment.endedMs ?? Date.now()) / 1000);
    const store = (records: unknown[], kind: 'output' | 'error'): string | null => {
      if (records.length === 0) return null;
      const content = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      return this.files.store.add({ filename: `${batch.id}_${kind}.jsonl`, purpose: 'batch_output', createdAt, content, details: `${kind} of ${batch.id}, ${records.length} lines` }).id;
    };
    batch.outputFileId = store(output, 'output');
    batch.errorFileId = store(errors, 'error');
  }

  /** The batch as OpenAI's Batch object, as of `now`. */
  #body(batch: SimBatch, now = Date.now()): unknown {
    const m = this.#advance(batch, now);
    const seconds = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 1000));
    const usage = batch.outcomes.reduce((sum, o) => ({ input: sum.input + o.promptTokens, output: sum.output + o.completionTokens }), { input: 0, output: 0 });
    return {
      id: batch.id,
      object: 'batch',
      endpoint: CHAT_ENDPOINT,
      model: batch.model,
      errors: m.status === 'failed' && batch.errors !== null ? { object: 'list', data: batch.errors } : null,
      input_file_id: batch.inputFileId,
      completion_window: batch.completionWindow,
      status: m.status,
      output_file_id: batch.outputFileId,
      error_file_id: batch.errorFileId,
      created_at: seconds(batch.clock.createdMs),
      in_progress_at: seconds(m.inProgressMs),
      expires_at: seconds(batch.clock.createdMs + batch.clock.expireAfterMs),
      finalizing_at: seconds(m.finalizingMs),
      completed_at: seconds(m.completedMs),
      failed_at: seconds(m.failedMs),
      expired_at: seconds(m.expiredMs),
      cancelling_at: seconds(m.cancellingMs),
      cancelled_at: seconds(m.cancelledMs),
      request_counts: {
        total: batch.clock.total,
        completed: batch.outcomes.filter((o) => o.ok).length,
        failed: batch.outcomes.filter((o) => !o.ok).length,
      },
      metadata: batch.metadata,
      usage: {
        input_tokens: usage.input,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: usage.output,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: usage.input + usage.output,
      },
    };
  }
}

/** OpenAI's metadata rules: at most 16 string pairs, keys up to 64 characters, values up to 512. */
function checkMetadata(value: unknown): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  const ok = isStringRecord(value) && Object.keys(value).length <= 16 && Object.entries(value).every(([k, v]) => k.length <= 64 && v.length <= 512);
  if (!ok) throw new ApiError(400, "Invalid 'metadata': at most 16 string key-value pairs, keys up to 64 characters, values up to 512.", 'metadata', 'invalid_value');
  return value;
}

/** The model the lines name (the first line's), shown as the batch's `model`. */
function modelOf(lines: readonly BatchInputLine[]): string | null {
  const body = lines[0]?.body;
  const model = typeof body === 'object' && body !== null ? (body as { model?: unknown }).model : undefined;
  return typeof model === 'string' ? model : null;
}
