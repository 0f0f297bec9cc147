import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnWorkerProcess, type WorkerProcess } from '../../cli/spawn-worker-process.js';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { readAdvertisedPolicies } from '../../shared/trust/advertised-policies.js';
import { createRunFixture, type RunFixture } from '../helpers/run-fixture.js';
import { workerEnv } from '../helpers/worker-env.js';

const exec = promisify(execFile);
const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;
const redisUrl = inject('redisUrl');
const PLANTED_KEY = 'sk-worker-own-key-must-never-leave-0000';

/** A submitter's own server posing as an LLM endpoint: records what it is sent, answers 401 like a real API. */
async function startHarvester(host: string): Promise<{ server: Server; baseUrl: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'no', type: 'invalid_request_error', code: 'invalid_api_key' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, baseUrl: `http://${host}:${(server.address() as AddressInfo).port}/v1`, seen };
}

interface Status {
  state: string;
  error: string | null;
}

describe("a run spec cannot take a worker's API key (real worker process, default policy)", () => {
  let sim: RunningSimulator;
  let remote: Awaited<ReturnType<typeof startHarvester>>;
  let local: Awaited<ReturnType<typeof startHarvester>>;
  let fixture: RunFixture;
  let worker: WorkerProcess;
  const env = (): NodeJS.ProcessEnv =>
    // The worker holds a key for its own endpoint and has no S2D_ALLOWED_ENDPOINTS: the default policy.
    workerEnv(redisUrl, fixture.prefix, { OPENAI_API_KEY: PLANTED_KEY, OPENAI_BASE_URL: sim.baseUrl, S2D_ALLOWED_ENDPOINTS: '' });
  const s2d = (...args: string[]) => exec(process.execPath, [BIN, ...args], { env: { ...env(), OPENAI_API_KEY: '' }, cwd: fixture.dir });

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3 });
    // 127.0.0.2 is loopback to the kernel but not one of the default policy's loopback hosts: it stands for any
    // server of the submitter's choosing.
    remote = await startHarvester('127.0.0.2');
    local = await startHarvester('127.0.0.1');
    fixture = await createRunFixture({ label: 'harvest', redisUrl, baseUrl: sim.baseUrl, items: 6 });
    worker = spawnWorkerProcess(env());
    for (let i = 0; i < 100 && (await readAdvertisedPolicies(fixture.clients.redis, fixture.prefix)).length === 0; i += 1) await sleep(100);
  });
  afterAll(async () => {
    await worker.stop(5_000);
    await fixture.clients.close();
    await sim.close();
    remote.server.close();
    local.server.close();
  });

  const writeSpec = async (file: string, model: string): Promise<string> => {
    const path = join(fixture.dir, file);
    await writeFile(path, ['name: harvest', `input: ${fixture.spec.input}`, 'answerType: letters', 'strategy: cot', 'model:', model, 'sampling: { samples: 2 }', 'output: { dir: out }', ''].join('\n'));
    return path;
  };

  it('refuses at submit a spec naming an endpoint the live workers do not allow, naming the field', async () => {
    const spec = await writeSpec('remote.yaml', `  name: m\n  baseUrl: ${remote.baseUrl}`);
    const failure = await s2d('submit', spec).then(
      () => null,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain(`refused by the workers' trust policy: model.baseUrl ${remote.baseUrl} is not an endpoint these workers allow`);
    expect(failure?.stderr).toContain(`allowed: ${sim.baseUrl} with OPENAI_API_KEY; loopback endpoints without a key`);
    expect(remote.seen).toHaveLength(0);
  });

  it('and a spec written straight into Redis (no submit check) fails on the worker before any request: no key, no call', async () => {
    // A submitter with Redis access can skip `s2d submit`; the worker's own policy is the boundary.
    const evil = await createRunFixture({ label: 'harvest', redisUrl, baseUrl: remote.baseUrl, items: 6, spec: { strategy: 'cot', sampling: { samples: 2 } } });
    const direct = await evil.submit({ runs: fixture.clients.runs, distillQueues: fixture.clients.distillQueues, publishQueue: fixture.clients.publishQueue });
    await evil.clients.close();
    let status: Status = { state: 'running', error: null };
    for (let i = 0; i < 200 && status.state !== 'failed'; i += 1) {
      status = JSON.parse((await s2d('status', direct.runId, '--json')).stdout) as Status;
      if (status.state !== 'failed') await sleep(100);
    }
    expect(status.state).toBe('failed');
    expect(status.error).toBe(
      `refused by the workers' trust policy: model.baseUrl ${remote.baseUrl} is not an endpoint these workers allow (allowed: ${sim.baseUrl} with OPENAI_API_KEY; loopback endpoints without a key; S2D_ALLOWED_ENDPOINTS is not set on the workers)`,
    );
    expect(remote.seen).toHaveLength(0);
    expect(worker.stderrTail()).not.toContain(PLANTED_KEY);
  });

  it('a loopback endpoint is called without the key; naming the key for it is refused', async () => {
    const named = await writeSpec('named.yaml', `  name: m\n  baseUrl: ${local.baseUrl}\n  apiKeyEnv: OPENAI_API_KEY`);
    const refused = await s2d('submit', named).then(
      () => null,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(refused?.stderr).toContain(`model.apiKeyEnv OPENAI_API_KEY may not be sent to ${local.baseUrl}: the workers allow that endpoint only without a key`);

    const keyless = await writeSpec('keyless.yaml', `  name: m\n  baseUrl: ${local.baseUrl}`);
    const runId = (await s2d('submit', keyless)).stdout.trim();
    let status: Status = { state: 'running', error: null };
    for (let i = 0; i < 200 && status.state !== 'failed'; i += 1) {
      status = JSON.parse((await s2d('status', runId, '--json')).stdout) as Status;
      if (status.state !== 'failed') await sleep(100);
    }
    // The server refused the placeholder key; the run fails on that, and the worker's key never reached it.
    expect(status.state).toBe('failed');
    expect(status.error).toMatch(/401/);
    expect(local.seen.length).toBeGreaterThan(0);
    for (const headers of local.seen) expect(headers.authorization).toBe('Bearer no-key');
    expect(JSON.stringify(local.seen)).not.toContain(PLANTED_KEY);
  });

  it("the worker's own endpoint gets its key and the run publishes", async () => {
    const own = await writeSpec('own.yaml', '  name: sim-llama-2-70b-chat');
    const out = JSON.parse((await s2d('submit', own, '--wait', '--json')).stdout) as { status: { state: string } };
    expect(out.status.state).toBe('published');
  });
});
