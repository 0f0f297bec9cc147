/**
 * The part of a reply that can state its answer. Reasoning blocks (`<think>…</think>` and their kin) are scratch
 * work that models revise freely, so they are dropped; a block that never closes means the reply was cut off while
 * still reasoning, and there is no answer to read.
 */
export type ReplyBody = { ok: true; text: string } | { ok: false; reason: string };

const BLOCK_TAGS = 'think|thinking|thought|thoughts|reasoning|reflection|scratchpad|analysis|inner_monologue';
const CLOSED_BLOCK = new RegExp(`<(${BLOCK_TAGS})\\b[^>]*>[\\s\\S]*?</\\1\\s*>`, 'giu');
const OPEN_TAG = new RegExp(`<(?:${BLOCK_TAGS})\\b[^>]*>`, 'iu');
const CLOSE_TAG = new RegExp(`</(?:${BLOCK_TAGS})\\s*>`, 'giu');
/** Harmony-style channels (gpt-oss): only the final channel is the reply. */
const FINAL_CHANNEL = /<\|channel\|>\s*final\s*<\|message\|>/iu;

export function replyBody(text: string): ReplyBody {
  let body = text.replace(/\r\n?/g, '\n');
  const finalChannel = FINAL_CHANNEL.exec(body);
  if (finalChannel) body = body.slice(finalChannel.index + finalChannel[0].length).replace(/<\|(?:end|return)\|>[\s\S]*$/u, '');
  else if (/<\|channel\|>\s*analysis/iu.test(body)) return { ok: false, reason: 'the reply ended inside its reasoning channel' };
  body = body.replace(CLOSED_BLOCK, '\n');
  // Some servers strip the opening tag and return "…reasoning…</think>answer": everything up to the last close goes.
  const closes = [...body.matchAll(CLOSE_TAG)];
  const lastClose = closes.at(-1);
  if (lastClose !== undefined) body = body.slice(lastClose.index + lastClose[0].length);
  if (OPEN_TAG.test(body)) return { ok: false, reason: 'the reply ended inside an unclosed reasoning block' };
  return { ok: true, text: body };
}

/** Markdown emphasis dropped so `**Answer:** ek` and `The answer is **ek**` read like their plain forms. */
export function plainText(text: string): string {
  return text
    .replace(/\*\*|__/g, '')
    // Single-asterisk emphasis (`*Answer*: ek`) hugs a word; arithmetic (`3 * 4`, `3*4`) does not match.
    .replace(/(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])/gu, '');
}
