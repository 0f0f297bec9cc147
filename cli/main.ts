import { InputFileError } from '../producers/jsonl-input.js';
import { describeS3Failure } from '../shared/artifacts/s3-failure.js';
import { EnvError } from '../shared/config/env-error.js';
import { describeRedisError, isRedisCommandError } from '../shared/queue/describe-redis-error.js';
import { RunSpecError } from '../shared/config/load-run-spec.js';
import { RunConflictError } from '../shared/runs/run-store.js';
import { EvalConflictError } from '../shared/eval/eval-run-store.js';
import { RunFailedError } from '../shared/runs/wait-for-publication.js';
import { CliError } from './cli-error.js';
import { collectCommand, collectUsage } from './commands/collect.js';
import { dashboardCommand, dashboardUsage } from './commands/dashboard.js';
import { demoCommand, demoUsage } from './commands/demo.js';
import { evalCommand, evalUsage } from './commands/eval.js';
import { reportCommand, reportUsage } from './commands/report.js';
import { generateCommand, generateUsage } from './commands/generate.js';
import { cancelCommand, cancelUsage, pauseCommand, pauseUsage, resumeCommand, resumeUsage } from './commands/run-control.js';
import { retryCommand, retryUsage } from './commands/retry.js';
import { simCommand, simUsage } from './commands/sim.js';
import { statusCommand, statusUsage } from './commands/status.js';
import { submitCommand, submitUsage } from './commands/submit.js';
import { workerCommand, workerUsage } from './commands/worker.js';

export const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  demo: { run: demoCommand, usage: demoUsage },
  submit: { run: submitCommand, usage: submitUsage },
  status: { run: statusCommand, usage: statusUsage },
  cancel: { run: cancelCommand, usage: cancelUsage },
  pause: { run: pauseCommand, usage: pauseUsage },
  resume: { run: resumeCommand, usage: resumeUsage },
  retry: { run: retryCommand, usage: retryUsage },
  worker: { run: workerCommand, usage: workerUsage },
  sim: { run: simCommand, usage: simUsage },
  generate: { run: generateCommand, usage: generateUsage },
  collect: { run: collectCommand, usage: collectUsage },
  eval: { run: evalCommand, usage: evalUsage },
  report: { run: reportCommand, usage: reportUsage },
  dashboard: { run: dashboardCommand, usage: dashboardUsage },
};

function help(): string {
  return [
    's2d — distil System 2 prompting into System 1 training data',
    '',
    ...Object.values(COMMANDS).map((command) => command.usage),
    '',
  ].join('\n\n');
}

/** Runs one CLI command; returns the process exit code. Known failures print one line, not a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(help());
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`s2d: unknown command "${name}"\n\n${help()}`);
    return 1;
  }
  try {
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
      process.stderr.write(`s2d ${name}: ${error.message}\n\n${command.usage}\n`);
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
