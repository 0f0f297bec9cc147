import { setTimeout as sleep } from 'node:timers/promises';
import { FINAL_STATES, type ProgressSnapshot } from '../../shared/progress/progress-snapshot.js';
import { ProgressWindow } from '../../shared/progress/progress-window.js';
import { progressUpdate, renderProgressLine } from '../../shared/progress/render-progress.js';

/**
 * How progress is shown: `bar` rewrites one line with a bar in place (a terminal); `lines` writes a plain line on
 * every state change and at most every `lineEveryMs` (logs, CI); `json` writes one JSON object per update (NDJSON).
 */
export type ProgressOutput = 'bar' | 'lines' | 'json';

export interface WatchProgressOptions {
  /** Reads the counters now. */
  read: () => Promise<ProgressSnapshot>;
  output: ProgressOutput;
  stream: NodeJS.WritableStream;
  /** Also ends the watch (besides a final state): e.g. an eval whose items are all done. Default: never. */
  isDone?: (snapshot: ProgressSnapshot) => boolean;
  /** How often the counters are read, ms. Default 500. */
  pollMs?: number;
  /** `lines`: at most one line per this many ms, besides state changes. Default 5000. `json`: one object per this many ms. Default 1000. */
  everyMs?: number;
  /** Width of the bar in characters. Default 20. */
  barWidth?: number;
}

/** The output a stream gets by default: a bar on a terminal, plain lines elsewhere. */
export function defaultProgressOutput(stream: NodeJS.WritableStream & { isTTY?: boolean }, json: boolean): ProgressOutput {
  if (json) return 'json';
  return stream.isTTY === true ? 'bar' : 'lines';
}

/**
 * Reads, renders and waits until the run or eval reaches a final state (or `isDone`), and returns the last
 * snapshot. Every figure comes from the counters `read` returns; the window turns them into a rate and an ETA.
 */
export async function watchProgress(options: WatchProgressOptions): Promise<ProgressSnapshot> {
  const window = new ProgressWindow();
  const pollMs = options.pollMs ?? 500;
  const everyMs = options.everyMs ?? (options.output === 'json' ? 1_000 : 5_000);
  let lastState = '';
  let lastWrittenAt = 0;
  for (;;) {
    const snapshot = await options.read();
    window.add(snapshot);
    const update = progressUpdate(snapshot, window);
    const finished = FINAL_STATES.includes(snapshot.state) || options.isDone?.(snapshot) === true;
    const due = snapshot.state !== lastState || finished || snapshot.at - lastWrittenAt >= everyMs;
    if (options.output === 'bar') {
      options.stream.write(`\r\x1b[2K${renderProgressLine(update, { bar: true, barWidth: options.barWidth ?? 20 })}${finished ? '\n' : ''}`);
    } else if (due) {
      options.stream.write(`${options.output === 'json' ? JSON.stringify(update) : renderProgressLine(update, { bar: false })}\n`);
      lastWrittenAt = snapshot.at;
    }
    lastState = snapshot.state;
    if (finished) return snapshot;
    await sleep(pollMs);
  }
}
