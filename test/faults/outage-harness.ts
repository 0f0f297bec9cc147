import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSimulator, type RunningSimulator, type SimulatorOptionsInput } from '../../infra/simulator/simulator-server.js';
import { endpointId } from '../../shared/limits/endpoint-limiter.js';
import { limiterKeys, readEndpointHealth, type EndpointHealth } from '../../shared/limits/endpoint-health.js';
import type { RunStore } from '../../shared/runs/run-store.js';
import type { RunFixture } from '../helpers/run-fixture.js';
import { waitForDone } from './fault-harness.js';

/** A run's endpoint health as the fleet shares it in Redis (read-only). */
export function endpointHealth(run: Pick<RunFixture, 'clients' | 'prefix' | 'spec'>): Promise<EndpointHealth> {
  const { baseUrl, name } = run.spec.model;
  return readEndpointHealth(run.clients.redis, limiterKeys(run.prefix, endpointId(baseUrl, name)), { baseUrl, model: name });
}

/** What the endpoint served over all its lives (a restarted simulator starts its counters again). */
export interface EndpointTotals {
  requests: number;
  completionsReturned: number;
  byStatus: Record<string, number>;
}

/**
 * The LLM endpoint of an outage scenario: the simulator on a fixed port, stopped and started again on that port, as
 * an inference server is redeployed. While stopped the port is either closed (connection refused) or held by a
 * listener that accepts each connection and resets it at once, counting them — a node gone behind a load balancer,
 * and the one way to count from outside what the fleet sends to an endpoint that is not there.
 */
export class SwitchableEndpoint {
  private current: RunningSimulator | null;
  private readonly retired: EndpointTotals[] = [];
  private holder: Server | null = null;
  private lastPort = 0;
  /** Connections the reset listener took while it held the port (each is one request the fleet sent). */
  connectionsWhileDown = 0;

  private constructor(
    private readonly options: SimulatorOptionsInput,
    simulator: RunningSimulator,
  ) {
    this.current = simulator;
  }

  static async start(options: SimulatorOptionsInput): Promise<SwitchableEndpoint> {
    return new SwitchableEndpoint(options, await startSimulator(options));
  }

  private simulatorOrThrow(): RunningSimulator {
    if (this.current === null) throw new Error('the endpoint is down');
    return this.current;
  }

  get simulator(): RunningSimulator {
    return this.simulatorOrThrow();
  }

  get port(): number {
    return this.simulatorOrThrow().port;
  }

  get baseUrl(): string {
    return this.simulatorOrThrow().baseUrl;
  }

  totals(): EndpointTotals {
    const all = [...this.retired, ...(this.current === null ? [] : [this.current.stats()])];
    const byStatus: Record<string, number> = {};
    for (const totals of all) for (const [status, n] of Object.entries(totals.byStatus)) byStatus[status] = (byStatus[status] ?? 0) + n;
    return {
      requests: all.reduce((sum, t) => sum + t.requests, 0),
      completionsReturned: all.reduce((sum, t) => sum + t.completionsReturned, 0),
      byStatus,
    };
  }

  /** Stops the simulator (its open connections drop); `reset` then holds the port with the counting listener. */
  async stop(kind: 'refused' | 'reset'): Promise<void> {
    const simulator = this.simulatorOrThrow();
    const port = simulator.port;
    const { requests, completionsReturned, byStatus } = simulator.stats();
    this.retired.push({ requests, completionsReturned, byStatus });
    this.current = null;
    await simulator.close();
    if (kind === 'reset') {
      const server = createServer((socket: Socket) => {
        this.connectionsWhileDown++;
        socket.on('error', () => undefined);
        socket.resetAndDestroy();
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          resolve();
        });
      });
      this.holder = server;
    }
    this.lastPort = port;
  }

  /** Starts the simulator again on its port (with the options it started with). */
  async restart(): Promise<void> {
    const holder = this.holder;
    this.holder = null;
    if (holder !== null) await new Promise<void>((resolve) => holder.close(() => { resolve(); }));
    this.current = await startSimulator({ ...this.options, port: this.lastPort });
  }

  async close(): Promise<void> {
    const holder = this.holder;
    if (holder !== null) await new Promise<void>((resolve) => holder.close(() => { resolve(); }));
    await this.current?.close();
  }
}

/** The run's done count over time, sampled every `everyMs`, for throughput before and after a fault. */
export class ProgressTrace {
  readonly samples: { at: number; done: number }[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly runs: RunStore,
    private readonly runId: string,
    private readonly everyMs = 250,
  ) {}

  start(): this {
    this.loop = (async () => {
      while (!this.stopped) {
        const run = await this.runs.get(this.runId);
        this.samples.push({ at: Date.now(), done: run?.done ?? 0 });
        await sleep(this.everyMs);
      }
    })();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private doneAt(at: number): number {
    let done = 0;
    for (const sample of this.samples) {
      if (sample.at > at) break;
      done = sample.done;
    }
    return done;
  }

  /** Items per second between two moments. */
  rate(from: number, to: number): number {
    return to <= from ? 0 : ((this.doneAt(to) - this.doneAt(from)) * 1000) / (to - from);
  }

  /**
   * Ms from `from` until the rate over a trailing `windowMs` first reaches `target` items/s (the window may reach
   * back before `from` by no more than itself starting at `from`), or null if it never does.
   */
  timeToRate(from: number, target: number, windowMs: number): number | null {
    for (const sample of this.samples) {
      if (sample.at < from + windowMs) continue;
      if (this.rate(sample.at - windowMs, sample.at) >= target) return sample.at - from;
    }
    return null;
  }
}

/** One line per outage scenario, for the outage table: `outage-table | kind | length | errored | sent | to full speed`. */
export function reportOutage(row: { kind: string; lengthS: number; erroredByOutage: number; sentDuringOutage: number; bound: number; toFullSpeedS: number | null; notes?: string }): void {
  const speed = row.toFullSpeedS === null ? 'never' : `${row.toFullSpeedS.toFixed(1)} s`;
  console.info(
    `outage-table | ${row.kind} | ${row.lengthS.toFixed(1)} s | errored by the outage ${row.erroredByOutage} | requests during the outage ${row.sentDuringOutage} (bound ${row.bound}) | to full speed ${speed}${row.notes === undefined ? '' : ` | ${row.notes}`}`,
  );
}

/**
 * Submits the run and lets it reach full speed before a fault: 20 items done as warm-up, then the rate measured until
 * 70 are done. Returns when the fault may begin (`faultAt`, ms) and the pre-fault rate (items/s).
 */
export async function submitAndReachSteadyRate(run: Pick<RunFixture, 'clients' | 'spec' | 'submit'>, trace: ProgressTrace): Promise<{ faultAt: number; preRate: number }> {
  await run.submit();
  trace.start();
  await waitForDone(run.clients.runs, run.spec.runId, 20);
  const steadyFrom = Date.now();
  await waitForDone(run.clients.runs, run.spec.runId, 70, 120_000);
  const faultAt = Date.now();
  return { faultAt, preRate: trace.rate(steadyFrom, faultAt) };
}
