import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import { describeS3Failure } from '../../shared/artifacts/s3-failure.js';
import { readEnv } from '../../shared/config/env.js';
import { EnvError } from '../../shared/config/env-error.js';
import { ManifestError } from '../../shared/dataset/manifest.js';
import { datasetFolderOf, summariseDataset, type DatasetSummary } from '../../shared/dataset/verify-dataset.js';
import { CliError } from '../cli-error.js';
import { DatasetMismatchError, downloadDataset } from '../collect/download-dataset.js';
import { openQueueClientsFromEnv } from '../queue-clients.js';

export const collectUsage = `s2d collect <runId | manifest URI> [--to DIR] [--json]
  Downloads a published dataset into DIR/<runId>/ (default DIR: .), verifying every file's size, sha256 and line
  count against its manifest. A runId is looked up in Redis (REDIS_URL, S2D_PREFIX); a manifest URI is a path,
  file:// URL or s3:// URI of manifest.json (or of its folder). Exit 1 when a file is missing or does not match.`;

export async function collectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { to: { type: 'string', default: '.' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const target = positionals[0];
  if (target === undefined || positionals.length > 1) throw new CliError(`expected one runId or manifest URI\n\n${collectUsage}`, 2);
  const location = isLocation(target) ? target : await manifestOfRun(target);
  const folder = datasetFolderOf(location.startsWith('file://') ? fileURLToPath(location) : location);
  let store;
  try {
    store = openArtifactStore(folder);
  } catch (error) {
    if (error instanceof EnvError) throw error;
    // A scheme other than file:// and s3://, or a malformed s3:// URI: the argument is wrong.
    throw new CliError(error instanceof Error ? error.message : String(error), 2);
  }
  let downloaded;
  try {
    downloaded = await downloadDataset(store, values.to);
  } catch (error) {
    if (error instanceof DatasetMismatchError || error instanceof ManifestError) throw new CliError(error.message.replace(/\n\s*/g, '; '));
    const s3Failure = describeS3Failure(error);
    if (s3Failure !== undefined) throw new CliError(`cannot read the dataset at ${folder}: ${s3Failure}`);
    // The target folder cannot be made or written (permissions, a full disk): the system error names the path.
    if (isSystemError(error)) throw new CliError(`cannot collect into ${values.to}: ${error.message}`);
    throw error;
  }
  const summary = summariseDataset(downloaded.manifest);
  process.stdout.write(values.json === true ? `${JSON.stringify(collectJson(summary, folder, downloaded))}\n` : formatCollect(summary, folder, downloaded.dir));
  return 0;
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

/** A run id is a bare name; anything with a scheme, a slash or a .json ending is a location. */
function isLocation(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target) || target.includes('/') || target.endsWith('.json') || target === '.';
}

async function manifestOfRun(runId: string): Promise<string> {
  const env = readEnv();
  const clients = await openQueueClientsFromEnv(env, 'collect <runId>');
  try {
    const run = await clients.runs.get(runId);
    if (run === null) throw new CliError(`no run ${runId} under prefix ${env.S2D_PREFIX}`);
    if (run.state !== 'published' || run.manifestLocation === null) {
      throw new CliError(`run ${runId} is ${run.state}, not published${run.error === null ? '' : ` (${run.error})`}; nothing to collect yet`);
    }
    return run.manifestLocation;
  } finally {
    await clients.close();
  }
}

function collectJson(summary: DatasetSummary, source: string, downloaded: Awaited<ReturnType<typeof downloadDataset>>): Record<string, unknown> {
  return {
    runId: summary.runId,
    name: summary.name,
    source,
    dir: downloaded.dir,
    verified: true,
    files: downloaded.manifest.files.map((f) => ({ path: f.path, role: f.role, records: f.records, bytes: f.bytes, sha256: f.sha256 })),
    totals: { files: summary.files + 1, records: summary.records, bytes: summary.bytes },
    counts: summary.counts,
    partial: summary.stopped !== null,
    stopped: summary.stopped,
  };
}

function formatCollect(summary: DatasetSummary, source: string, dir: string): string {
  const c = summary.counts;
  const roles = Object.entries(summary.filesByRole).map(([role, n]) => `${role} ${n}`).join(', ');
  return [
    `collected  ${summary.runId} (${summary.name})`,
    `from       ${source}`,
    `to         ${dir}`,
    `files      ${summary.files} + manifest.json (${roles}), ${summary.bytes} bytes, ${summary.records} lines: sizes and sha256 match the manifest`,
    `records    train ${c.train}, validation ${c.validation}`,
    `counts     inputs ${c.inputs} = accepted ${c.accepted} + rejected ${c.rejected} + errored ${c.errored}`,
    ...(summary.stopped === null ? [] : [`partial    ${summary.stopped.items} items never processed (${summary.stopped.reason}); rejects.jsonl lists them to submit again`]),
    '',
  ].join('\n');
}
