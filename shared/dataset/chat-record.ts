import { z } from 'zod';

/**
 * One training line in the chat format fine-tuning APIs and trainers accept:
 * `{"messages":[{"role":"user","content":<input>},{"role":"assistant","content":<final answer>}]}`.
 * No system turn: the distilled model is called exactly as System 1 is, with the bare input.
 */
export const chatRecordSchema = z
  .object({
    messages: z.tuple([
      z.object({ role: z.literal('user'), content: z.string().min(1) }).strict(),
      z.object({ role: z.literal('assistant'), content: z.string().min(1) }).strict(),
    ]),
  })
  .strict();

export type ChatRecord = z.infer<typeof chatRecordSchema>;

/**
 * Builds the training record of an accepted item.
 *
 * @param prompt the user's original input, exactly as given (never trimmed or templated).
 * @param target the curated final answer only — no reasoning, no rephrased question.
 */
export function buildChatRecord(prompt: string, target: string): ChatRecord {
  if (prompt === '') throw new Error('chat record: the user turn (prompt) is empty');
  if (target === '') throw new Error('chat record: the assistant turn (target) is empty');
  return {
    messages: [
      { role: 'user', content: prompt },
      { role: 'assistant', content: target },
    ],
  };
}

/**
 * One JSONL line for the record, without the trailing newline. JSON.stringify escapes every control character,
 * so a prompt with newlines still yields exactly one line.
 */
export function serializeChatRecord(record: ChatRecord): string {
  // Rebuilt in a fixed key order so the bytes (and the shard checksums) never depend on how `record` was made.
  const [user, assistant] = record.messages;
  return JSON.stringify({
    messages: [
      { role: user.role, content: user.content },
      { role: assistant.role, content: assistant.content },
    ],
  });
}
