import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

// From the sources (cli/) and from the build (dist/cli/) alike.
const BIN = join(packageRoot(), 'bin', 's2d.mjs');

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** SIGTERM (drain) and wait; SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
  /** The last few KB the worker wrote to stderr (its logs), to explain a crash. */
  stderrTail(): string;
  /** The last few KB the worker wrote to stdout (nothing, normally: its logs go to stderr). */
  stdoutTail(): string;
}

/** Starts `s2d worker` as a separate OS process, exactly as an operator would scale out. */
export function spawnWorkerProcess(env: NodeJS.ProcessEnv, args: string[] = []): WorkerProcess {
  const child = spawn(process.execPath, [BIN, 'worker', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => {
    // Keep only the tail: enough to explain a crash, bounded in memory.
    stderr = (stderr + chunk.toString()).slice(-8_000);
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout = (stdout + chunk.toString()).slice(-8_000);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return {
    child,
    exited,
    stop: async (graceMs = 30_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const result = await exited;
        clearTimeout(timer);
        return result;
      }
      return exited;
    },
    stderrTail: () => stderr,
    stdoutTail: () => stdout,
  };
}
