import { describe, expect, it } from 'vitest';
import { buildChatRecord, chatRecordSchema, serializeChatRecord } from '../../../shared/dataset/chat-record.js';

describe('chat record', () => {
  it('is exactly a user turn with the original input and an assistant turn with the final answer', () => {
    const line = serializeChatRecord(buildChatRecord('Take the last letters of "ab cd".', 'bd'));
    expect(line).toBe('{"messages":[{"role":"user","content":"Take the last letters of \\"ab cd\\"."},{"role":"assistant","content":"bd"}]}');
  });

  it('keeps the input byte for byte (whitespace, newlines, unicode) on one line', () => {
    const prompt = '  Line one\r\nline two\u2028 — ünïcode 🙂  ';
    const line = serializeChatRecord(buildChatRecord(prompt, 'yes'));
    expect(line.split('\n')).toHaveLength(1);
    const parsed = chatRecordSchema.parse(JSON.parse(line));
    expect(parsed.messages[0].content).toBe(prompt);
    expect(parsed.messages[1]).toEqual({ role: 'assistant', content: 'yes' });
  });

  it('refuses empty turns and extra fields', () => {
    expect(() => buildChatRecord('', 'x')).toThrow('user turn');
    expect(() => buildChatRecord('q', '')).toThrow('assistant turn');
    const extra = { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a', reasoning: 'no' }] };
    expect(chatRecordSchema.safeParse(extra).success).toBe(false);
    const system = { messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] };
    expect(chatRecordSchema.safeParse(system).success).toBe(false);
  });
});
