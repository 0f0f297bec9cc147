import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from './chat-request.js';
import { checkChatJsonl, type ChatJsonlCheck } from './chat-jsonl-check.js';
import { multipartBoundary, MultipartError, parseMultipart } from './multipart-form.js';
import type { SimulatorOptions } from './simulator-options.js';
import { readBoundedBody } from './read-bounded-body.js';

/** Every object the fine-tuning API returns says it is simulated. */
const SIMULATED_ORG = 's2d-simulator';

interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  bytes: number;
  createdAt: number;
  check: ChatJsonlCheck;
}

interface SimJob {
  id: string;
  model: string;
  trainingFile: StoredFile;
  validationFile: StoredFile | null;
  createdMs: number;
  hyperparameters: { n_epochs: number | 'auto'; batch_size: number | 'auto'; learning_rate_multiplier: number | 'auto' };
  suffix: string | null;
  metadata: Record<string, string> | null;
  seed: number;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/**
 * The simulator's OpenAI-compatible fine-tuning API: POST/GET /v1/files, POST/GET /v1/fine_tuning/jobs. Files are
 * kept in memory and checked as chat-format JSONL; a job walks validating_files → queued → running → succeeded, one
 * `fineTuning.stepMs` each (or fails at validation when its file is invalid), and "trains" nothing: its
 * fine_tuned_model is a name (`ft:<base>:s2d-sim:<id>`) the simulator does not serve differently.
 */
export class FineTuningSimulator {
  readonly #files = new Map<string, StoredFile>();
  readonly #jobs = new Map<string, SimJob>();
  readonly #byIdempotencyKey = new Map<string, string>();
  #nextId = 0;

  constructor(private readonly options: SimulatorOptions) {}

