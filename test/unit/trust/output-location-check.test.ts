import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWithinDirectory, realPathThroughMissing } from '../../../shared/trust/local-path-containment.js';
import {
  checkOutputLocation,
  checkOutputLocationLexically,
  runOutputTarget,
  type OutputPolicy,
  type OutputTarget,
} from '../../../shared/trust/output-location-check.js';
import { isWithinS3Prefix, parseS3Location, type S3Location } from '../../../shared/trust/s3-prefix-containment.js';
import { readTrustPolicy } from '../../../shared/trust/trust-policy.js';
import { TrustRefusal } from '../../../shared/trust/trust-refusal.js';

const dir = (location: string): OutputTarget => ({ field: 'output.dir', location });
const uri = (location: string): OutputTarget => ({ field: 'output.uri', location });

function s3(location: string): S3Location {
  const parsed = parseS3Location(location);
  if ('problem' in parsed) throw new Error(`${location}: ${parsed.problem}`);
  return parsed;
}

describe('isWithinDirectory: containment by whole path segments', () => {
  it.each([
    ['/data/out', '/data/out', true],
    ['/data/out', '/data/out/a/b', true],
    ['/data/out', '/data/out2', false],
    ['/data/out', '/data/ou', false],
    ['/data/out', '/data', false],
    ['/data/out', '/etc/passwd', false],
    // A segment that merely starts with two dots is a name, not a way up.
    ['/data/out', '/data/out/..hidden', true],
    ['/', '/anything/at/all', true],
  ])('%s contains %s: %s', (root, target, want) => {
    expect(isWithinDirectory(root, target)).toBe(want);
  });
});

