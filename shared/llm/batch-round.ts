/**
 * One replay of an item's program in batch mode, watched until it can go no further: every sampler call either
 * returned (its answers were cached) or is blocked on a request registered for a batch. Blocked calls never return;
 * once none is active and at least one is blocked, `quiet` resolves and the item parks until the batcher wakes it.
 * Letting the other branches run on (rather than stopping at the first miss) puts every request the program can
 * already make — all N samples of a step, every perturbed variant — into the same round.
 */
export class BatchRound {
  private active = 0;
  private blocked = 0;
  private settle: (() => void) | undefined;
  /** The custom_ids this replay waits for. */
  readonly waitingFor = new Set<string>();
  /** Resolves once the program has stopped on pending requests. */
  readonly quiet: Promise<void>;

  constructor() {
    this.quiet = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  /** A sampler call began. */
  enter(): void {
    this.active += 1;
  }

  /** A sampler call returned (its answers were in the cache). */
  leave(): void {
    this.active -= 1;
    this.check();
  }

  /** A sampler call registered these requests and blocks; returns a promise that never settles. */
  block(customIds: readonly string[]): Promise<never> {
    for (const id of customIds) this.waitingFor.add(id);
    this.active -= 1;
    this.blocked += 1;
    this.check();
    return new Promise<never>(() => undefined);
  }

  /**
   * Quiet is judged a turn later (setImmediate, twice): by then every branch the last return let go on has run its
   * synchronous part and, if it asks for more, entered its next call.
   */
  private check(): void {
    if (this.active !== 0 || this.blocked === 0) return;
    setImmediate(() =>
      setImmediate(() => {
        if (this.active === 0 && this.blocked > 0) this.settle?.();
      }),
    );
  }
}
