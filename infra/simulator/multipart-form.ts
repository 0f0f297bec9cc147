/** One part of a multipart/form-data body: a plain field (`filename` undefined) or a file. */
export interface FormPart {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
  body: Buffer;
}

/** A body that is not well-formed multipart/form-data; the message says what is wrong. */
export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

/** The boundary of a `multipart/form-data; boundary=…` content type, or null for any other content type. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (contentType === undefined || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

/**
 * Parses a whole multipart/form-data body (RFC 7578) as the openai client sends it: parts separated by
 * `--boundary`, each with Content-Disposition (name, optional filename) and optional Content-Type headers.
 */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let position = body.indexOf(delimiter);
  if (position === -1) throw new MultipartError('no boundary found in the body');
  for (;;) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString() === '--') return parts; // closing delimiter
    if (body.subarray(position, position + 2).toString() !== '\r\n') throw new MultipartError('malformed boundary line');
    position += 2;
    const headerEnd = body.indexOf('\r\n\r\n', position);
    if (headerEnd === -1) throw new MultipartError('a part has no header end');
    const headers = body.subarray(position, headerEnd).toString('utf8').split('\r\n');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next === -1) throw new MultipartError('a part is not terminated by the boundary (truncated body?)');
    parts.push({ ...partHeaders(headers), body: body.subarray(headerEnd + 4, next) });
    position = next + 2;
  }
}

function partHeaders(lines: string[]): Omit<FormPart, 'body'> {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of lines) {
    const colon = line.indexOf(':');
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') {
      name = /;\s*name="([^"]*)"/i.exec(value)?.[1];
      filename = /;\s*filename="([^"]*)"/i.exec(value)?.[1];
    } else if (key === 'content-type') {
      contentType = value;
    }
  }
  if (name === undefined) throw new MultipartError('a part has no Content-Disposition name');
  return { name, filename, contentType };
}
