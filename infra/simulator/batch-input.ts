/** One request of a batch input file. */
export interface BatchInputLine {
  /** 1-based line number in the file. */
  line: number;
  customId: string;
  /** The request body, checked later exactly as the online endpoint checks it (a bad body is a failed line, not a failed batch). */
  body: unknown;
}

/** An entry of a failed batch's `errors.data`, as OpenAI reports input file problems. */
export interface BatchInputError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

export interface BatchInputLimits {
  endpoint: string;
  maxRequestsPerBatch: number;
  maxBatchFileBytes: number;
}

export type BatchInputCheck = { ok: true; lines: BatchInputLine[] } | { ok: false; errors: BatchInputError[] };

/** More than this many problems are not listed one by one (a provider reports the first ones too). */
const MAX_LISTED_ERRORS = 100;

/**
 * Reads a batch input file as a provider validates one: every non-blank line is a JSON object
 * `{custom_id, method: "POST", url: <the batch endpoint>, body: {…}}`, custom_ids are unique, and the file is within
 * the request and byte limits. Problems name their 1-based line.
 */
export function checkBatchInput(content: Buffer, limits: BatchInputLimits): BatchInputCheck {
  if (content.length > limits.maxBatchFileBytes) {
    return fail({ code: 'file_too_large', message: `The input file is ${content.length} bytes; a batch accepts at most ${limits.maxBatchFileBytes} bytes.`, param: 'input_file_id', line: null });
  }
  const errors: BatchInputError[] = [];
  const lines: BatchInputLine[] = [];
  const seen = new Map<string, number>();
  const raw = content.toString('utf8').split('\n');
  for (const [index, text] of raw.entries()) {
    if (text.trim() === '') continue;
    const line = index + 1;
    if (lines.length + errors.length >= limits.maxRequestsPerBatch) {
      errors.push({
        code: 'too_many_requests',
        message: `The input file has more than ${limits.maxRequestsPerBatch} requests, the most a batch accepts; line ${line} is over the limit.`,
        param: null,
        line,
      });
      break;
    }
    const problem = checkLine(text, line, limits.endpoint, seen);
    if ('code' in problem) errors.push(problem);
    else lines.push(problem);
    if (errors.length >= MAX_LISTED_ERRORS) break;
  }
  if (errors.length > 0) return { ok: false, errors };
  if (lines.length === 0) return fail({ code: 'empty_file', message: 'The input file has no requests.', param: 'input_file_id', line: null });
  return { ok: true, lines };
}

function checkLine(text: string, line: number, endpoint: string, seen: Map<string, number>): BatchInputLine | BatchInputError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { code: 'invalid_json_line', message: `This line is not valid JSON.`, param: null, line };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { code: 'invalid_request', message: 'Each line must be a JSON object with custom_id, method, url and body.', param: null, line };
  }
  const request = value as Record<string, unknown>;
  if (typeof request.custom_id !== 'string' || request.custom_id === '') {
    return { code: 'missing_required_parameter', message: 'Missing required parameter: custom_id (a non-empty string).', param: 'custom_id', line };
  }
  if (request.method !== 'POST') {
    return { code: 'invalid_method', message: `The method of this request must be POST (got ${JSON.stringify(request.method)}).`, param: 'method', line };
  }
  if (request.url !== endpoint) {
    return { code: 'invalid_url', message: `The URL of this request (${JSON.stringify(request.url)}) does not match the batch endpoint ${endpoint}.`, param: 'url', line };
  }
  if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
    return { code: 'missing_required_parameter', message: 'Missing required parameter: body (a JSON object).', param: 'body', line };
  }
  const first = seen.get(request.custom_id);
  if (first !== undefined) {
    return {
      code: 'duplicate_custom_id',
      message: `The custom_id ${JSON.stringify(request.custom_id)} of this request is a duplicate of line ${first}; custom_id must be unique within a batch.`,
      param: 'custom_id',
      line,
    };
  }
  seen.set(request.custom_id, line);
  return { line, customId: request.custom_id, body: request.body };
}

function fail(error: BatchInputError): BatchInputCheck {
  return { ok: false, errors: [error] };
}
