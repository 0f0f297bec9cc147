import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.js';
import { fractionFlag, intFlag } from '../../../cli/flag-values.js';

describe('numeric CLI flags', () => {
  it('reads integers within the range and refuses anything else with exit code 2, naming the flag', () => {
    expect(intFlag(undefined, '--n', 7, 1)).toBe(7);
    expect(intFlag(' 12 ', '--n', 7, 1)).toBe(12);
    expect(intFlag('0', '--count', 7, 0)).toBe(0);
    for (const bad of ['abc', '', '1.5', '-3', '0x10', '1e3', '12abc']) {
      expect(() => intFlag(bad, '--n', 7, 1)).toThrow(`--n must be a positive integer, got '${bad}'`);
    }
    expect(() => intFlag('65', '--samples', 8, 1, 64)).toThrow("--samples must be an integer from 1 to 64, got '65'");
    try {
      intFlag('x', '--n', 7, 1);
    } catch (error) {
      expect(error).toMatchObject({ name: 'CliError', exitCode: 2 });
    }
  });

  it('reads fractions from 0 to 1', () => {
    expect(fractionFlag(undefined, '--f', 0.5)).toBe(0.5);
    expect(fractionFlag('0.75', '--f', 0.5)).toBe(0.75);
    for (const bad of ['', 'x', '1.5', '-0.1', 'NaN']) expect(() => fractionFlag(bad, '--f', 0.5)).toThrow(`--f must be a number from 0 to 1, got '${bad}'`);
  });
});

describe('every numeric flag of every command (main, in process)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each([
    [['demo', '--items', '0'], "s2d demo: --items must be a positive integer, got '0'"],
    [['demo', '--eval-items', 'many'], "s2d demo: --eval-items must be a positive integer, got 'many'"],
    [['demo', '--workers=-1'], "s2d demo: --workers must be a positive integer, got '-1'"],
    [['demo', '--samples', '0'], "s2d demo: --samples must be an integer from 1 to 64, got '0'"],
    [['demo', '--min-agreement', '1.5'], "s2d demo: --min-agreement must be a number from 0 to 1, got '1.5'"],
    [['generate', 'coin-flip', '--seed', 'x'], "s2d generate: --seed must be a non-negative integer, got 'x'"],
    [['generate', 'coin-flip', '--k', '51'], "s2d generate: --k must be an integer from 1 to 50, got '51'"],
    [['generate', 'coin-flip', '--name', '../up'], "s2d generate: --name must be letters, digits, '.', '_' and '-' only, starting with a letter or digit, got '../up'"],
    [['worker', '--concurrency', '2.5'], "s2d worker: --concurrency must be a positive integer, got '2.5'"],
    [['sim', '--port', 'http'], "s2d sim: --port must be an integer from 0 to 65535, got 'http'"],
    [['dashboard', '--port', '70000'], "s2d dashboard: --port must be an integer from 0 to 65535, got '70000'"],
    // No credentials in the test environment: refused before anything connects or listens.
    [['dashboard', '--host', '0.0.0.0'], 's2d dashboard: refusing to listen on 0.0.0.0 without credentials: set S2D_DASHBOARD_TOKEN, or S2D_DASHBOARD_USER and S2D_DASHBOARD_PASSWORD (or use a loopback --host)'],
  ])('s2d %j: one line, exit 2', async (argv, line) => {
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    expect(await main(argv)).toBe(2);
    expect(stderr.join('')).toBe(`${line}\n`);
  });
});
