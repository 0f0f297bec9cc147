import type { IncomingMessage } from 'node:http';
import { ApiError, isStringRecord, pageLimit, queryOf, readJsonObject, type Route } from './api-route.js';
import { checkChatJsonl, type ChatJsonlCheck } from './chat-jsonl-check.js';
import type { StoredFile } from './file-store.js';
import type { FilesApi } from './files-api.js';
import type { SimulatorOptions } from './simulator-options.js';

/** Every object the fine-tuning API returns says it is simulated. */
const SIMULATED_ORG = 's2d-simulator';

/** A fine-tuning file with what the simulator learnt from checking it. */
interface CheckedFile {
  id: string;
  check: ChatJsonlCheck;
}

interface SimJob {
  id: string;
  model: string;
  trainingFile: CheckedFile;
  validationFile: CheckedFile | null;
  createdMs: number;
  hyperparameters: { n_epochs: number | 'auto'; batch_size: number | 'auto'; learning_rate_multiplier: number | 'auto' };
  suffix: string | null;
  metadata: Record<string, string> | null;
  seed: number;
}

/**
 * The simulator's OpenAI-compatible fine-tuning API: POST/GET /v1/fine_tuning/jobs, on files uploaded through the
 * files API (files-api.ts) and checked here as chat-format JSONL; a job walks validating_files → queued → running → succeeded, one
 * `fineTuning.stepMs` each (or fails at validation when its file is invalid), and "trains" nothing: its
 * fine_tuned_model is a name (`ft:<base>:s2d-sim:<id>`) the simulator does not serve differently.
 */
export class FineTuningSimulator {
  readonly #jobs = new Map<string, SimJob>();
  readonly #byIdempotencyKey = new Map<string, string>();
  #nextId = 0;

  constructor(
    private readonly options: SimulatorOptions,
    private readonly files: FilesApi,
  ) {}

  /** Counts for tests and stats: files uploaded and jobs created. */
  get counts(): { files: number; jobs: number } {
    return { files: this.files.store.size, jobs: this.#jobs.size };
  }

  /** The route for this request, or null when it is not a fine-tuning route. */
  route(req: IncomingMessage, path: string, method: string): Route | null {
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

  async #createJob(req: IncomingMessage): Promise<unknown> {
    const body = await readJsonObject(req);
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
    const query = queryOf(url);
    const limit = pageLimit(query);
    const filters = [...query.entries()]
      .map(([k, v]) => [/^metadata\[(.+)\]$/.exec(k)?.[1], v] as const)
      .filter((entry): entry is readonly [string, string] => entry[0] !== undefined);
    let jobs = [...this.#jobs.values()].reverse(); // newest first, like the real API
    jobs = jobs.filter((job) => filters.every(([k, v]) => job.metadata?.[k] === v));
    const after = query.get('after');
    if (after !== null) jobs = jobs.slice(jobs.findIndex((job) => job.id === after) + 1);
    return { object: 'list', data: jobs.slice(0, limit).map((job) => this.#jobBody(job)), has_more: jobs.length > limit };
  }

  #fineTuneFile(id: string, param: string): CheckedFile {
    const file: StoredFile | undefined = this.files.store.get(id);
    if (file === undefined) throw new ApiError(400, `invalid ${param}: no file with id '${id}'`, param, 'invalid_file_id');
    // Checked when a job uses it (not at upload): a file is only a fine-tuning file once a job says so.
    return { id: file.id, check: checkChatJsonl(file.content) };
  }

  /** The job as of now: its status follows from how long ago it was created. */
  #jobBody(job: SimJob): unknown {
    const step = this.options.fineTuning.stepMs;
    const elapsed = Date.now() - job.createdMs;
    const invalid = [job.trainingFile, job.validationFile].find((f): f is CheckedFile => f !== null && !f.check.ok);
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

