import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRng } from '../../shared/random/seeded-random.js';
import { serveRoute, SIMULATOR_HEADER } from './api-route.js';
import { BatchApi } from './batch-api.js';
import { errorBody, flattenMessages, type ApiErrorBody } from './chat-request.js';
import { validateChatBody } from './chat-validation.js';
import { completionBody, SIMULATOR_FINGERPRINT } from './completion-body.js';
import { planCompletion } from './completion-plan.js';
import { decideFault, FAULT_HEADER } from './fault-injection.js';
import { FAULT_RESPONSES } from './fault-responses.js';
import { FileStore } from './file-store.js';
import { FilesApi } from './files-api.js';
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

export { SIMULATOR_FINGERPRINT } from './completion-body.js';
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
  /** Replaces the Batch API options (unset fields take their defaults); batches already created keep theirs. */
  setBatch(batch: SimulatorOptionsInput['batch']): void;
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
  const files = new FilesApi(options, new FileStore());
  const fineTuning = new FineTuningSimulator(options, files);
  const batches = new BatchApi(options, files, () => counters.batch);

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
      const checked = validateChatBody(await readJson(req, options.maxBodyBytes), options);
      if (!checked.ok) throw new HttpError(checked.status, checked.body);
      const request = checked.request;
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
        reply(200, completionBody(request.model, plan, `chatcmpl-sim-${id}`), { [RECOGNISED_HEADER]: String(plan.recognised) });
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
    const route = files.route(req, path, method) ?? fineTuning.route(req, path, method) ?? batches.route(req, path, method);
    if (route !== null) {
      serveRoute(res, route);
      return;
    }
    req.resume();
    send(res, 404, errorBody(`Unknown path ${method} ${path} (the s2d simulator serves /v1/chat/completions, /v1/models, /v1/files, /v1/fine_tuning/jobs and /v1/batches)`, 'invalid_request_error', null, 'unknown_url'));
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
    setBatch: (batch) => {
      options.batch = parseSimulatorOptions({ batch }).batch;
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
