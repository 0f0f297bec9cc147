import type { TrustPolicy } from '../shared/trust/trust-policy.js';
import { authorizeOutputLocation, runOutputTarget } from '../shared/trust/output-location-check.js';
import { ContextCache } from './context-cache.js';
import type { LimiterStore } from './endpoint-access.js';

/** Where a job kind's specs are stored (the run store, the eval store). */
export interface SpecSource<S> {
  getSpec(id: string): Promise<S | null>;
}

/** What a worker builds contexts with besides the spec; never from the spec itself. */
export interface ContextAccess {
  env: NodeJS.ProcessEnv;
  /** Where the endpoint limiters keep their shared state; without it requests are not limited. */
  limiterStore: LimiterStore | undefined;
  /** What the worker's operator allows runs and evals to do (endpoints and keys, output locations, programs). */
  trust: TrustPolicy;
}

/**
 * The contexts of one job kind, built from its stored specs: the spec is read, and its output location checked
 * against the trust policy before anything is opened (the spec may be one written straight into Redis, never
 * normalised by a submitter); the kind builds the rest.
 */
export abstract class SpecContexts<S extends { output: { dir: string; uri?: string | undefined } }, C, R extends Error> extends ContextCache<C, R> {
  readonly trust: TrustPolicy;
  protected readonly access: ContextAccess;

  /** @param noun the kind's name in errors ("run", "eval"). */
  protected constructor(
    private readonly specs: SpecSource<S>,
    private readonly noun: string,
    isRefusal: (error: unknown) => error is R,
    access: ContextAccess,
  ) {
    super(isRefusal);
    this.access = access;
    this.trust = access.trust;
  }

  /** Builds the context of a spec whose output location is allowed. */
  protected abstract fromSpec(id: string, spec: S): Promise<C>;

  /**
   * @throws {TrustRefusal} for an output location the trust policy does not allow: nothing is opened then. The check
   *   sees the symlinks that exist when the context is built; one made inside a root afterwards (which takes a shell
   *   on this machine, not a spec) is not.
   */
  protected async build(id: string): Promise<C> {
    const spec = await this.specs.getSpec(id);
    if (spec === null) throw new Error(`${this.noun} ${id} is not registered in this Redis/prefix`);
    await authorizeOutputLocation(this.trust, runOutputTarget(spec));
    return this.fromSpec(id, spec);
  }
}
