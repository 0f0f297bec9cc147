import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/logger.js';
import { redactSecrets, registerSecret } from '../../../shared/redact-secrets.js';

describe('redactSecrets', () => {
  it.each([
    ['key sk-proj-AbCdEf0123456789xyz rejected', 'AbCdEf0123456789xyz'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'eyJhbGciOiJIUzI1NiJ9'],
    ['fetch https://alice:hunter2secret@llm.example.com/v1 failed', 'hunter2secret'],
    ['{"api_key": "abc123def456"}', 'abc123def456'],
    ['token=tok_9f8e7d6c5b4a', 'tok_9f8e7d6c5b4a'],
    ['hf_ABCDEFGHIJKLMNOP leaked', 'ABCDEFGHIJKLMNOP'],
    ['aws AKIAABCDEFGHIJKLMNOP', 'AKIAABCDEFGHIJKLMNOP'],
  ])('scrubs %s', (text, secret) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it('leaves ordinary text alone', () => {
    const text = 'LLM endpoint answered 503: The server is overloaded (simulated). Retry in 2 s; task sk is fine.';
    expect(redactSecrets(text)).toBe(text);
  });

  it('scrubs a registered secret verbatim even when it matches no pattern', () => {
    registerSecret('plain-looking-value-7731');
    expect(redactSecrets('server said: plain-looking-value-7731 is invalid')).toBe('server said: [redacted] is invalid');
  });

  it('the logger scrubs secrets from messages and nested fields', async () => {
    registerSecret('zz-configured-key-4242');
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('info', 'test', sink);
    logger.warn({ reason: 'answered 401: bad key zz-configured-key-4242', nested: { err: 'Bearer abcdefghijkl' }, apiKey: 'x' }, 'failed with sk-abcdefghijklmnop');
    await new Promise((resolve) => setImmediate(resolve));
    const out = lines.join('');
    expect(out).toContain('answered 401');
    for (const secret of ['zz-configured-key-4242', 'abcdefghijkl', 'sk-abcdefghijklmnop', '"apiKey":"x"']) expect(out).not.toContain(secret);
  });
});
