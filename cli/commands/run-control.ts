import { parseArgs } from 'node:util';
import { readEnv } from '../../shared/config/env.js';
import { CliError } from '../cli-error.js';
import { openQueueClientsFromEnv } from '../queue-clients.js';
import { applyRunControl, CONTROL_WORDS, refusalOf, type RunControl } from '../run-control-actions.js';

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

export const cancelCommand = (argv: string[]): Promise<number> => control(argv, 'cancel', cancelUsage);
export const pauseCommand = (argv: string[]): Promise<number> => control(argv, 'pause', pauseUsage);
export const resumeCommand = (argv: string[]): Promise<number> => control(argv, 'resume', resumeUsage);

async function control(argv: string[], name: RunControl, usage: string): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true });
  const runId = positionals[0];
  if (runId === undefined) throw new CliError(`missing runId\n${usage}`, 2);
  const env = readEnv();
  const clients = await openQueueClientsFromEnv(env, name);
  try {
    const outcome = await applyRunControl(clients, name, runId, `s2d ${name}`);
    const refusal = refusalOf(outcome, runId, env.S2D_PREFIX);
    if (refusal !== null || !outcome.ok) throw new CliError(refusal ?? `run ${runId} cannot be changed`);
    const words = CONTROL_WORDS[name];
    process.stderr.write(outcome.already ? `${runId}: already ${words.already}\n` : `${runId}: ${words.done}\n`);
    return 0;
  } finally {
    await clients.close();
  }
}
