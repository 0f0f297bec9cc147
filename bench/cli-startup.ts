/**
 * Start-up time of the `s2d` binary: the compiled build (dist/) against the TypeScript sources through tsx
 * (S2D_FROM_SOURCE=1, what the binary ran before the build existed), `s2d help` and `s2d generate` each run
 * RUNS times per mode, interleaved, median wall time. Needs `npm run build` first. Printed, never asserted.
 *
 * Standalone: `node --import tsx bench/cli-startup.ts`; `npm run bench` runs it too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const BIN = new URL('../bin/s2d.mjs', import.meta.url).pathname;
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 9);

function timeOnce(args: string[], fromSource: boolean): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, S2D_FROM_SOURCE: fromSource ? '1' : '' }, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`s2d ${args.join(' ')} exited ${String(result.status)}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

export function printCliStartup(): void {
  if (!existsSync(new URL('../dist/.build-stamp', import.meta.url))) {
    console.log('cli start-up: skipped (no build: run `npm run build` first)\n');
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 's2d-bench-startup-'));
  const commands: [string, string[]][] = [
    ['s2d help', ['help']],
    ['s2d generate (10 items)', ['generate', 'coin-flip', '--count', '10', '--out', out]],
  ];
  console.log(`cli start-up — median of ${RUNS} runs each, compiled build vs TypeScript sources through tsx`);
  console.log('  command                      compiled   from source   source / compiled');
  for (const [label, args] of commands) {
    const compiled: number[] = [];
    const source: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      compiled.push(timeOnce(args, false));
      source.push(timeOnce(args, true));
    }
    const [c, s] = [median(compiled), median(source)];
    console.log(`  ${label.padEnd(26)} ${`${c.toFixed(0)} ms`.padStart(10)} ${`${s.toFixed(0)} ms`.padStart(13)}   ${(s / c).toFixed(2)}x`);
  }
  console.log('');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) printCliStartup();
