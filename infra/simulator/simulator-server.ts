import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIMULATOR_UNRECOGNISED_FINGERPRINT } from '../../shared/llm/simulator-fingerprint.js';
import { createRng } from '../../shared/random/seeded-random.js';
import { chatRequestSchema, errorBody, flattenMessages, validationError, type ApiErrorBody } from './chat-request.js';
import { planCompletion, type CompletionPlan } from './completion-plan.js';
import { decideFault, FAULT_HEADER, type FaultKind } from './fault-injection.js';
import { FineTuningSimulator } from './fine-tuning-api.js';
import { decodeDelayMs, sleepMs } from './latency-model.js';
import { SequenceSlots } from './sequence-slots.js';
import { StormGate } from './storm-gate.js';
import { parseSimulatorOptions, type SimulatorOptions, type SimulatorOptionsInput } from './simulator-options.js';
import { countStatus, emptyCounters, type SimulatorStats, type StatsCounters } from './simulator-stats.js';
import { readBoundedBody } from './read-bounded-body.js';

// One import point for launchers (`s2d sim`, the demo, tests): the server plus its options and stats types.
export { parseSimulatorOptions, simulatorOptionsSchema, type SimulatorOptions, type SimulatorOptionsInput } from './simulator-options.js';
export type { SimulatorStats } from './simulator-stats.js';

/** Marks every response as simulated, so no one mistakes its numbers for a real model's. */
export const SIMULATOR_FINGERPRINT = 's2d-simulator';
const SIMULATOR_HEADER = 'x-s2d-simulator';
/**
 * `true` / `false` on every chat completion: whether the simulator recognised the prompt. An unrecognised one also
 * carries `system_fingerprint` SIMULATOR_UNRECOGNISED_FINGERPRINT, which s2d's sampler counts per run.
 */
export const RECOGNISED_HEADER = 'x-s2d-simulator-recognised';

export interface RunningSimulator {
  /** OpenAI-compatible base URL, e.g. http://127.0.0.1:41234/v1 */
  baseUrl: string;
  port: number;
  options: SimulatorOptions;
  stats(): SimulatorStats;
  resetStats(): void;
  /**
   * Replaces the fault options while the server runs (unset fields take their defaults): a storm or a poison item
   * starts or ends without dropping a connection. `options.faults` then shows the new ones.
   */
  setFaults(faults: SimulatorOptionsInput['faults']): void;
  /** Stops listening, drops open connections and cuts short requests still waiting. */
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.error.message);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    [SIMULATOR_HEADER]: '1',
    ...headers,
  });
  res.end(payload);
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const body = await readBoundedBody(req, maxBytes);
  if (body === null) throw new HttpError(413, errorBody(`Request body exceeds ${maxBytes} bytes`, 'invalid_request_error'));
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, errorBody('We could not parse the JSON body of your request.', 'invalid_request_error'));
  }
}

const FAULT_RESPONSES: Record<Exclude<FaultKind, 'slow'>, { status: number; body: ApiErrorBody }> = {
  '429': {
    status: 429,
    body: errorBody('Rate limit reached for requests (simulated by s2d-simulator). Please try again later.', 'requests', null, 'rate_limit_exceeded'),
  },
  '500': { status: 500, body: errorBody('The server had an error while processing your request (simulated).', 'server_error') },
  '503': { status: 503, body: errorBody('The server is overloaded or not ready yet (simulated).', 'service_unavailable', null, 'service_unavailable') },
  poison: { status: 500, body: errorBody('The server had an error while processing this prompt (simulated poison item).', 'server_error') },
};

