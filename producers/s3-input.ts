import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3InputObject } from '../shared/artifacts/s3-input-objects.js';
import type { InputSource } from './jsonl-input.js';

/**
 * An S3 object as an input source, streamed as bytes (never downloaded whole) and gunzipped on the fly when its key ends
 * `.gz`. The GET is conditional on the ETag the listing saw, so an object replaced while the input is being read
 * fails the read (412) instead of mixing two versions' lines into one run. `idScope` as in {@link InputSource}
 * (default unset).
 */
export function s3InputSource(client: S3Client, object: S3InputObject, idScope?: string): InputSource {
  return {
    file: object.uri,
    name: object.uri,
    ...(idScope === undefined ? {} : { idScope }),
    async *bytes() {
      const out = await client.send(
        new GetObjectCommand({ Bucket: object.bucket, Key: object.key, ...(object.etag === '' ? {} : { IfMatch: object.etag }) }),
      );
      if (!(out.Body instanceof Readable)) throw new Error('expected a Node.js stream body from the S3 client');
      const body = out.Body;
      // pipeline() destroys both streams on an error in either, so a corrupt .gz or a dropped connection surfaces
      // from the iteration below instead of hanging.
      const stream = object.key.endsWith('.gz')
        ? pipeline(body, createGunzip(), () => undefined)
        : body;
      try {
        yield* stream as AsyncIterable<Buffer>;
      } finally {
        stream.destroy();
        body.destroy();
      }
    },
  };
}
