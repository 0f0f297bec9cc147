import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { classifyLlmError } from '../../../shared/llm/classify-llm-error.js';

function apiError(status: number, body: { message: string; code?: string; type?: string }, headers: Record<string, string> = {}): APIError {
  return APIError.generate(status, { error: body }, undefined, new Headers(headers));
}

describe('classifyLlmError', () => {
  it.each([
    [400, 'fatal-item'],
    [413, 'fatal-item'],
    [422, 'fatal-item'],
    [401, 'fatal-run'],
    [403, 'fatal-run'],
    [404, 'fatal-run'],
    [408, 'retry'],
    [409, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
  ])('status %i is %s', (status, kind) => {
    expect(classifyLlmError(apiError(status, { message: 'nope' })).kind).toBe(kind);
  });

  it('a 429 is rate-limited with its Retry-After, but insufficient_quota fails the run', () => {
    expect(classifyLlmError(apiError(429, { message: 'slow down', code: 'rate_limit_exceeded' }, { 'retry-after-ms': '750' }))).toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 750,
    });
    expect(classifyLlmError(apiError(429, { message: 'You exceeded your current plan.', code: 'insufficient_quota' })).kind).toBe('fatal-run');
    expect(classifyLlmError(apiError(429, { message: 'You exceeded your current quota, please check billing' })).kind).toBe('fatal-run');
    // A per-minute limit worded as a quota is still an ordinary rate limit.
    expect(classifyLlmError(apiError(429, { message: 'Quota exceeded for requests per minute. Try again later.' })).kind).toBe('rate-limited');
  });

  it('connection errors and timeouts are retried', () => {
    expect(classifyLlmError(new APIConnectionError({ message: 'ECONNRESET' })).kind).toBe('retry');
    expect(classifyLlmError(new APIConnectionTimeoutError()).kind).toBe('retry');
    expect(classifyLlmError(new Error('socket hang up')).kind).toBe('retry');
  });

  it('redacts credentials an endpoint echoes in its error text', () => {
    const failure = classifyLlmError(apiError(401, { message: 'Incorrect API key provided: sk-live-abcdefghijklmnop. Header was Bearer abc.def.ghi' }));
    expect(failure.kind).toBe('fatal-run');
    expect(failure.reason).toContain('401');
    expect(failure.reason).not.toContain('abcdefghijklmnop');
    expect(failure.reason).not.toContain('abc.def.ghi');
  });
});
