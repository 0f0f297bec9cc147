import { setTimeout as sleep } from 'node:timers/promises';
import { FINAL_STATES, type ProgressSnapshot } from '../../shared/progress/progress-snapshot.js';
import { ProgressWindow } from '../../shared/progress/progress-window.js';
import { progressUpdate, renderProgressLine } from '../../shared/progress/render-progress.js';

/**
 * How progress is shown: `bar` rewrites one line with a bar in place (a terminal); `lines` writes a plain line on
 * every state change and at most every `everyMs` (logs, CI); `json` writes one JSON object per update (NDJSON).
 */
export type ProgressOutput = 'bar' | 'lines' | 'json';

/** The output a stream gets by default: a bar on a terminal, plain lines elsewhere. */
export function defaultProgressOutput(stream: NodeJS.WritableStream & { isTTY?: boolean }, json: boolean): ProgressOutput {
  if (json) return 'json';
  return stream.isTTY === true ? 'bar' : 'lines';
}

export interface ProgressPrinterOptions {
  output: ProgressOutput;
  stream: NodeJS.WritableStream;
  /** `lines`: at most one line per this many ms besides state changes (default 5000); `json`: one object per this many ms (default 1000). */
  everyMs?: number;
  /** Width of the bar in characters. Default 20. */
  barWidth?: number;
}

/** Turns successive snapshots into output: the window gives the rate and ETA, the output decides what is written. */
export class ProgressPrinter {
  readonly #window = new ProgressWindow();
  readonly #everyMs: number;
  #lastState = '';
  #lastWrittenAt = 0;

  constructor(private readonly options: ProgressPrinterOptions) {
    this.#everyMs = options.everyMs ?? (options.output === 'json' ? 1_000 : 5_000);
  }

  /** Shows one snapshot; `finished` writes it whatever the interval and ends a bar's line. */
  show(snapshot: ProgressSnapshot, finished: boolean): void {
    this.#window.add(snapshot);
    const update = progressUpdate(snapshot, this.#window);
    const { output, stream } = this.options;
    if (output === 'bar') {
      stream.write(`\r\x1b[2K${renderProgressLine(update, { bar: true, barWidth: this.options.barWidth ?? 20 })}${finished ? '\n' : ''}`);
    } else if (finished || snapshot.state !== this.#lastState || snapshot.at - this.#lastWrittenAt >= this.#everyMs) {
      stream.write(`${output === 'json' ? JSON.stringify(update) : renderProgressLine(update, { bar: false })}\n`);
      this.#lastWrittenAt = snapshot.at;
    }
    this.#lastState = snapshot.state;
  }
}

export interface WatchProgressOptions extends ProgressPrinterOptions {
  /** Reads the counters now. */
  read: () => Promise<ProgressSnapshot>;
  /** How often the counters are read, ms. Default 500. */
  pollMs?: number;
}

/**
 * Reads and shows progress until the run or eval reaches a final state, and returns the last snapshot. Every
 * figure comes from the counters `read` returns.
 */
export async function watchProgress(options: WatchProgressOptions): Promise<ProgressSnapshot> {
  const printer = new ProgressPrinter(options);
  for (;;) {
    const snapshot = await options.read();
    const finished = FINAL_STATES.includes(snapshot.state);
    printer.show(snapshot, finished);
    if (finished) return snapshot;
    await sleep(options.pollMs ?? 500);
  }
}
