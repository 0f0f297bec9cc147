/** What the simulator learns from a fine-tuning file: valid chat examples, or the first problem with its line. */
export type ChatJsonlCheck = { ok: true; examples: number; tokens: number } | { ok: false; message: string };

const ROLES = new Set(['system', 'user', 'assistant', 'tool', 'developer']);

/**
 * Checks a chat-format fine-tuning file the way a provider validates one: every non-blank line is a JSON object with
 * a non-empty `messages` array of `{role, content}` (string content), with at least one assistant turn; at least one
 * example. Tokens are estimated (about four characters per token) for `trained_tokens`.
 */
export function checkChatJsonl(bytes: Buffer): ChatJsonlCheck {
  const lines = bytes.toString('utf8').split('\n');
  let examples = 0;
  let chars = 0;
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const where = `line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return { ok: false, message: `${where}: not valid JSON` };
    }
    if (typeof value !== 'object' || value === null || !('messages' in value) || !Array.isArray(value.messages)) {
      return { ok: false, message: `${where}: expected an object with a "messages" array` };
    }
    const messages: unknown[] = value.messages;
    if (messages.length === 0) return { ok: false, message: `${where}: "messages" is empty` };
    for (const [j, message] of messages.entries()) {
      const ok =
        typeof message === 'object' &&
        message !== null &&
        'role' in message &&
        'content' in message &&
        typeof message.role === 'string' &&
        ROLES.has(message.role) &&
        typeof message.content === 'string';
      if (!ok) return { ok: false, message: `${where}: messages[${j}] must be {"role": system|user|assistant|tool, "content": string}` };
      chars += (message as { content: string }).content.length;
    }
    if (!messages.some((m) => (m as { role: string }).role === 'assistant')) {
      return { ok: false, message: `${where}: no assistant message to train on` };
    }
    examples++;
  }
  if (examples === 0) return { ok: false, message: 'the file has no training examples' };
  return { ok: true, examples, tokens: Math.ceil(chars / 4) };
}
