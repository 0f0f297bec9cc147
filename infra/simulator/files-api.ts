import type { IncomingMessage } from 'node:http';
import { ApiError, RawBody, readBody, type Route } from './api-route.js';
import { checkChatJsonl } from './chat-jsonl-check.js';
import { FileStore, type StoredFile } from './file-store.js';
import { multipartBoundary, MultipartError, parseMultipart } from './multipart-form.js';
import type { SimulatorOptions } from './simulator-options.js';

const UPLOAD_PURPOSES = ['fine-tune', 'batch'] as const;

/**
 * The simulator's OpenAI-compatible files API: POST /v1/files (multipart, purposes `fine-tune` and `batch`, kept in
 * memory), GET /v1/files/{id}, GET /v1/files/{id}/content (uploads and batch output/error files alike).
 */
export class FilesApi {
  constructor(
    private readonly options: SimulatorOptions,
    readonly store: FileStore,
  ) {}

  /** The route for this request, or null when it is not a files route. */
  route(req: IncomingMessage, path: string, method: string): Route | null {
    if (path === '/v1/files' && method === 'POST') return () => this.#upload(req);
    const match = /^\/v1\/files\/([^/]+)(\/content)?$/.exec(path);
    if (match?.[1] === undefined || method !== 'GET') return null;
    const id = decodeURIComponent(match[1]);
    if (match[2] === undefined) return () => Promise.resolve(FileStore.body(this.file(id)));
    return () => Promise.resolve(new RawBody(this.file(id).content));
  }

  file(id: string): StoredFile {
    const file = this.store.get(id);
    if (file === undefined) throw new ApiError(404, `No such File object: ${id}`, 'id', 'file_not_found');
    return file;
  }

  async #upload(req: IncomingMessage): Promise<unknown> {
    const boundary = multipartBoundary(req.headers['content-type']);
    if (boundary === null) {
      req.resume();
      throw new ApiError(400, 'POST /v1/files expects a multipart/form-data body');
    }
    const body = await readBody(req, this.options.fineTuning.maxFileBytes);
    let parts;
    try {
      parts = parseMultipart(body, boundary);
    } catch (error) {
      if (error instanceof MultipartError) throw new ApiError(400, `could not read the multipart body: ${error.message}`);
      throw error;
    }
    const purpose = parts.find((p) => p.name === 'purpose' && p.filename === undefined)?.body.toString('utf8');
    const file = parts.find((p) => p.name === 'file');
    if (purpose === undefined) throw new ApiError(400, "Missing required parameter: 'purpose'.", 'purpose');
    if (file === undefined) throw new ApiError(400, "Missing required parameter: 'file'.", 'file');
    if (!isUploadPurpose(purpose)) {
      throw new ApiError(400, `the s2d simulator accepts purpose ${UPLOAD_PURPOSES.map((p) => `'${p}'`).join(' or ')} (got '${purpose}')`, 'purpose', 'invalid_value');
    }
    const stored = this.store.add({
      filename: file.filename ?? 'upload.jsonl',
      purpose,
      createdAt: Math.floor(Date.now() / 1000),
      content: file.body,
      details: purpose === 'fine-tune' ? describeFineTuneFile(file.body) : `${countLines(file.body)} lines`,
    });
    return FileStore.body(stored);
  }
}

function isUploadPurpose(purpose: string): purpose is (typeof UPLOAD_PURPOSES)[number] {
  return (UPLOAD_PURPOSES as readonly string[]).includes(purpose);
}

function describeFineTuneFile(bytes: Buffer): string {
  const check = checkChatJsonl(bytes);
  return check.ok ? `${check.examples} examples` : check.message;
}

function countLines(bytes: Buffer): number {
  return bytes.toString('utf8').split('\n').filter((line) => line.trim() !== '').length;
}