describe('checkOutputLocationLexically (no file system access)', () => {
  const policy: OutputPolicy = { outputRoots: ['/data/out', '/scratch'], s3Prefixes: ['s3://bucket-a/team-a/', 's3://whole-bucket'] };

  it.each([
    '/data/out',
    '/data/out/',
    '/data/out/ds/run',
    '/data/out/x/../y',
    '/scratch/a',
    // %2e is not special in a path: it is a directory literally named "%2e%2e".
    '/data/out/%2e%2e/etc',
    '/data/out/..hidden',
  ])('allows output.dir %s', (location) => {
    expect(checkOutputLocationLexically(policy, dir(location))).toBeUndefined();
  });

  it.each(['/data/out2', '/data/out/../secret', '/data/out/a/../../..', '/etc', '/data', 'relative/../../..'])('refuses output.dir %s', (location) => {
    const refusal = checkOutputLocationLexically(policy, dir(location), { cwd: '/data/out' });
    expect(refusal).toBeInstanceOf(TrustRefusal);
    expect(refusal?.field).toBe('output.dir');
    expect(refusal?.message).toBe(
      `refused by the workers' trust policy: output.dir ${location} is outside the directories these workers may write to (/data/out, /scratch); choose an output.dir under one of them, or have the workers' operator add the directory to S2D_OUTPUT_ROOTS (default: the workers' working directory and temp directory)`,
    );
  });

  it('resolves a relative output.dir against the given working directory', () => {
    expect(checkOutputLocationLexically(policy, dir('ds'), { cwd: '/data/out' })).toBeUndefined();
    expect(checkOutputLocationLexically(policy, dir('ds'), { cwd: '/home/me' })).toBeInstanceOf(TrustRefusal);
    expect(checkOutputLocationLexically(policy, dir('../out/ds'), { cwd: '/data/out' })).toBeUndefined();
  });

  it('refuses other schemes, NUL characters and non-strings whichever field holds them', () => {
    expect(checkOutputLocationLexically(policy, dir('file:///data/out'))?.message).toMatch(/output\.dir file:\/\/\/data\/out is neither a local directory nor an s3:\/\/ URI$/);
    expect(checkOutputLocationLexically(policy, uri('https://example.com/x'))?.field).toBe('output.uri');
    expect(checkOutputLocationLexically(policy, dir('/data/out/a\0b'))?.message).toMatch(/NUL/);
    expect(checkOutputLocationLexically(policy, { field: 'output.dir', location: 7 as unknown as string })?.message).toMatch(/output\.dir is not a string$/);
    // The kind follows the string, as openArtifactStore decides it: an s3:// output.dir is checked as S3, a path in
    // output.uri as a path (a spec written straight into Redis need not match the schema).
    expect(checkOutputLocationLexically(policy, dir('s3://bucket-a/team-a/x'))).toBeUndefined();
    expect(checkOutputLocationLexically(policy, dir('s3://bucket-a/team-b'))?.field).toBe('output.dir');
    expect(checkOutputLocationLexically(policy, uri('/etc'))?.field).toBe('output.uri');
  });

  it.each([
    ['s3://bucket-a/team-a', true],
    ['s3://bucket-a/team-a/', true],
    ['s3://bucket-a/team-a/ds/run', true],
    ['s3://bucket-a/team-a///', true],
    ['s3://bucket-a/team-ab', false],
    ['s3://bucket-a/team', false],
    ['s3://bucket-a', false],
    ['s3://bucket-b/team-a', false],
    ['s3://whole-bucket', true],
    ['s3://whole-bucket/any/thing', true],
    ['s3://whole-bucket-2/x', false],
  ])('output.uri %s allowed: %s', (location, want) => {
    expect(checkOutputLocationLexically(policy, uri(location)) === undefined).toBe(want);
  });

  it.each(['s3://bucket-a/team-a/../team-b', 's3://bucket-a/team-a/./x', 's3://bucket-a/team-a//x', 's3://bucket-a//team-a', 's3://bucket-a/team-a/..', 's3://bucket-a/team-a\\..\\b'])(
    'refuses output.uri %s: dot, empty or backslash segments could name another prefix',
    (location) => {
      expect(checkOutputLocationLexically(policy, uri(location))?.message).toMatch(/has "\.", "\.\." or empty segments/);
    },
  );

  it('refuses a malformed S3 URI, and says how to allow S3 when the workers allow none', () => {
    expect(checkOutputLocationLexically(policy, uri('s3://B/x'))?.message).toMatch(/is not an s3:\/\/bucket\[\/prefix\] URI/);
    expect(checkOutputLocationLexically(policy, uri('s3://bucket-a/team-b'))?.message).toBe(
      "refused by the workers' trust policy: output.uri s3://bucket-a/team-b is outside the S3 locations these workers may write to (s3://bucket-a/team-a/, s3://whole-bucket); choose an output.uri under one of them, or have the workers' operator add the location to S2D_S3_PREFIXES",
    );
    expect(checkOutputLocationLexically({ outputRoots: ['/data/out'], s3Prefixes: [] }, uri('s3://bucket-a/team-a'))?.message).toBe(
      "refused by the workers' trust policy: output.uri s3://bucket-a/team-a: these workers write to no S3 location (S2D_S3_PREFIXES is not set on them); write to a local output.dir, or have the workers' operator add the location to S2D_S3_PREFIXES",
    );
  });

  it('names output.uri when a run spec sets it, output.dir otherwise', () => {
    expect(runOutputTarget({ output: { dir: '/d' } })).toEqual({ field: 'output.dir', location: '/d' });
    expect(runOutputTarget({ output: { dir: '/d', uri: 's3://b/p' } })).toEqual({ field: 'output.uri', location: 's3://b/p' });
  });

  it('defaults to the working directory and the temp directory, and no S3', () => {
    const policy = readTrustPolicy({}, '/srv/worker');
    expect(checkOutputLocationLexically(policy, dir('/srv/worker/datasets'))).toBeUndefined();
    expect(checkOutputLocationLexically(policy, dir(path.join(tmpdir(), 'x')))).toBeUndefined();
    expect(checkOutputLocationLexically(policy, dir('/srv/worker-2'))).toBeInstanceOf(TrustRefusal);
    expect(checkOutputLocationLexically(policy, uri('s3://bucket-a/x'))).toBeInstanceOf(TrustRefusal);
  });
});

describe('S3 prefixes', () => {
  it('compare buckets exactly and keys by whole segments', () => {
    expect(isWithinS3Prefix(s3('s3://b-1/a/b'), s3('s3://b-1/a/b/c'))).toBe(true);
    expect(isWithinS3Prefix(s3('s3://b-1/a/b'), s3('s3://b-1/a/bc'))).toBe(false);
    expect(isWithinS3Prefix(s3('s3://b-1/a/b'), s3('s3://b-1/a'))).toBe(false);
    expect(isWithinS3Prefix(s3('s3://b-1'), s3('s3://b-12/a'))).toBe(false);
    // A prefix the operator wrote with dot segments matches nothing rather than something unexpected.
    expect(parseS3Location('s3://b-1/a/../b')).toHaveProperty('problem');
  });
});

