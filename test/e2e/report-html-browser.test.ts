import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnWorkerProcess, type WorkerProcess } from '../../cli/spawn-worker-process.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import type { Report } from '../../shared/eval/render-report.js';
import { findChromium } from '../helpers/chromium.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

const exec = promisify(execFile);
const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;
const OUTPUT_DIR = new URL('../../test-output/', import.meta.url).pathname;
/** A task name from a label file that would run script if the page did not escape it. */
const HOSTILE_TASK = 'coin <script>document.title="owned"</script> & "flip"';
const browserFound = findChromium();
if (browserFound.missing !== null) console.log(browserFound.missing);

/** Arithmetic and coin-flip items in one labelled set; the coin-flip rows carry the hostile task name. */
async function writeMixedSet(dir: string): Promise<void> {
  const data = join(dir, 'data');
  await writeTaskFiles({ family: 'arithmetic', count: 16, seed: 5, dir: data, name: 'arith' });
  await writeTaskFiles({ family: 'coin-flip', count: 16, seed: 5, dir: data, name: 'coin' });
  const read = async (name: string): Promise<string[]> => (await readFile(join(data, name), 'utf8')).trim().split('\n');
  const coinLabels = (await read('coin.labels.jsonl')).map((line) => JSON.stringify({ ...(JSON.parse(line) as object), task: HOSTILE_TASK }));
  await writeFile(join(data, 'mixed.inputs.jsonl'), [...(await read('arith.inputs.jsonl')), ...(await read('coin.inputs.jsonl'))].join('\n') + '\n');
  await writeFile(join(data, 'mixed.labels.jsonl'), [...(await read('arith.labels.jsonl')), ...coinLabels].join('\n') + '\n');
}

/** Each matched element's attributes (in the order asked) and text, read through the locator API. */
async function elements(locator: Locator, names: readonly string[]): Promise<{ attrs: (string | null)[]; text: string | null }[]> {
  const found: { attrs: (string | null)[]; text: string | null }[] = [];
  for (let i = 0; i < (await locator.count()); i++) {
    const element = locator.nth(i);
    found.push({ attrs: await Promise.all(names.map((name) => element.getAttribute(name))), text: await element.textContent() });
  }
  return found;
}

