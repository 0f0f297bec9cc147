import { DelayedError, type Job } from 'bullmq';
import type { EndpointHealthView } from '../shared/limits/endpoint-limiter.js';
import { outageParkMs, suspectParkMs, windowRestMs } from '../shared/limits/outage-schedule.js';
import { judgeSuspectFailure } from '../shared/limits/outage-verdict.js';
import type { Logger } from '../shared/logger.js';

/**
 * Job-data fields of the outage rules (the payload schemas ignore or allow unknown fields):
 * - SUSPECT_FIELD `{at, reason}`: an outage-class failure on an endpoint that was not down, waiting to be judged.
 * - ITEM_FAULTS_FIELD: outage-class failures judged the item's own; they count as used attempts, beside BullMQ's
 *   attemptsMade (which counts the attempts BullMQ retried).
 */
export const SUSPECT_FIELD = 'outageSuspect';
export const ITEM_FAULTS_FIELD = 'itemFaults';

interface Suspect {
  at: number;
  reason: string;
}

/** Attempts an item has used: BullMQ's, plus outage-class failures judged its own. */
export function attemptsUsed(job: Job): number {
  return job.attemptsMade + itemFaultsOf(job);
}

function itemFaultsOf(job: Job): number {
  const value: unknown = (job.data as Record<string, unknown>)[ITEM_FAULTS_FIELD];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

function suspectOf(job: Job): Suspect | null {
  const value: unknown = (job.data as Record<string, unknown>)[SUSPECT_FIELD];
  if (typeof value !== 'object' || value === null) return null;
  const { at, reason } = value as Record<string, unknown>;
  return typeof at === 'number' && typeof reason === 'string' ? { at, reason } : null;
}

/** Parks a job in BullMQ's delayed set without using an attempt (moveToDelayed + DelayedError); recovery promotes it. */
async function park(job: Job, token: string | undefined, health: EndpointHealthView, delayMs: number, why: string): Promise<never> {
  await job.moveToDelayed(Date.now() + delayMs, token);
  if (job.id !== undefined) await health.noteParked(job.queueName, job.id).catch(() => undefined);
  throw new DelayedError(why);
}

/** An item met a down endpoint: it waits for the next probe (or the recovery that promotes it), no attempt used. */
export function parkWhileDown(job: Job, token: string | undefined, health: EndpointHealthView, retryInMs: number): Promise<never> {
  return park(job, token, health, outageParkMs(retryInMs, Math.random()), `the LLM endpoint ${health.baseUrl} is down`);
}

/** The job's own retry backoff (`retryBackoffMs`), ms. */
function backoffOf(job: Job): number {
  const backoff = job.opts.backoff;
  return typeof backoff === 'object' && typeof backoff.delay === 'number' ? backoff.delay : typeof backoff === 'number' ? backoff : 1_000;
}

/**
 * An outage-class failure on an endpoint that is not down (yet): the item waits its retry backoff (at most the outage
 * window) without using an attempt, and the failure is judged when it comes back ({@link settleSuspect}).
 */
export async function parkSuspect(job: Job, token: string | undefined, health: EndpointHealthView, at: number, reason: string, logger: Logger, logFields: Record<string, string | number>): Promise<never> {
  await job.updateData({ ...(job.data as object), [SUSPECT_FIELD]: { at, reason } satisfies Suspect });
  logger.debug({ ...logFields, reason }, 'outage-class failure on a live endpoint: judged when the item comes back');
  const delayMs = suspectParkMs(health.outage.windowMs, backoffOf(job), attemptsUsed(job), Math.random());
  return park(job, token, health, delayMs, 'waiting to tell an outage from an item fault');
}

/**
 * Judges an item's pending outage-class failure before the item runs again (shared/limits/outage-verdict.ts): an
 * outage uses no attempt; the item's own fault uses one. Returns the reason and attempts when that was the item's
 * last attempt (record it errored), else null (run it). Undecided (nothing has finished since and the window is still
 * open), the item parks again until the window has passed.
 */
export async function settleSuspect(job: Job, token: string | undefined, health: EndpointHealthView | undefined, maxAttempts: number): Promise<{ reason: string; attempts: number } | null> {
  const suspect = suspectOf(job);
  if (suspect === null) return null;
  const now = health === undefined ? undefined : await health.health();
  const verdict = health === undefined || now === undefined ? 'item' : judgeSuspectFailure(now, suspect.at, health.outage.windowMs);
  if (verdict === 'undecided' && health !== undefined && now !== undefined) {
    return park(job, token, health, windowRestMs(suspect.at, now.now, health.outage.windowMs, Math.random()), 'waiting out the outage window');
  }
  const faults = itemFaultsOf(job) + (verdict === 'item' ? 1 : 0);
  const { [SUSPECT_FIELD]: _judged, ...rest } = job.data as Record<string, unknown>;
  await job.updateData({ ...rest, [ITEM_FAULTS_FIELD]: faults });
  const used = job.attemptsMade + faults;
  return verdict === 'item' && used >= maxAttempts ? { reason: suspect.reason, attempts: used } : null;
}
