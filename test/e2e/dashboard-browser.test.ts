import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnWorkerProcess, type WorkerProcess } from '../../cli/spawn-worker-process.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { LIVE_RUN_STATES } from '../../shared/runs/run-states.js';
import { findChromium } from '../helpers/chromium.js';
import { createRunFixture, type RunFixture } from '../helpers/run-fixture.js';
import { workerEnv } from '../helpers/worker-env.js';

const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;
const OUTPUT_DIR = new URL('../../test-output/', import.meta.url).pathname;
const ITEMS = 150;
const browserFound = findChromium();
if (browserFound.missing !== null) console.log(browserFound.missing);

/** `s2d dashboard --port 0` as an operator starts it, with no credentials set: it prints a login URL with a fresh token. */
async function startDashboardCli(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; loginUrl: string; base: string }> {
  const child = spawn(process.execPath, [BIN, 'dashboard', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const loginUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`no login URL within 20 s; stderr: ${stderr}`)); }, 20_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = /log in at (http:\/\/\S+)/.exec(stderr);
      if (found?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.once('exit', (code) => { reject(new Error(`dashboard exited ${code}: ${stderr}`)); });
  });
  return { child, loginUrl, base: new URL('/', loginUrl).href };
}

describe.skipIf(browserFound.path === null)('s2d dashboard in a headless browser', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let worker: WorkerProcess;
  let browser: Browser;
  let run: RunFixture;
  let dashboard: Awaited<ReturnType<typeof startDashboardCli>>;

  beforeAll(async () => {
    // Slow answers and two items at a time: the run is still live while the browser looks at it.
    simulator = await startSimulator({ seed: 4, latency: { ttftMs: 120, perTokenMs: 1, jitter: 0.2 } });
    run = await createRunFixture({ label: 'dashboard', redisUrl: inject('redisUrl'), baseUrl: simulator.baseUrl, items: ITEMS, withBadLines: true });
    worker = spawnWorkerProcess(workerEnv(inject('redisUrl'), run.prefix, { S2D_WORKER_CONCURRENCY: '2' }));
    await run.submit();
    const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: inject('redisUrl'), S2D_PREFIX: run.prefix, S2D_LOG_LEVEL: 'warn' };
    delete env.S2D_DASHBOARD_TOKEN;
    delete env.S2D_DASHBOARD_USER;
    delete env.S2D_DASHBOARD_PASSWORD;
    dashboard = await startDashboardCli(env);
    browser = await chromium.launch({ executablePath: browserFound.path ?? '', headless: true });
  });
  afterAll(async () => {
    await browser.close();
    dashboard.child.kill('SIGTERM');
    await run.clients.runs.stop(run.spec.runId, 'cancelled', 'test over');
    await worker.stop(10_000);
    await run.clients.close();
    await simulator.close();
  });

  const runState = async (): Promise<string | undefined> => (await run.clients.runs.get(run.spec.runId))?.state;

  it('shows the live run, pauses and resumes it with the buttons, shows bull-board, and turns away requests without credentials or CSRF token', async () => {
    const runId = run.spec.runId;
    await expect.poll(async () => (await run.clients.runs.get(runId))?.done ?? 0, { timeout: 30_000 }).toBeGreaterThanOrEqual(6);

    const page: Page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
    page.on('response', (response) => { if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`); });

    // Log in with the printed URL: a session cookie, then the runs list (the token gone from the address bar).
    await page.goto(dashboard.loginUrl);
    expect(page.url()).toBe(dashboard.base);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 's2d_dashboard_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');

    // The runs list shows the live run and its progress.
    const row = page.locator(`tr[data-run-id="${runId}"]`);
    expect(LIVE_RUN_STATES as readonly string[]).toContain(await row.locator('td.state').getAttribute('data-state'));
    const shownDone = Number(await row.locator('td.progress').getAttribute('data-done'));
    expect(shownDone).toBeGreaterThan(0);
    expect(shownDone).toBeLessThan(ITEMS + run.badLines);

    // Its page: counts, the vote-share histogram, the charts' caveat, sample items with their prompts.
    await row.locator('a').click();
    await page.waitForURL(`${dashboard.base}runs/${runId}`);
    expect(Number(await page.locator('#count-accepted').textContent())).toBeGreaterThanOrEqual(0);
    expect(await page.locator('#counts td.progress').getAttribute('data-done')).not.toBeNull();
    expect(await page.locator('svg#chart-vote-share rect.bar').count()).toBe(10);
    expect(await page.locator('#chart-throughput').count()).toBe(1);
    expect(await page.locator('#sampling-note').textContent()).toContain('since');
    // The producer's unreadable lines are rejects the page counts from the stored item results.
    await expect.poll(async () => { await page.reload(); return page.locator('#reject-reasons').textContent(); }, { timeout: 20_000 }).toMatch(/malformed-json|invalid-input/);
    expect(await page.locator('#accepted-items tbody tr').count()).toBeGreaterThan(0);
    // The dashboard samples the counters every 5 s: after a few samples the throughput and cost lines have points.
    await expect.poll(async () => { await page.reload(); return page.locator('svg#chart-throughput circle.point').count(); }, { timeout: 20_000, interval: 2_000 }).toBeGreaterThan(0);
    expect(await page.locator('svg#chart-cost circle.point').count()).toBeGreaterThan(1);

    // Pause: the run's state in Redis becomes paused; Resume: live again.
    await page.locator('#pause-button').click();
    await page.waitForURL(/\?done=pause/);
    expect(await page.locator('#flash').textContent()).toContain('paused');
    expect(await runState()).toBe('paused');
    expect(await page.locator('#run-state').getAttribute('data-state')).toBe('paused');
    await mkdir(OUTPUT_DIR, { recursive: true });
    const shot = join(OUTPUT_DIR, 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`dashboard screenshot: ${shot}`);
    await page.locator('#resume-button').click();
    await page.waitForURL(/\?done=resume/);
    expect(['producing', 'running']).toContain(await runState());

    // bull-board, behind the same session.
    await page.goto(`${dashboard.base}queues`);
    await expect.poll(() => page.locator('text=distill').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const queuesApi = await page.request.get(`${dashboard.base}queues/api/queues`);
    expect(queuesApi.status()).toBe(200);
    const queuesShot = join(OUTPUT_DIR, 'dashboard-queues.png');
    await page.screenshot({ path: queuesShot });
    console.log(`bull-board screenshot: ${queuesShot}`);
    // No script error, CSP violation or failed request on any page, bull-board's included (its CDN font link is gone).
    expect(problems).toEqual([]);

    // Without credentials: 401 on a page, on bull-board and its API, and on a control POST; the run is untouched.
    const origin = dashboard.base.replace(/\/$/, '');
    for (const path of ['', `runs/${runId}`, 'queues', 'queues/api/queues']) {
      expect([path, (await fetch(`${dashboard.base}${path}`)).status]).toEqual([path, 401]);
    }
    const form = { 'content-type': 'application/x-www-form-urlencoded', origin };
    expect((await fetch(`${dashboard.base}runs/${runId}/pause`, { method: 'POST', headers: form, body: '' })).status).toBe(401);
    expect((await fetch(`${dashboard.base}runs/${runId}/pause`, { method: 'POST', headers: { ...form, authorization: 'Bearer wrong-token-of-some-length' }, body: '' })).status).toBe(401);
    // Logged in but without the CSRF token (or with another's): 403, nothing changes.
    const cookie = `s2d_dashboard_session=${session?.value ?? ''}`;
    expect((await fetch(`${dashboard.base}runs/${runId}/pause`, { method: 'POST', headers: { ...form, cookie }, body: '' })).status).toBe(403);
    expect((await fetch(`${dashboard.base}runs/${runId}/pause`, { method: 'POST', headers: { ...form, cookie }, body: '_csrf=guess' })).status).toBe(403);
    expect((await fetch(`${dashboard.base}runs/${runId}/pause`, { method: 'GET', headers: { cookie } })).status).toBe(404);
    expect(['producing', 'running']).toContain(await runState());
    await page.close();
  });
});