describe.skipIf(browserFound.path === null)('s2d report --html in a headless browser', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let worker: WorkerProcess;
  let browser: Browser;
  let dir: string;
  const prefix = isolatedPrefix('reporthtml');
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, REDIS_URL: inject('redisUrl'), S2D_PREFIX: prefix, OPENAI_BASE_URL: simulator.baseUrl, S2D_LOG_LEVEL: 'warn' });
  const s2d = (...args: string[]) => exec(process.execPath, [BIN, ...args], { env: env(), cwd: dir });
  const spec = (name: string, strategy: string, model = 'sim-llama-2-70b-chat'): string =>
    [`name: ${name}`, 'input: data/mixed.inputs.jsonl', 'labels: data/mixed.labels.jsonl', 'answerType: number', `strategy: ${strategy}`,
      'model:', `  name: ${model}`, '  prices: { promptUsdPerMTok: 0.5, completionUsdPerMTok: 1.5 }', 'output:', '  dir: out', ''].join('\n');

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 4 });
    dir = await mkdtemp(join(tmpdir(), 's2d-reporthtml-'));
    await writeMixedSet(dir);
    worker = spawnWorkerProcess(env());
    browser = await chromium.launch({ executablePath: browserFound.path ?? '', headless: true });
  });
  afterAll(async () => {
    await browser.close();
    await worker.stop(5_000);
    await simulator.close();
  });

  it('renders the charts, the SIMULATOR marks and the report\'s numbers, fetching nothing and logging no error', async () => {
    await writeFile(join(dir, 's1.yaml'), spec('s1', 'system1'));
    await writeFile(join(dir, 'cot.yaml'), spec('cot', 'cot'));
    await writeFile(join(dir, 'dist.yaml'), spec('dist', 'system1', 'sim-llama-2-70b-chat-distilled'));
    const ids: string[] = [];
    for (const [file, extra] of [['s1.yaml', []], ['cot.yaml', []], ['dist.yaml', ['--label', 'distilled']]] as const) {
      ids.push((JSON.parse((await s2d('eval', file, ...extra, '--json')).stdout) as { evalId: string }).evalId);
    }
    const htmlPath = join(dir, 'report.html');
    const ran = await s2d('report', '--dir', 'out', '--json', '--html', 'report.html', ...ids);
    expect(ran.stderr).toContain(`wrote ${htmlPath}`);
    const report = JSON.parse(ran.stdout) as Report;
    expect(report.columns.map((c) => [c.key, c.simulator])).toEqual([['system1', true], ['cot', true], ['distilled', true]]);
    expect(report.rows.map((r) => r.task)).toEqual(['arithmetic', HOSTILE_TASK]);

    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`); });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => problems.push(`dialog: ${dialog.message()}`));
    page.on('request', (request) => requests.push(request.url()));
    const url = pathToFileURL(htmlPath).href;
    await page.goto(url, { waitUntil: 'load' });

    // One bar per (task, column) cell, one per method in the cost chart: every cell here has a result.
    expect(await page.locator('svg#chart-accuracy rect.bar').count()).toBe(6);
    expect(await page.locator('svg#chart-tokens rect.bar').count()).toBe(6);
    expect(await page.locator('svg#chart-cost rect.bar').count()).toBe(3);
    expect(await page.locator('svg.chart .missing').count()).toBe(0);
    // Simulated everywhere: the banner, the badges and the hatched bars are on screen.
    await expect.poll(() => page.locator('#simulator-note').isVisible()).toBe(true);
    expect(await page.locator('.sim-badge').first().isVisible()).toBe(true);
    expect(await page.locator('svg#chart-accuracy .legend-item[data-simulator="true"]').count()).toBe(3);
    expect(await page.locator('svg#chart-accuracy text', { hasText: 'System 1 — SIMULATOR' }).count()).toBe(1);
    expect(await page.locator('rect.sim-hatch').count()).toBe(15);

    // The page's numbers are the report's: table cells as text, bars by their raw value.
    const cells = await elements(page.locator('#table-accuracy td'), ['data-column', 'data-row', 'data-metric']);
    const bars = await elements(page.locator('svg#chart-accuracy rect.bar'), ['data-series', 'data-category', 'data-value']);
    expect(cells).toHaveLength(12);
    for (const row of report.rows) {
      for (const column of report.columns) {
        const cell = row.cells[column.key];
        if (cell === null || cell === undefined) throw new Error(`no ${column.key} result for ${row.task}`);
        const text = (metric: string) => cells.find((c) => c.attrs.join('|') === [column.key, row.task, metric].join('|'))?.text;
        expect(text('accuracy')).toBe(`${(cell.accuracy * 100).toFixed(1)}%`);
        expect(text('tokensPerItem')).toBe(cell.tokensPerItem.toFixed(1));
        const bar = bars.find((b) => b.attrs[0] === column.key && b.attrs[1] === row.task);
        expect(Number(bar?.attrs[2])).toBe(cell.accuracy);
      }
    }
    for (const cost of report.costs) {
      const bar = page.locator(`svg#chart-cost rect.bar[data-series="${cost.key}"]`);
      expect(Number(await bar.getAttribute('data-value'))).toBe(cost.usdPerCorrect);
      const usdCell = page.locator(`#table-cost td[data-column="${cost.key}"][data-metric="usdPerCorrect"]`);
      expect(await usdCell.textContent()).toMatch(/^\$[\d.]+$/);
      expect(await page.locator(`#table-cost td[data-column="${cost.key}"][data-metric="paidRequests"]`).textContent()).toBe(String(cost.paidRequests));
    }
    // Log axis: a CoT bar is far taller than the System 1 bar of the same task, yet both are drawn.
    const height = async (key: string) => Number(await page.locator(`svg#chart-tokens rect.bar[data-series="${key}"]`).first().getAttribute('height'));
    expect(await height('cot')).toBeGreaterThan(await height('system1'));
    expect(await height('system1')).toBeGreaterThan(1);

    // The hostile task name shows as text and ran nothing.
    expect(await page.locator('#table-accuracy tbody th').nth(1).textContent()).toBe(HOSTILE_TASK);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.title()).toBe('s2d evaluation report');

    await mkdir(OUTPUT_DIR, { recursive: true });
    const shot = join(OUTPUT_DIR, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`report screenshot: ${shot}`);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });
});
