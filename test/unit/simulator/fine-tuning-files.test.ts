import { describe, expect, it } from 'vitest';
import { checkChatJsonl } from '../../../infra/simulator/chat-jsonl-check.js';
import { multipartBoundary, MultipartError, parseMultipart } from '../../../infra/simulator/multipart-form.js';

const line = (messages: unknown): string => `${JSON.stringify({ messages })}\n`;

describe('chat JSONL check', () => {
  it('counts examples and estimates tokens', () => {
    const ok = checkChatJsonl(Buffer.from(line([{ role: 'user', content: 'abcd' }, { role: 'assistant', content: 'efgh' }]) + '\n'));
    expect(ok).toEqual({ ok: true, examples: 1, tokens: 2 });
  });
  it('names the first bad line', () => {
    const good = line([{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }]);
    expect(checkChatJsonl(Buffer.from(`${good}not json\n`))).toEqual({ ok: false, message: 'line 2: not valid JSON' });
    const wrongType = checkChatJsonl(Buffer.from(`${good}${line([{ role: 'user', content: 3 }])}`));
    expect(wrongType.ok ? '' : wrongType.message).toMatch(/^line 2: messages\[0\] must be/);
    expect(checkChatJsonl(Buffer.from(line([{ role: 'user', content: 'q' }])))).toEqual({ ok: false, message: 'line 1: no assistant message to train on' });
    expect(checkChatJsonl(Buffer.from(''))).toEqual({ ok: false, message: 'the file has no training examples' });
  });
});

describe('multipart/form-data', () => {
  const body = (b: string): Buffer =>
    Buffer.from(
      `--${b}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfine-tune\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="file"; filename="t.jsonl"\r\nContent-Type: application/jsonl\r\n\r\n{"a":1}\r\n{"b":2}\n\r\n` +
        `--${b}--\r\n`,
    );

  it('reads fields and files, keeping the file bytes exact (CRLF inside included)', () => {
    expect(multipartBoundary('multipart/form-data; boundary=openai-xyz')).toBe('openai-xyz');
    expect(multipartBoundary('application/json')).toBeNull();
    const parts = parseMultipart(body('openai-xyz'), 'openai-xyz');
    expect(parts.map((p) => ({ ...p, body: p.body.toString() }))).toEqual([
      { name: 'purpose', filename: undefined, contentType: undefined, body: 'fine-tune' },
      { name: 'file', filename: 't.jsonl', contentType: 'application/jsonl', body: '{"a":1}\r\n{"b":2}\n' },
    ]);
  });

  it('refuses a truncated body', () => {
    const whole = body('b1');
    expect(() => parseMultipart(whole.subarray(0, whole.length - 12), 'b1')).toThrow(MultipartError);
  });
});
