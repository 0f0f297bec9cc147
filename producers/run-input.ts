import { isS3Uri, parseS3Uri } from '../shared/artifacts/s3-uri.js';
import { readS3Settings } from '../shared/config/s3-env.js';
import { readJsonlInput, readJsonlSources, type InputEvent, type JsonlInputOptions } from './jsonl-input.js';

/**
 * A run's input, whatever it names: a local JSONL file, one S3 object (`s3://bucket/key.jsonl[.gz]`) or every
 * object under an S3 prefix (`s3://bucket/prefix/`, in key order). Every line goes through the same validation and
 * becomes an item or a reject naming its file (path or s3:// URI), line and field.
 *
 * A line without an id gets `line-<n>` in a file or single object, and `<key under the prefix>:line-<n>` under a
 * prefix (even one of a single object): the id depends only on the line's own object and position, so it is the
 * same on every re-submission and stays the same when objects are added to the prefix, and it points at the line.
 */
export async function* readRunInput(
  input: string,
  options: JsonlInputOptions,
  env: NodeJS.ProcessEnv = process.env,
): AsyncGenerator<InputEvent> {
  if (!isS3Uri(input)) {
    yield* readJsonlInput(input, options);
    return;
  }
  // The AWS SDK loads only for an S3 input (about 25 MB a producer reading a local file does not need).
  const [{ createS3Client }, { listS3InputObjects }, { s3InputSource }] = await Promise.all([
    import('../shared/artifacts/s3-client.js'),
    import('../shared/artifacts/s3-input-objects.js'),
    import('./s3-input.js'),
  ]);
  const client = createS3Client(readS3Settings(env));
  try {
    const { key } = parseS3Uri(input);
    const isPrefix = key === '' || key.endsWith('/');
    const objects = await listS3InputObjects(client, input);
    yield* readJsonlSources(
      objects.map((object) => s3InputSource(client, object, isPrefix ? object.key.slice(key.length) : undefined)),
      options,
    );
  } finally {
    client.destroy();
  }
}