  /** Counts for tests and stats: files uploaded and jobs created. */
  get counts(): { files: number; jobs: number } {
    return { files: this.#files.size, jobs: this.#jobs.size };
  }

  /** Serves the request if it is one of the fine-tuning routes; false otherwise (the caller answers 404). */
  handle(req: IncomingMessage, res: ServerResponse, path: string, method: string): boolean {
    const route = this.#route(req, path, method);
    if (route === null) return false;
    // Through a promise so a route that throws at once is answered like one that rejects.
    Promise.resolve().then(route).then(
      (body) => {
        send(res, 200, body);
      },
      (error: unknown) => {
        if (error instanceof ApiError) send(res, error.status, errorBody(error.message, 'invalid_request_error', error.param, error.code));
        else send(res, 500, errorBody(`simulator bug: ${error instanceof Error ? error.message : String(error)}`, 'server_error'));
      },
    );
    return true;
  }

  #route(req: IncomingMessage, path: string, method: string): (() => Promise<unknown>) | null {
    if (path === '/v1/files' && method === 'POST') return () => this.#upload(req);
    const file = /^\/v1\/files\/([^/]+)$/.exec(path)?.[1];
    if (file !== undefined && method === 'GET') return () => Promise.resolve(this.#fileBody(this.#file(decodeURIComponent(file))));
    if (path === '/v1/fine_tuning/jobs' && method === 'POST') return () => this.#createJob(req);
    if (path === '/v1/fine_tuning/jobs' && method === 'GET') return () => Promise.resolve(this.#listJobs(req.url ?? ''));
    const job = /^\/v1\/fine_tuning\/jobs\/([^/]+)$/.exec(path)?.[1];
    if (job !== undefined && method === 'GET') {
      return () => {
        const found = this.#jobs.get(decodeURIComponent(job));
        if (found === undefined) throw new ApiError(404, `No fine-tuning job found with id '${job}'`, 'fine_tuning_job_id', 'fine_tuning_job_not_found');
        return Promise.resolve(this.#jobBody(found));
      };
    }
    return null;
  }

  async #upload(req: IncomingMessage): Promise<unknown> {
    const boundary = multipartBoundary(req.headers['content-type']);
    if (boundary === null) {
      req.resume();
      throw new ApiError(400, 'POST /v1/files expects a multipart/form-data body');
    }
    const body = await readBody(req, this.options.fineTuning.maxFileBytes);
    let parts;
    try {
      parts = parseMultipart(body, boundary);
    } catch (error) {
      if (error instanceof MultipartError) throw new ApiError(400, `could not read the multipart body: ${error.message}`);
      throw error;
    }
    const purpose = parts.find((p) => p.name === 'purpose' && p.filename === undefined)?.body.toString('utf8');
    const file = parts.find((p) => p.name === 'file');
    if (purpose === undefined) throw new ApiError(400, "Missing required parameter: 'purpose'.", 'purpose');
    if (file === undefined) throw new ApiError(400, "Missing required parameter: 'file'.", 'file');
    if (purpose !== 'fine-tune') throw new ApiError(400, `the s2d simulator only accepts purpose 'fine-tune' (got '${purpose}')`, 'purpose', 'invalid_value');
    const stored: StoredFile = {
      id: `file-sim-${++this.#nextId}`,
      filename: file.filename ?? 'upload.jsonl',
      purpose,
      bytes: file.body.length,
      createdAt: Math.floor(Date.now() / 1000),
      check: checkChatJsonl(file.body),
    };
    this.#files.set(stored.id, stored);
    return this.#fileBody(stored);
  }

  async #createJob(req: IncomingMessage): Promise<unknown> {
    const raw = await readBody(req, 1024 * 1024);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new ApiError(400, 'We could not parse the JSON body of your request.');
    }
    const key = req.headers['idempotency-key'];
    const earlier = typeof key === 'string' ? this.#byIdempotencyKey.get(key) : undefined;
    const earlierJob = earlier === undefined ? undefined : this.#jobs.get(earlier);
    if (earlierJob !== undefined) return this.#jobBody(earlierJob);
    if (typeof body.model !== 'string' || body.model === '') throw new ApiError(400, "Missing required parameter: 'model'.", 'model');
    if (typeof body.training_file !== 'string') throw new ApiError(400, "Missing required parameter: 'training_file'.", 'training_file');
    const trainingFile = this.#fineTuneFile(body.training_file, 'training_file');
    const validationFile = typeof body.validation_file === 'string' ? this.#fineTuneFile(body.validation_file, 'validation_file') : null;
    const job: SimJob = {
      id: `ftjob-sim-${++this.#nextId}`,
      model: body.model,
      trainingFile,
      validationFile,
      createdMs: Date.now(),
      hyperparameters: { n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto', ...hyperparametersOf(body) },
      suffix: typeof body.suffix === 'string' ? body.suffix : null,
      metadata: isStringRecord(body.metadata) ? body.metadata : null,
      seed: typeof body.seed === 'number' ? body.seed : 42,
    };
    this.#jobs.set(job.id, job);
    if (typeof key === 'string') this.#byIdempotencyKey.set(key, job.id);
    return this.#jobBody(job);
  }

  #listJobs(url: string): unknown {
    const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
    const limit = Math.min(Math.max(Number(query.get('limit') ?? 20) || 20, 1), 100);
    const filters = [...query.entries()]
      .map(([k, v]) => [/^metadata\[(.+)\]$/.exec(k)?.[1], v] as const)
      .filter((entry): entry is readonly [string, string] => entry[0] !== undefined);
    let jobs = [...this.#jobs.values()].reverse(); // newest first, like the real API
    jobs = jobs.filter((job) => filters.every(([k, v]) => job.metadata?.[k] === v));
    const after = query.get('after');
    if (after !== null) jobs = jobs.slice(jobs.findIndex((job) => job.id === after) + 1);
    return { object: 'list', data: jobs.slice(0, limit).map((job) => this.#jobBody(job)), has_more: jobs.length > limit };
  }

  #file(id: string): StoredFile {
    const file = this.#files.get(id);
    if (file === undefined) throw new ApiError(404, `No such File object: ${id}`, 'id', 'file_not_found');
    return file;
  }

  #fineTuneFile(id: string, param: string): StoredFile {
    const file = this.#files.get(id);
    if (file === undefined) throw new ApiError(400, `invalid ${param}: no file with id '${id}'`, param, 'invalid_file_id');
    return file;
  }

  #fileBody(file: StoredFile): unknown {
    return {
      id: file.id,
      object: 'file',
      bytes: file.bytes,
      created_at: file.createdAt,
      filename: file.filename,
      purpose: file.purpose,
      status: 'processed',
      status_details: file.check.ok ? `simulated by ${SIMULATED_ORG}: ${file.check.examples} examples` : `simulated by ${SIMULATED_ORG}: ${file.check.message}`,
    };
  }

