import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { envError } from '../config/env-error.js';
import { optionalHttpUrlVar, optionalStringVar } from '../config/env-vars.js';
import { defaultEndpointGrants, describeGrants, parseEndpointGrants, type EndpointGrants } from './endpoint-grants.js';

/**
 * What a worker's operator allows run specs to make the worker do, from the worker's own environment — never from
 * Redis or a spec, since whoever can write to Redis can submit any spec. Read once at the edge and frozen.
 */
export interface TrustPolicy {
  /** LLM endpoints (model, judge, fine-tuning hand-off) and the key variable each may receive. */
  endpoints: EndpointGrants;
  /** Absolute local directories a spec's `output.dir` must lie within (checked after resolving symlinks). */
  outputRoots: readonly string[];
  /** `s3://bucket/prefix` locations a spec's `output.uri` must lie within. Empty: no S3 output. */
  s3Prefixes: readonly string[];
  /** Absolute directories or files user-defined programs may be loaded from. Empty: none. */
  programPaths: readonly string[];
}

/** A `:`-separated list of absolute paths (like PATH). */
const pathListVar = optionalStringVar.transform((value, ctx) => {
  if (value === undefined) return undefined;
  const paths = value.split(delimiter).filter((part) => part.trim() !== '');
  const relative = paths.find((path) => !isAbsolute(path));
  if (paths.length === 0 || relative !== undefined) {
    ctx.addIssue({ code: 'custom', message: `a ${delimiter}-separated list of absolute paths${relative === undefined ? '' : ` ("${relative}" is relative)`}` });
    return z.NEVER;
  }
  return paths.map((path) => resolve(path));
});

const S3_PREFIX = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;

const trustEnvSchema = z.object({
  /**
   * Endpoints workers may call: `URL` (no key) or `URL=KEY_VARIABLE` entries, comma- or space-separated; a URL
   * covers the paths below it. Unset: OPENAI_API_KEY goes only to the worker's OPENAI_BASE_URL (api.openai.com when
   * unset) and loopback endpoints may be called without a key.
   */
  S2D_ALLOWED_ENDPOINTS: optionalStringVar.transform((value, ctx) => {
    if (value === undefined) return undefined;
    const grants = parseEndpointGrants(value);
    if ('problem' in grants) {
      ctx.addIssue({ code: 'custom', message: grants.problem });
      return z.NEVER;
    }
    return grants;
  }),
  /** The worker's own default endpoint, which the default policy binds OPENAI_API_KEY to. */
  OPENAI_BASE_URL: optionalHttpUrlVar,
  /** Local directories runs may write under, `:`-separated. Default: the worker's working directory and the OS temp directory. */
  S2D_OUTPUT_ROOTS: pathListVar,
  /** `s3://bucket[/prefix]` locations runs may write under, comma- or space-separated. Default: none (no S3 output). */
  S2D_S3_PREFIXES: optionalStringVar.transform((value, ctx) => {
    if (value === undefined) return undefined;
    const prefixes = value.split(/[\s,]+/).filter((part) => part !== '');
    const bad = prefixes.find((prefix) => !S3_PREFIX.test(prefix));
    if (prefixes.length === 0 || bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `a list of s3://bucket[/prefix] entries${bad === undefined ? '' : ` ("${bad}" is not one)`}` });
      return z.NEVER;
    }
    return prefixes;
  }),
  /** Directories or files user-defined programs may be loaded from, `:`-separated. Default: none. */
  S2D_PROGRAM_PATHS: pathListVar,
});

/**
 * The worker's trust policy from its environment.
 *
 * @throws {EnvError} naming every bad variable and what it must look like.
 */
export function readTrustPolicy(source: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): TrustPolicy {
  const parsed = trustEnvSchema.safeParse(source);
  if (!parsed.success) throw envError(parsed.error.issues, source);
  const env = parsed.data;
  return Object.freeze({
    endpoints:
      env.S2D_ALLOWED_ENDPOINTS === undefined
        ? defaultEndpointGrants(env.OPENAI_BASE_URL)
        : { source: 'S2D_ALLOWED_ENDPOINTS' as const, grants: env.S2D_ALLOWED_ENDPOINTS, loopbackWithoutKey: false },
    outputRoots: env.S2D_OUTPUT_ROOTS ?? [resolve(cwd), resolve(tmpdir())],
    s3Prefixes: env.S2D_S3_PREFIXES ?? [],
    programPaths: env.S2D_PROGRAM_PATHS ?? [],
  });
}

/** The policy in words for the worker's start-up log line (names of key variables only, never their values). */
export function describeTrustPolicy(policy: TrustPolicy): Record<string, string> {
  return {
    endpoints: describeGrants(policy.endpoints),
    outputRoots: policy.outputRoots.join(delimiter),
    s3Prefixes: policy.s3Prefixes.length === 0 ? 'none' : policy.s3Prefixes.join(' '),
    programPaths: policy.programPaths.length === 0 ? 'none' : policy.programPaths.join(delimiter),
  };
}
