import { DelayedError, type Job } from 'bullmq';
import { EndpointDownError } from '../../shared/limits/endpoint-down-error.js';
import { outageParkMs } from '../../shared/limits/outage-schedule.js';
import type { Logger } from '../../shared/logger.js';
import { reportFailureToLease } from '../../shared/llm/report-to-lease.js';
import type { RunContext } from '../run-context.js';

/**
 * A run does not publish while its endpoint is down: publication would freeze whatever the outage did to it. Its last
 * items cannot finish while it is down anyway; what can still get here is a run whose items all finished without the
 * endpoint — a run cancelled during an outage (its unstarted items are recorded without a call) — or a publish job
 * that raced the outage. The job then parks (no attempt used) until the next probe is due.
 *
 * So that a run with nothing left to send is not held for ever by a state nobody probes, the publish job probes the
 * endpoint itself when a probe is due: one smallest possible chat request (1 completion token) through the limiter's
 * probe lease, like any probe. It is not counted in the run's paid requests.
 */
export async function holdWhileEndpointDown(context: RunContext, job: Job, token: string | undefined, logger: Logger): Promise<void> {
  const view = context.health;
  if (view === undefined) return;
  let health = await view.health();
  if (health.state !== 'down') return;
  if (health.nextProbeAt !== null && health.nextProbeAt <= health.now) {
    await probe(context, job.id ?? 'publish');
    health = await view.health();
    if (health.state !== 'down') return;
  }
  const retryInMs = Math.max(0, (health.nextProbeAt ?? health.now) - health.now);
  logger.info({ runId: context.spec.runId, endpoint: view.baseUrl, downSince: new Date(health.downSince ?? health.now).toISOString() }, 'not publishing while the LLM endpoint is down');
  await job.moveToDelayed(Date.now() + outageParkMs(retryInMs, Math.random()), token);
  if (job.id !== undefined) await view.noteParked(job.queueName, job.id).catch(() => undefined);
  throw new DelayedError(`the LLM endpoint ${view.baseUrl} is down`);
}

async function probe(context: RunContext, requester: string): Promise<void> {
  if (context.gate === undefined) return;
  let lease;
  try {
    lease = await context.gate.acquire(16, requester);
  } catch (error) {
    // Someone else holds the probe: its outcome is as good as ours.
    if (error instanceof EndpointDownError) return;
    throw error;
  }
  try {
    const response = await context.client.chat.completions.create({
      model: context.spec.model.name,
      messages: [{ role: 'user', content: 'ping' }],
      n: 1,
      // Deprecated by OpenAI but what vLLM, TGI, Ollama and llama.cpp understand (as the sampler sends it).
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      max_tokens: 1,
    });
    await lease.succeeded((response.usage?.prompt_tokens ?? 0) + (response.usage?.completion_tokens ?? 0));
  } catch (error) {
    await reportFailureToLease(lease, error);
  }
}
