/**
 * Test only: `S2D_TEST_CRASH_AT=<point>` makes a worker SIGKILL itself when its batcher reaches that point, so fault
 * tests can kill a worker at an exact step of a batch's life. Points:
 * - `after-upload`: the input file is uploaded, its id not yet recorded.
 * - `after-create`: the batch is created at the provider, its id not yet recorded.
 * - `while-polling`: a look found the batch still running.
 * - `during-ingest`: an ended batch's answers are cached and counted, the batch not yet settled.
 * Never set it in production: the worker dies on purpose.
 */
export type CrashPoint = 'after-upload' | 'after-create' | 'while-polling' | 'during-ingest';

export function crashPoint(point: CrashPoint, env: NodeJS.ProcessEnv = process.env): void {
  if (env.S2D_TEST_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
