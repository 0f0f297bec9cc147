import { z } from 'zod';

/**
 * The subset of the OpenAI chat completions request the simulator reads. Unknown fields (top_p, stop, user, ...)
 * are accepted and ignored, as a real server tolerates parameters it does not use.
 */
const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
});

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  n: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  seed: z.number().int().nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  stream: z.boolean().nullish(),
});

export type ChatRequest = z.output<typeof chatRequestSchema>;

export interface SimpleMessage {
  role: string;
  content: string;
}

/** Message contents as plain text (text parts joined; other parts such as images ignored). */
export function flattenMessages(request: ChatRequest): SimpleMessage[] {
  return request.messages.map((m) => ({
    role: m.role,
    content:
      typeof m.content === 'string'
        ? m.content
        : (m.content ?? []).map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join(''),
  }));
}

/** An OpenAI-style error body. */
export interface ApiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function errorBody(message: string, type: string, param: string | null = null, code: string | null = null): ApiErrorBody {
  return { error: { message, type, param, code } };
}

/** A validation failure as OpenAI reports it: the first issue, naming the parameter. */
export function validationError(error: z.ZodError): ApiErrorBody {
  const issue = error.issues[0];
  const param = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : null;
  const missing = issue?.code === 'invalid_type' && issue.message.includes('received undefined');
  const message = issue ? `Invalid value for '${param ?? 'body'}': ${issue.message}` : 'Invalid request body';
  return errorBody(
    missing ? `Missing required parameter: '${param ?? 'body'}'.` : message,
    'invalid_request_error',
    param,
    missing ? 'missing_required_parameter' : 'invalid_value',
  );
}
