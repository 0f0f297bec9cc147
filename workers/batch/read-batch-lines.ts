import { APIError } from 'openai';
import type OpenAI from 'openai';
import { classifyLlmError, type LlmFailure } from '../../shared/llm/classify-llm-error.js';

/** One line of a batch's output or error file, as s2d reads it. */
export type BatchLine =
  | { customId: string; kind: 'answered'; body: OpenAI.Chat.Completions.ChatCompletion }
  /** The request ran and failed with an HTTP status: classified as the same failure online would be. */
  | { customId: string; kind: 'failed'; status: number; failure: LlmFailure }
  /** The request never ran: the batch expired or was cancelled first (or the line is unreadable). */
  | { customId: string; kind: 'not-run'; reason: string };

interface RawLine {
  custom_id?: unknown;
  response?: { status_code?: unknown; body?: unknown } | null;
  error?: { code?: unknown; message?: unknown } | null;
}

/** The lines of an output or error file (JSONL); an unreadable line is skipped (its request counts as not run). */
export function readBatchLines(text: string): BatchLine[] {
  const lines: BatchLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    let parsed: RawLine;
    try {
      parsed = JSON.parse(raw) as RawLine;
    } catch {
      continue;
    }
    if (typeof parsed.custom_id !== 'string') continue;
    lines.push(lineOf(parsed.custom_id, parsed));
  }
  return lines;
}

function lineOf(customId: string, line: RawLine): BatchLine {
  const status = line.response?.status_code;
  if (typeof status === 'number') {
    const body = line.response?.body;
    if (status === 200 && typeof body === 'object' && body !== null) return { customId, kind: 'answered', body: body as OpenAI.Chat.Completions.ChatCompletion };
    const error = APIError.generate(status, body ?? undefined, undefined, new Headers());
    return { customId, kind: 'failed', status, failure: classifyLlmError(error) };
  }
  const code = typeof line.error?.code === 'string' ? line.error.code : 'no_response';
  const message = typeof line.error?.message === 'string' ? line.error.message : 'the batch returned no response for it';
  return { customId, kind: 'not-run', reason: `${code}: ${message}` };
}
