/**
 * What a worker derives once per run or eval and process (spec, strategy, templates, client, store), by id. A build
 * that fails does not stick: the next `get` builds again (e.g. after Redis was down for a moment).
 *
 * @typeParam C the context.
 * @typeParam R the refusal: a build failure caused by the spec itself (the workers' trust policy refuses it, or its
 *   program cannot run), which every worker would meet the same way, so the caller ends the run or eval with it.
 */
export abstract class ContextCache<C, R extends Error> {
  private readonly contexts = new Map<string, Promise<C>>();

  /**
   * @param isRefusal tells a refusal from a failure that may pass (Redis down, a spec not registered yet).
   * @param maxEntries contexts kept; beyond it the least recently built is dropped (and rebuilt if needed). Default 64.
   */
  protected constructor(
    private readonly isRefusal: (error: unknown) => error is R,
    private readonly maxEntries = 64,
  ) {}

  protected abstract build(id: string): Promise<C>;

  /** @throws R when the spec is refused; whatever else the build throws. */
  get(id: string): Promise<C> {
    let context = this.contexts.get(id);
    if (context === undefined) {
      context = this.build(id);
      this.contexts.set(id, context);
      const oldest = this.contexts.keys().next().value;
      if (this.contexts.size > this.maxEntries && oldest !== undefined) this.contexts.delete(oldest);
      context.catch(() => this.contexts.delete(id));
    }
    return context;
  }

  /** The context; null when the spec is refused, after `refuse` has ended the run or eval with the refusal. */
  async getUnlessRefused(id: string, refuse: (refusal: R) => Promise<void>): Promise<C | null> {
    try {
      return await this.get(id);
    } catch (error) {
      if (!this.isRefusal(error)) throw error;
      await refuse(error);
      return null;
    }
  }
}
