import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { EndpointDownError } from '../../../shared/limits/endpoint-down-error.js';
import { classifyLlmError, endpointAnswered } from '../../../shared/llm/classify-llm-error.js';

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
    [502, 'outage'],
    [503, 'outage'],
    [504, 'outage'],
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

  it('connection errors and timeouts are outage-class (an unknown error is retried); only an HTTP status means the server answered', () => {
    expect(classifyLlmError(new APIConnectionError({ message: 'ECONNREFUSED' })).kind).toBe('outage');
    expect(classifyLlmError(new APIConnectionTimeoutError()).kind).toBe('outage');
    expect(classifyLlmError(new Error('socket hang up')).kind).toBe('retry');
    expect(endpointAnswered(new APIConnectionError({ message: 'ECONNRESET' }))).toBe(false);
    expect(endpointAnswered(new Error('x'))).toBe(false);
    expect(endpointAnswered(apiError(500, { message: 'boom' }))).toBe(true);
  });

  it('the limiter refusing a down endpoint parks the item until the next probe', () => {
    const failure = classifyLlmError(new EndpointDownError('http://llm/v1', 1_000, 9_000, 5_000));
    expect(failure).toMatchObject({ kind: 'endpoint-down', downSince: 1_000, downForMs: 4_000, retryInMs: 4_000 });
    expect(failure.reason).toContain('http://llm/v1 is down since 1970-01-01T00:00:01.000Z');
  });

  it('redacts credentials an endpoint echoes in its error text', () => {
    const failure = classifyLlmError(apiError(401, { message: 'Incorrect API key provided: sk-live-abcdefghijklmnop. Header was Bearer abc.def.ghi' }));
    expect(failure.kind).toBe('fatal-run');
    expect(failure.reason).toContain('401');
    expect(failure.reason).not.toContain('abcdefghijklmnop');
    expect(failure.reason).not.toContain('abc.def.ghi');
  });
});