/** Starts the simulator on host:port (default 127.0.0.1, a free port). */
export async function startSimulator(input: SimulatorOptionsInput = {}): Promise<RunningSimulator> {
  const options = parseSimulatorOptions(input);
  const slots = new SequenceSlots(options.maxConcurrentSequences);
  let storm = new StormGate(options.faults.maxInFlightRequests, options.faults.requestsPerMinute);
  const shutdown = new AbortController();
  // Every in-flight request listens on the shutdown signal; hundreds at once is normal load, not a leak.
  setMaxListeners(0, shutdown.signal);
  let counters: StatsCounters = emptyCounters();
  let requestNumber = 0;
  const fineTuning = new FineTuningSimulator(options);

  function completionBody(model: string, plan: CompletionPlan, id: number): unknown {
    return {
      id: `chatcmpl-sim-${id}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      system_fingerprint: plan.recognised ? SIMULATOR_FINGERPRINT : SIMULATOR_UNRECOGNISED_FINGERPRINT,
      choices: plan.choices.map((c, index) => ({
        index,
        message: { role: 'assistant', content: c.text, refusal: null },
        logprobs: null,
        finish_reason: c.finishReason,
      })),
      usage: {
        prompt_tokens: plan.promptTokens,
        completion_tokens: plan.completionTokens,
        total_tokens: plan.promptTokens + plan.completionTokens,
      },
    };
  }

  async function chatCompletion(req: IncomingMessage, res: ServerResponse, id: number, signal: AbortSignal): Promise<void> {
    counters.requests++;
    const reply = (status: number, body: unknown, headers?: Record<string, string>): void => {
      countStatus(counters, status);
      send(res, status, body, headers);
    };
    try {
      const presented = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      if (options.apiKey !== undefined && presented !== options.apiKey) {
        req.resume();
        throw new HttpError(401, errorBody(`Incorrect API key provided: ${presented}.`, 'invalid_request_error', null, 'invalid_api_key'));
      }
      const parsed = chatRequestSchema.safeParse(await readJson(req, options.maxBodyBytes));
      if (!parsed.success) throw new HttpError(400, validationError(parsed.error));
      const request = parsed.data;
      if (request.stream === true) {
        throw new HttpError(400, errorBody('stream: true is not supported by the s2d simulator; send stream: false.', 'invalid_request_error', 'stream', 'unsupported_value'));
      }
      if ((request.n ?? 1) > options.maxN) {
        throw new HttpError(400, errorBody(`n must be at most ${options.maxN}`, 'invalid_request_error', 'n', 'invalid_value'));
      }
      if (options.strictModels && !options.models.includes(request.model)) {
        throw new HttpError(404, errorBody(`The model '${request.model}' does not exist`, 'invalid_request_error', 'model', 'model_not_found'));
      }
      const faultHeader = req.headers[FAULT_HEADER];
      const messages = flattenMessages(request);
      const requestText = messages.map((m) => m.content).join('\n');
      const fault = decideFault(Array.isArray(faultHeader) ? faultHeader[0] : faultHeader, options.faults, createRng(options.seed, 'fault', id), requestText);
      if (!fault.ok) throw new HttpError(400, errorBody(fault.message, 'invalid_request_error', FAULT_HEADER, 'invalid_value'));
      if (fault.fault !== null) counters.faults[fault.fault]++;
      const seconds = options.faults.retryAfterSeconds;
      const retryAfter = { 'retry-after': String(Math.ceil(seconds)), 'retry-after-ms': String(Math.round(seconds * 1000)) };
      if (fault.fault !== null && fault.fault !== 'slow') {
        const { status, body } = FAULT_RESPONSES[fault.fault];
        reply(status, body, status === 429 ? retryAfter : {});
        return;
      }
      if (!storm.tryEnter()) {
        counters.stormRejections++;
        reply(429, FAULT_RESPONSES['429'].body, retryAfter);
        return;
      }
      // The gate this request entered: a fault switch may replace the gate before the request is answered.
      const gate = storm;
      try {
        const plan = planCompletion(request, messages, options);
        const release = await slots.acquire(plan.choices.length, signal);
        try {
          const longest = Math.max(0, ...plan.choices.map((c) => c.completionTokens));
          const extra = fault.fault === 'slow' ? options.faults.slowDelayMs : 0;
          await sleepMs(decodeDelayMs(options.latency, longest, createRng(options.seed, 'latency', id)) + extra, signal);
        } finally {
          release();
        }
        counters.completionsReturned += plan.choices.length;
        counters.promptTokens += plan.promptTokens;
        counters.completionTokens += plan.completionTokens;
        counters.requestsByMode[plan.mode]++;
        counters.choicesByMode[plan.mode] += plan.choices.length;
        counters.requestsByTask[plan.judging ? 'pairwise-judge' : (plan.task?.family ?? 'unrecognised')]++;
        counters.truncatedChoices += plan.choices.filter((c) => c.finishReason === 'length').length;
        reply(200, completionBody(request.model, plan, id), { [RECOGNISED_HEADER]: String(plan.recognised) });
      } finally {
        gate.done();
      }
    } catch (error) {
      if (error instanceof HttpError) reply(error.status, error.body);
      else if (signal.aborted) countStatus(counters, 499); // client went away (or shutdown): nothing to send
      else reply(500, errorBody(`simulator bug: ${error instanceof Error ? error.message : String(error)}`, 'server_error'));
    }
  }

  function models(res: ServerResponse, id?: string): void {
    const created = 1_700_000_000;
    const model = (name: string) => ({ id: name, object: 'model', created, owned_by: SIMULATOR_FINGERPRINT });
    if (id === undefined) {
      send(res, 200, { object: 'list', data: options.models.map(model) });
    } else if (options.models.includes(id) || !options.strictModels) {
      send(res, 200, model(id));
    } else {
      send(res, 404, errorBody(`The model '${id}' does not exist`, 'invalid_request_error', 'model', 'model_not_found'));
    }
  }

  const server = createServer((req, res) => {
    const id = ++requestNumber;
    res.setHeader('x-request-id', `sim-req-${id}`);
    // One signal per request: aborted when the client hangs up or the simulator shuts down.
    const controller = new AbortController();
    const abort = (): void => {
      controller.abort(new Error('request aborted'));
    };
    res.once('close', abort);
    shutdown.signal.addEventListener('abort', abort, { once: true });
    res.once('close', () => {
      shutdown.signal.removeEventListener('abort', abort);
    });

    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    if (path === '/v1/chat/completions') {
      if (method !== 'POST') {
        send(res, 405, errorBody(`${method} is not allowed on ${path}; use POST`, 'invalid_request_error'), { allow: 'POST' });
        return;
      }
      void chatCompletion(req, res, id, controller.signal);
      return;
    }
    if (method === 'GET' && path === '/v1/models') {
      models(res);
      return;
    }
    const modelMatch = /^\/v1\/models\/(.+)$/.exec(path);
    if (method === 'GET' && modelMatch?.[1] !== undefined) {
      models(res, decodeURIComponent(modelMatch[1]));
      return;
    }
    if (method === 'GET' && (path === '/health' || path === '/')) {
      send(res, 200, { status: 'ok', simulator: SIMULATOR_FINGERPRINT });
      return;
    }
    if (fineTuning.handle(req, res, path, method)) return;
    req.resume();
    send(res, 404, errorBody(`Unknown path ${method} ${path} (the s2d simulator serves /v1/chat/completions, /v1/models, /v1/files and /v1/fine_tuning/jobs)`, 'invalid_request_error', null, 'unknown_url'));
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  let closing: Promise<void> | null = null;
  return {
    baseUrl: `http://${host}:${port}/v1`,
    port,
    options,
    stats: () => ({
      ...structuredClone(counters),
      activeRequests: storm.inFlight,
      maxActiveRequests: storm.maxInFlightSeen,
      activeSequences: slots.inUse,
      maxConcurrentSequences: slots.maxInUse,
      queuedSequences: slots.waitingSequences,
      maxQueuedSequences: slots.maxWaitingSequences,
    }),
    resetStats: () => {
      counters = emptyCounters();
      slots.resetPeaks();
      storm.resetPeak();
    },
    setFaults: (faults) => {
      options.faults = parseSimulatorOptions({ faults }).faults;
      storm = new StormGate(options.faults.maxInFlightRequests, options.faults.requestsPerMinute);
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        shutdown.abort(new Error('simulator closing'));
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
