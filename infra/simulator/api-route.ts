import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from './chat-request.js';
import { readBoundedBody } from './read-bounded-body.js';

/** Marks every simulator response as simulated (values and objects stay OpenAI-shaped; the mark is this header). */
export const SIMULATOR_HEADER = 'x-s2d-simulator';

/** A 4xx/5xx the route answers with an OpenAI-style error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type = 'invalid_request_error',
  ) {
    super(message);
  }
}

/** A route's answer that is not JSON: a file's bytes (GET /v1/files/{id}/content). */
export class RawBody {
  constructor(
    readonly bytes: Buffer,
    readonly contentType = 'application/octet-stream',
  ) {}
}

/** A route: resolves to a JSON-serialisable body or a RawBody (status 200), or throws an ApiError. */
export type Route = () => Promise<unknown>;

/** Answers `route` on `res`: 200 with its value, its ApiError's status, or 500 for anything else (a simulator bug). */
export function serveRoute(res: ServerResponse, route: Route): void {
  // Through a promise so a route that throws at once is answered like one that rejects.
  Promise.resolve()
    .then(route)
    .then(
      (body) => {
        if (body instanceof RawBody) sendRaw(res, 200, body.bytes, body.contentType);
        else sendJson(res, 200, body);
      },
      (error: unknown) => {
        if (error instanceof ApiError) sendJson(res, error.status, errorBody(error.message, error.type, error.param, error.code));
        else sendJson(res, 500, errorBody(`simulator bug: ${error instanceof Error ? error.message : String(error)}`, 'server_error'));
      },
    );
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendRaw(res, status, Buffer.from(JSON.stringify(body)), 'application/json');
}

function sendRaw(res: ServerResponse, status: number, bytes: Buffer, contentType: string): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(bytes.length), [SIMULATOR_HEADER]: '1' });
  res.end(bytes);
}

/** The request body, or a 413 ApiError when it is larger than `maxBytes`. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const body = await readBoundedBody(req, maxBytes);
  if (body === null) throw new ApiError(413, `Request body exceeds ${maxBytes} bytes`);
  return body;
}

/** A JSON object body (at most 1 MiB), or a 400 ApiError. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req, 1024 * 1024);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(400, 'We could not parse the JSON body of your request.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** The query parameters of a request URL. */
export function queryOf(url: string): URLSearchParams {
  return new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
}

/** A list page's `limit` (default 20, 1..100) as OpenAI's list endpoints read it. */
export function pageLimit(query: URLSearchParams): number {
  return Math.min(Math.max(Number(query.get('limit') ?? 20) || 20, 1), 100);
}

export function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}
