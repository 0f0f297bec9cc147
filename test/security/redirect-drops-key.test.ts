import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiClient } from '../../shared/llm/openai-sampler.js';

const KEY = 'sk-bound-to-the-allowed-endpoint-only-0000';

/**
 * The trust policy checks the base URL a spec names; an allowed endpoint could still answer with a redirect to
 * another origin. The key must not follow it: Node's fetch (which the openai client uses) drops Authorization on a
 * cross-origin redirect. This pins that behaviour of the runtime, which the security model relies on.
 */
describe('a redirect from an allowed endpoint to another origin does not carry the key (real HTTP)', () => {
  const seen: (string | undefined)[] = [];
  let target: Server;
  let redirector: Server;
  beforeAll(async () => {
    target = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'ok' } }] }));
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.2', resolve));
    const elsewhere = `http://127.0.0.2:${(target.address() as AddressInfo).port}`;
    redirector = createServer((req, res) => {
      req.resume();
      res.writeHead(307, { location: `${elsewhere}${req.url ?? '/'}` });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => {
    target.close();
    redirector.close();
  });

  it('reaches the other origin without an Authorization header', async () => {
    const client = createOpenAiClient({ baseUrl: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/v1`, apiKey: KEY, timeoutMs: 5_000 });
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(seen).toEqual([undefined]);
  });
});
