import { parseArgs } from 'node:util';
import { readEnv } from '../../shared/config/env.js';
import { promoteRunJobs } from '../../shared/queue/promote-run-jobs.js';
import type { ControlOutcome } from '../../shared/runs/run-store.js';
import { CliError } from '../cli-error.js';
import { openQueueClientsFromEnv, type QueueClients } from '../queue-clients.js';

export const cancelUsage = `s2d cancel <runId>
  Stops a run: no new item starts, in-flight items finish, items never started are recorded as rejects with code
  "cancelled", and the dataset is published as partial (manifest "partial": true).`;

export const pauseUsage = `s2d pause <runId>
  Pauses one run (others sharing the queue go on): its items are parked without using an attempt; in-flight items
  finish. Resume with s2d resume.`;

export const resumeUsage = `s2d resume <runId>
  Resumes a paused run where it stopped: parked items go back to the front of the queue. A run paused because its
  endpoint was down too long (model.outage.maxMinutes) also resumes by itself when the endpoint recovers; resumed by
  hand during that outage, its items keep waiting for the endpoint (they never error because of it).`;

export const cancelCommand = (argv: string[]): Promise<number> =>
  control(argv, 'cancel', cancelUsage, async (clients, runId) => {
    const outcome = await clients.runs.stop(runId, 'cancelled', 'cancelled with s2d cancel');
    // Parked items (a paused run) must not wait out their park time to be recorded as cancelled.
    if (outcome.ok) await promoteRunJobs(clients.distillQueue, runId);
    return [outcome, 'cancelling: in-flight items finish, the rest are recorded as cancelled, then a partial dataset is published', 'cancelled'];
  });

export const pauseCommand = (argv: string[]): Promise<number> =>
  control(argv, 'pause', pauseUsage, async (clients, runId) => [await clients.runs.pause(runId), 'paused: in-flight items finish, no new item starts', 'paused']);

export const resumeCommand = (argv: string[]): Promise<number> =>
  control(argv, 'resume', resumeUsage, async (clients, runId) => {
    const outcome = await clients.runs.resume(runId);
    if (outcome.ok) await promoteRunJobs(clients.distillQueue, runId);
    return [outcome, 'resumed', 'running'];
  });

type Action = (clients: QueueClients, runId: string) => Promise<[ControlOutcome, string, string]>;

async function control(argv: string[], name: string, usage: string, action: Action): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true });
  const runId = positionals[0];
  if (runId === undefined) throw new CliError(`missing runId\n${usage}`, 2);
  const env = readEnv();
  const clients = await openQueueClientsFromEnv(env, name);
  try {
    const [outcome, done, already] = await action(clients, runId);
    if (!outcome.ok) {
      if (outcome.state === null) throw new CliError(`no run ${runId} under prefix ${env.S2D_PREFIX}`);
      throw new CliError(`run ${runId} is ${outcome.state}: only a producing, running or paused run can be changed`);
    }
    process.stderr.write(outcome.already ? `${runId}: already ${already}\n` : `${runId}: ${done}\n`);
    return 0;
  } finally {
    await clients.close();
  }
}