  /** The job as of now: its status follows from how long ago it was created. */
  #jobBody(job: SimJob): unknown {
    const step = this.options.fineTuning.stepMs;
    const elapsed = Date.now() - job.createdMs;
    const invalid = [job.trainingFile, job.validationFile].find((f): f is StoredFile => f !== null && !f.check.ok);
    let status: string;
    if (elapsed < step) status = 'validating_files';
    else if (invalid !== undefined) status = 'failed';
    else if (elapsed < 2 * step) status = 'queued';
    else if (elapsed < 3 * step) status = 'running';
    else status = 'succeeded';
    const finishedMs = invalid !== undefined ? job.createdMs + step : job.createdMs + 3 * step;
    const done = status === 'succeeded' || status === 'failed';
    const check = job.trainingFile.check;
    const epochs = typeof job.hyperparameters.n_epochs === 'number' ? job.hyperparameters.n_epochs : 3;
    const failure = invalid !== undefined && !invalid.check.ok ? invalid.check.message : null;
    return {
      id: job.id,
      object: 'fine_tuning.job',
      created_at: Math.floor(job.createdMs / 1000),
      error: status === 'failed' ? { code: 'invalid_training_file', message: `${invalid?.id ?? ''}: ${failure ?? ''}`, param: 'training_file' } : null,
      fine_tuned_model: status === 'succeeded' ? `ft:${job.model}:s2d-sim:${job.suffix === null ? '' : `${job.suffix}:`}${job.id.slice('ftjob-sim-'.length)}` : null,
      finished_at: done ? Math.floor(finishedMs / 1000) : null,
      hyperparameters: job.hyperparameters,
      model: job.model,
      organization_id: SIMULATED_ORG,
      result_files: [],
      seed: job.seed,
      status,
      trained_tokens: status === 'succeeded' && check.ok ? check.tokens * epochs : null,
      training_file: job.trainingFile.id,
      validation_file: job.validationFile?.id ?? null,
      estimated_finish: done ? null : Math.floor(finishedMs / 1000),
      integrations: null,
      metadata: job.metadata,
      method: { type: 'supervised', supervised: { hyperparameters: job.hyperparameters } },
      user_provided_suffix: job.suffix,
      simulated: true,
    };
  }
}

function hyperparametersOf(body: Record<string, unknown>): Partial<SimJob['hyperparameters']> {
  const method = body.method as { supervised?: { hyperparameters?: unknown } } | undefined;
  const raw = method?.supervised?.hyperparameters ?? body.hyperparameters;
  if (typeof raw !== 'object' || raw === null) return {};
  const pick = (k: string): number | 'auto' | undefined => {
    const v = (raw as Record<string, unknown>)[k];
    return typeof v === 'number' || v === 'auto' ? v : undefined;
  };
  const out: Partial<SimJob['hyperparameters']> = {};
  const epochs = pick('n_epochs');
  const batch = pick('batch_size');
  const lr = pick('learning_rate_multiplier');
  if (epochs !== undefined) out.n_epochs = epochs;
  if (batch !== undefined) out.batch_size = batch;
  if (lr !== undefined) out.learning_rate_multiplier = lr;
  return out;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string');
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const body = await readBoundedBody(req, maxBytes);
  if (body === null) throw new ApiError(413, `Request body exceeds ${maxBytes} bytes`);
  return body;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), 'x-s2d-simulator': '1' });
  res.end(payload);
}
