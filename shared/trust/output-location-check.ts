import path from 'node:path';
import { isWithinDirectory, realPathThroughMissing } from './local-path-containment.js';
import { isWithinS3Prefix, parseS3Location, type S3Location } from './s3-prefix-containment.js';
import type { TrustPolicy } from './trust-policy.js';
import { TrustRefusal } from './trust-refusal.js';

/**
 * Where a spec asks workers to write, and the field it came from. The kind is decided by the string, as
 * openArtifactStore decides it (`s3://` is S3, anything else without a scheme a local directory), whichever field
 * holds it: a spec stored straight into Redis need not match the schema.
 */
export interface OutputTarget {
  /** The spec field named in a refusal: `output.dir` or `output.uri`. */
  field: string;
  /** The location as stored in the spec: a directory (relative ones resolve against `cwd`) or `s3://bucket[/prefix]`. */
  location: string;
}

/** The part of a trust policy that decides output locations (a worker's own, or one workers advertise). */
export type OutputPolicy = Pick<TrustPolicy, 'outputRoots' | 's3Prefixes'>;

export interface OutputCheckOptions {
  /** What a relative local path resolves against: the writing process's working directory. Default process.cwd(). */
  cwd?: string;
}

/** A run's output: `output.uri` when set, else `output.dir` (the location {@link outputLocation} opens). */
export function runOutputTarget(spec: { output: { dir: string; uri?: string | undefined } }): OutputTarget {
  return spec.output.uri === undefined ? { field: 'output.dir', location: spec.output.dir } : { field: 'output.uri', location: spec.output.uri };
}

/**
 * Whether the policy allows writing to `target`, by its text alone (no file system access): what a submitter can
 * check against the policy workers advertise. Symlinks are not followed, so an allowed answer here may still be
 * refused by {@link checkOutputLocation} on the workers.
 *
 * @returns undefined when allowed, else the refusal naming the field.
 */
export function checkOutputLocationLexically(policy: OutputPolicy, target: OutputTarget, options: OutputCheckOptions = {}): TrustRefusal | undefined {
  const local = classify(policy, target, options);
  if (local.kind !== 'local') return local.refusal;
  return policy.outputRoots.some((root) => isWithinDirectory(path.resolve(root), local.absolute)) ? undefined : outsideRoots(policy, target);
}

/**
 * Whether the policy allows writing to `target` on this machine. A local path is made absolute and normalised
 * (so `..` cannot walk out), then its symlinks are resolved — the realpath of its longest existing ancestor, joined
 * with the rest — and compared with the realpath of each root by whole segments. Only symlinks that exist now are
 * seen: one created inside a root after this check (by someone who can write there) is not.
 *
 * @returns undefined when allowed, else the refusal naming the field.
 */
export async function checkOutputLocation(policy: OutputPolicy, target: OutputTarget, options: OutputCheckOptions = {}): Promise<TrustRefusal | undefined> {
  const local = classify(policy, target, options);
  if (local.kind !== 'local') return local.refusal;
  const resolved = await realPathThroughMissing(local.absolute);
  if ('problem' in resolved) return new TrustRefusal(target.field, `${target.location} ${resolved.problem}`);
  for (const root of policy.outputRoots) {
    const realRoot = await realPathThroughMissing(path.resolve(root));
    if ('real' in realRoot && isWithinDirectory(realRoot.real, resolved.real)) return undefined;
  }
  return outsideRoots(policy, target, resolved.real === local.absolute ? undefined : resolved.real);
}

/** @throws {TrustRefusal} naming the field when the policy does not allow writing to `target`. */
export async function authorizeOutputLocation(policy: OutputPolicy, target: OutputTarget, options: OutputCheckOptions = {}): Promise<void> {
  const refusal = await checkOutputLocation(policy, target, options);
  if (refusal !== undefined) throw refusal;
}

type Classified = { kind: 'local'; absolute: string } | { kind: 'decided'; refusal: TrustRefusal | undefined };

/** S3 and malformed locations are decided on their text; a local one comes back absolute and normalised. */
function classify(policy: OutputPolicy, target: OutputTarget, options: OutputCheckOptions): Classified {
  const { field, location } = target;
  // Specs come from Redis as JSON: whatever the types say, this is where a non-string is stopped.
  if (typeof location !== 'string') return { kind: 'decided', refusal: new TrustRefusal(field, 'is not a string') };
  if (location.startsWith('s3://')) return { kind: 'decided', refusal: checkS3(policy, target) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    return { kind: 'decided', refusal: new TrustRefusal(field, `${location} is neither a local directory nor an s3:// URI`) };
  }
  if (location.includes('\0')) return { kind: 'decided', refusal: new TrustRefusal(field, 'contains a NUL character') };
  return { kind: 'local', absolute: path.resolve(options.cwd ?? process.cwd(), location) };
}

function checkS3(policy: OutputPolicy, target: OutputTarget): TrustRefusal | undefined {
  const parsed = parseS3Location(target.location);
  if ('problem' in parsed) return new TrustRefusal(target.field, `${target.location} ${parsed.problem}`);
  const prefixes = policy.s3Prefixes.map(parseS3Location).filter((prefix): prefix is S3Location => !('problem' in prefix));
  if (prefixes.some((prefix) => isWithinS3Prefix(prefix, parsed))) return undefined;
  if (policy.s3Prefixes.length === 0) {
    return new TrustRefusal(
      target.field,
      `${target.location}: these workers write to no S3 location (S2D_S3_PREFIXES is not set on them); write to a local output.dir, or have the workers' operator add the location to S2D_S3_PREFIXES`,
    );
  }
  return new TrustRefusal(
    target.field,
    `${target.location} is outside the S3 locations these workers may write to (${policy.s3Prefixes.join(', ')}); choose an ${target.field} under one of them, or have the workers' operator add the location to S2D_S3_PREFIXES`,
  );
}

function outsideRoots(policy: OutputPolicy, target: OutputTarget, through?: string): TrustRefusal {
  const where = through === undefined ? `${target.location} is outside` : `${target.location} resolves to ${through} through a symlink, outside`;
  const roots = policy.outputRoots.length === 0 ? 'none' : policy.outputRoots.join(', ');
  return new TrustRefusal(
    target.field,
    `${where} the directories these workers may write to (${roots}); choose an ${target.field} under one of them, or have the workers' operator add the directory to S2D_OUTPUT_ROOTS (default: the workers' working directory and temp directory)`,
  );
}
