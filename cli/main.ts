import { InputFileError } from '../producers/jsonl-input.js';
import { describeS3Failure } from '../shared/artifacts/s3-failure.js';
import { EnvError } from '../shared/config/env-error.js';
import { describeRedisError, isRedisCommandError } from '../shared/queue/describe-redis-error.js';
import { RunSpecError } from '../shared/config/load-run-spec.js';
import { RunConflictError } from '../shared/runs/run-store.js';
import { EvalConflictError } from '../shared/eval/eval-run-store.js';
import { RunFailedError } from '../shared/runs/wait-for-publication.js';
import { CliError } from './cli-error.js';

interface Command {
  run: (argv: string[]) => Promise<number>;
  usage: string;
}

/**
 * The commands, each loaded only when it runs (or for help): a command's start-up pays for its own modules alone,
 * not for the AWS SDK, BullMQ workers or the simulator of the others.
 */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  demo: async () => import('./commands/demo.js').then((m) => ({ run: m.demoCommand, usage: m.demoUsage })),
  submit: async () => import('./commands/submit.js').then((m) => ({ run: m.submitCommand, usage: m.submitUsage })),
  status: async () => import('./commands/status.js').then((m) => ({ run: m.statusCommand, usage: m.statusUsage })),
  cancel: async () => import('./commands/run-control.js').then((m) => ({ run: m.cancelCommand, usage: m.cancelUsage })),
  pause: async () => import('./commands/run-control.js').then((m) => ({ run: m.pauseCommand, usage: m.pauseUsage })),
  resume: async () => import('./commands/run-control.js').then((m) => ({ run: m.resumeCommand, usage: m.resumeUsage })),
  retry: async () => import('./commands/retry.js').then((m) => ({ run: m.retryCommand, usage: m.retryUsage })),
  worker: async () => import('./commands/worker.js').then((m) => ({ run: m.workerCommand, usage: m.workerUsage })),
  sim: async () => import('./commands/sim.js').then((m) => ({ run: m.simCommand, usage: m.simUsage })),
  generate: async () => import('./commands/generate.js').then((m) => ({ run: m.generateCommand, usage: m.generateUsage })),
  collect: async () => import('./commands/collect.js').then((m) => ({ run: m.collectCommand, usage: m.collectUsage })),
  eval: async () => import('./commands/eval.js').then((m) => ({ run: m.evalCommand, usage: m.evalUsage })),
  report: async () => import('./commands/report.js').then((m) => ({ run: m.reportCommand, usage: m.reportUsage })),
  dashboard: async () => import('./commands/dashboard.js').then((m) => ({ run: m.dashboardCommand, usage: m.dashboardUsage })),
};

async function help(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  return ['s2d — distil System 2 prompting into System 1 training data', '', ...commands.map((command) => command.usage), ''].join('\n\n');
}

/** Runs one CLI command; returns the process exit code. Known failures print one line, not a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(await help());
    return name === undefined ? 1 : 0;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    process.stderr.write(`s2d: unknown command "${name}"\n\n${await help()}`);
    return 1;
  }
  let command: Command | undefined;
  try {
    command = await load();
    return await command.run(rest);
  } catch (error) {
    if (error instanceof CliError || error instanceof RunSpecError || error instanceof InputFileError || error instanceof RunConflictError || error instanceof RunFailedError || error instanceof EvalConflictError) {
      process.stderr.write(`s2d ${name}: ${error.message}\n`);
      return error instanceof CliError ? error.exitCode : 2;
    }
    if (error instanceof EnvError) {
      process.stderr.write(`s2d ${name}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`s2d ${name}: ${error.message}\n\n${command?.usage ?? ''}\n`);
      return 2;
    }
    // Printed whole, a Redis error would show the command it answered: when that was AUTH (a reconnect after the
    // password changed), the password.
    if (isRedisCommandError(error)) {
      process.stderr.write(`s2d ${name}: Redis error: ${describeRedisError(error)}\n`);
      return 1;
    }
    // A bucket that does not exist, no credentials, an endpoint that does not answer: known, whichever command met it.
    const s3Failure = describeS3Failure(error);
    if (s3Failure !== undefined) {
      process.stderr.write(`s2d ${name}: S3 request failed: ${s3Failure}\n`);
      return 1;
    }
    throw error;
  }
}
