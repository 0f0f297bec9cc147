import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { S3InputNotFoundError } from '../artifacts/s3-input-not-found.js';
import type { S3InputObject } from '../artifacts/s3-input-objects.js';
import { isS3Uri } from '../artifacts/s3-uri.js';
import { loadSpecFile } from './load-spec-file.js';
import { readOnceKind } from './read-once-input.js';
import { readS3Settings } from './s3-env.js';
import { isModuleStrategy } from '../strategies/strategy-ref.js';
import { resolveProgramRef } from './resolve-program-ref.js';
import { RunSpecError } from './run-spec-error.js';
import { runSpecObjectSchema, runSpecSchema, type ResolvedRunSpec, type RunSpec } from './run-spec.js';

export { RunSpecError } from './run-spec-error.js';

/** Reads a YAML or JSON run spec (JSON is YAML) and validates it; every problem is listed with its line. */
export async function loadRunSpecFile(path: string): Promise<RunSpec> {
  const { spec, source } = await loadSpecFile(path, { noun: 'run spec', schema: runSpecSchema, keysSchema: runSpecObjectSchema });
  // Only the file shows whether `dir` was written or defaulted: both written is ambiguous, so it is refused here.
  if (source.has(['output', 'dir']) && source.has(['output', 'uri'])) {
    throw new RunSpecError(`invalid run spec:\n  ${path}${source.lineOf(['output', 'uri'])}, field "output.uri": set output.dir (local) or output.uri (s3://), not both`);
  }
  return spec;
}

export interface ResolveOptions {
  /** Folder relative paths in the spec are resolved against (the spec file's folder). */
  baseDir: string;
  /** Base URL for specs that name none (OPENAI_BASE_URL, or the simulator the caller started). */
  defaultBaseUrl: string | undefined;
  /** Environment for S3 settings and credentials when the input is an s3:// URI. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** The spec's file, to name it in errors. Default: "the run spec". */
  specFile?: string;
}

async function listS3Input(uri: string, env: NodeJS.ProcessEnv): Promise<S3InputObject[]> {
  // The AWS SDK loads only for an S3 input (about 25 MB a process that reads a local file does not need).
  const [{ createS3Client, s3ErrorInfo }, { listS3InputObjects }] = await Promise.all([import('../artifacts/s3-client.js'), import('../artifacts/s3-input-objects.js')]);
  const client = createS3Client(readS3Settings(env));
  try {
    return await listS3InputObjects(client, uri);
  } catch (error) {
    if (error instanceof S3InputNotFoundError) throw new RunSpecError(error.message);
    // Endpoint unreachable, access denied, no such bucket: one line naming the input, not an SDK stack trace.
    const { name } = s3ErrorInfo(error);
    const why = error instanceof Error ? error.message : String(error);
    throw new RunSpecError(`input ${uri}: cannot list it on S3 (${name ?? 'error'}: ${why})`, { cause: error });
  } finally {
    client.destroy();
  }
}

/**
 * The spec's own `model.baseUrl` is refused with credentials in it by the schema; the submitter's OPENAI_BASE_URL
 * default gets the same check, as the resolved URL is stored in Redis and in the published manifest.
 */
export function checkDefaultBaseUrl(fromSpec: string | undefined, resolved: string): void {
  if (fromSpec === undefined && /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(resolved)) {
    throw new RunSpecError('OPENAI_BASE_URL must not carry credentials (user:password@); put the key in OPENAI_API_KEY');
  }
}

/**
 * Makes a spec self-contained for workers on other machines: absolute paths, a base URL, and a run id that is a
 * pure function of the spec and the input's content, so the same submission twice is the same run. An input that can
 * be read only once (a pipe, /dev/stdin on a pipe or terminal) cannot be hashed and then read again: it needs the
 * spec's own `runId`, and is then not read here at all.
 *
 * A user-defined program (`strategy: {module}`) gets its absolute path and its file's sha256, which also enter the
 * run id: the same spec with an edited program is another run.
 *
 * @throws {RunSpecError} naming the spec file and `runId` for a read-once input without one; for a missing input;
 *   naming `strategy.module` for a missing program file.
 */
export async function resolveRunSpec(spec: RunSpec, options: ResolveOptions): Promise<ResolvedRunSpec> {
  const input = isS3Uri(spec.input) || isAbsolute(spec.input) ? spec.input : resolve(options.baseDir, spec.input);
  // output.dir stays resolved even when output.uri wins, so the resolved spec is the same shape either way.
  const outDir = isAbsolute(spec.output.dir) ? spec.output.dir : resolve(options.baseDir, spec.output.dir);
  const baseUrl = spec.model.baseUrl ?? options.defaultBaseUrl;
  if (baseUrl === undefined) {
    throw new RunSpecError('the run spec names no model.baseUrl and OPENAI_BASE_URL is not set');
  }
  checkDefaultBaseUrl(spec.model.baseUrl, baseUrl);
  const strategy = isModuleStrategy(spec.strategy) ? await resolveProgramRef(spec.strategy, options.baseDir, options.specFile) : spec.strategy;
  const withoutId = { ...spec, strategy, input, output: { ...spec.output, dir: outDir }, model: { ...spec.model, baseUrl } };
  const readOnce = spec.runId === undefined && !isS3Uri(input) ? await readOnceKind(input) : undefined;
  if (readOnce !== undefined) {
    throw new RunSpecError(
      `${options.specFile ?? 'the run spec'}, field "runId": input ${input} is ${readOnce}, which can be read only once, so the run id cannot be derived from its content: set runId in the spec`,
    );
  }
  const runId = spec.runId ?? `${spec.name}-${(await fingerprint(withoutId, input, options.env ?? process.env)).slice(0, 12)}`;
  return { ...withoutId, runId };
}

async function fingerprint(spec: object, inputPath: string, env: NodeJS.ProcessEnv): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(spec));
  if (isS3Uri(inputPath)) {
    // Keys, sizes and ETags identify S3 content without downloading it twice (the producer streams it once).
    for (const object of await listS3Input(inputPath, env)) hash.update(`${object.key}\0${object.size}\0${object.etag}\n`);
    return hash.digest('hex');
  }
  try {
    if ((await stat(inputPath)).isDirectory()) throw new RunSpecError(`input ${inputPath} is a directory, not a JSONL file`);
  } catch (error) {
    if (error instanceof RunSpecError) throw error;
    throw new RunSpecError(`input file not found: ${inputPath}`);
  }
  try {
    for await (const chunk of createReadStream(inputPath)) hash.update(chunk as Buffer);
  } catch (error) {
    throw new RunSpecError(`cannot read input file ${inputPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return hash.digest('hex');
}

export function specBaseDir(specPath: string): string {
  return dirname(resolve(specPath));
}