describe('checkOutputLocation: after resolving symlinks, on a real file system', () => {
  let base: string;
  let root: string;
  let outside: string;
  let policy: OutputPolicy;

  beforeAll(async () => {
    // realpath: the temp directory may itself be reached through a symlink (macOS /tmp).
    base = await realpath(await mkdtemp(path.join(tmpdir(), 's2d-output-check-')));
    root = path.join(base, 'root');
    outside = path.join(base, 'outside');
    await mkdir(path.join(root, 'inner'), { recursive: true });
    await mkdir(outside);
    await symlink(outside, path.join(root, 'escape'));
    await symlink(path.join(root, 'inner'), path.join(root, 'alias'));
    await symlink(path.join(base, 'nowhere'), path.join(root, 'dangling'));
    await writeFile(path.join(root, 'a-file'), 'x');
    await symlink(root, path.join(base, 'root-link'));
    policy = { outputRoots: [root], s3Prefixes: [] };
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('allows directories inside the root, existing or not yet', async () => {
    expect(await checkOutputLocation(policy, dir(root))).toBeUndefined();
    expect(await checkOutputLocation(policy, dir(path.join(root, 'inner')))).toBeUndefined();
    expect(await checkOutputLocation(policy, dir(path.join(root, 'new', 'deeper', 'still')))).toBeUndefined();
    // A symlink that stays inside the root is fine.
    expect(await checkOutputLocation(policy, dir(path.join(root, 'alias', 'ds')))).toBeUndefined();
  });

  it('refuses a symlink inside the root that points outside it, naming where it leads', async () => {
    for (const location of [path.join(root, 'escape'), path.join(root, 'escape', 'ds', 'not-yet')]) {
      const refusal = await checkOutputLocation(policy, dir(location));
      expect(refusal?.field).toBe('output.dir');
      const real = path.join(outside, path.relative(path.join(root, 'escape'), location));
      expect(refusal?.message).toContain(`output.dir ${location} resolves to ${real} through a symlink, outside the directories these workers may write to (${root})`);
    }
    // The lexical check alone cannot see it: that is what the worker-side check is for.
    expect(checkOutputLocationLexically(policy, dir(path.join(root, 'escape')))).toBeUndefined();
  });

  it('refuses a symlink that points nowhere: writing through it would create its target', async () => {
    const refusal = await checkOutputLocation(policy, dir(path.join(root, 'dangling', 'ds')));
    expect(refusal?.message).toContain(`goes through ${path.join(root, 'dangling')}, a symlink that points nowhere`);
  });

  it('refuses `..` escapes and sibling directories sharing a name prefix', async () => {
    expect(await checkOutputLocation(policy, dir(`${root}/../outside`))).toBeInstanceOf(TrustRefusal);
    expect(await checkOutputLocation(policy, dir(`${root}/inner/../../outside/x`))).toBeInstanceOf(TrustRefusal);
    await mkdir(`${root}2`, { recursive: true });
    expect(await checkOutputLocation(policy, dir(`${root}2`))).toBeInstanceOf(TrustRefusal);
    // `..` after a symlink is taken lexically, as the store opens it: escape/.. is the root itself, not outside's parent.
    expect(await checkOutputLocation(policy, dir(`${root}/escape/../inner`))).toBeUndefined();
  });

  it('takes a path through a regular file as not existing yet (writes there fail on their own)', async () => {
    expect(await checkOutputLocation(policy, dir(path.join(root, 'a-file', 'sub')))).toBeUndefined();
  });

  it('resolves a root that is itself a symlink, and a target named through it', async () => {
    const viaLink: OutputPolicy = { outputRoots: [path.join(base, 'root-link')], s3Prefixes: [] };
    expect(await checkOutputLocation(viaLink, dir(path.join(root, 'inner')))).toBeUndefined();
    expect(await checkOutputLocation(viaLink, dir(path.join(base, 'root-link', 'new')))).toBeUndefined();
    expect(await checkOutputLocation(viaLink, dir(path.join(base, 'root-link', 'escape')))).toBeInstanceOf(TrustRefusal);
    expect(await checkOutputLocation(policy, dir(path.join(base, 'root-link', 'inner')))).toBeUndefined();
    expect(await checkOutputLocation(viaLink, dir(outside))).toBeInstanceOf(TrustRefusal);
  });

  it('resolves a root that does not exist yet through its existing ancestors', async () => {
    const future: OutputPolicy = { outputRoots: [path.join(base, 'root-link', 'future')], s3Prefixes: [] };
    expect(await checkOutputLocation(future, dir(path.join(root, 'future', 'ds')))).toBeUndefined();
    expect(await checkOutputLocation(future, dir(path.join(root, 'inner')))).toBeInstanceOf(TrustRefusal);
  });

  it('realPathThroughMissing joins the missing tail to the real existing ancestor', async () => {
    expect(await realPathThroughMissing(path.join(base, 'root-link', 'a', 'b'))).toEqual({ real: path.join(root, 'a', 'b') });
    expect(await realPathThroughMissing(path.join(root, 'escape'))).toEqual({ real: outside });
  });
});
