/**
 * The simulator's capacity: a FIFO semaphore counted in sequences (a request with `n` choices takes n slots), as
 * an inference server batches sequences, not requests. Requests beyond capacity wait in order, so load produces
 * queueing and latency the way a real server does.
 */
interface Waiter {
  count: number;
  grant: () => void;
}

export class SequenceSlots {
  readonly capacity: number;
  #inUse = 0;
  #waiting: Waiter[] = [];
  #maxInUse = 0;
  #maxWaitingSequences = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  get inUse(): number {
    return this.#inUse;
  }
  get maxInUse(): number {
    return this.#maxInUse;
  }
  /** Sequences waiting for a slot now. */
  get waitingSequences(): number {
    return this.#waiting.reduce((sum, w) => sum + w.count, 0);
  }
  get maxWaitingSequences(): number {
    return this.#maxWaitingSequences;
  }

  resetPeaks(): void {
    this.#maxInUse = this.#inUse;
    this.#maxWaitingSequences = this.waitingSequences;
  }

  /**
   * Waits for `count` slots (clamped to capacity, so a request larger than the server still runs, alone) and
   * returns the release function. Rejects with the signal's reason if aborted while waiting.
   */
  acquire(count: number, signal?: AbortSignal): Promise<() => void> {
    const need = Math.max(1, Math.min(count, this.capacity));
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        this.#inUse -= need;
        this.#drain();
      };
      const waiter: Waiter = {
        count: need,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.#take(need);
          resolve(release);
        },
      };
      const onAbort = (): void => {
        const at = this.#waiting.indexOf(waiter);
        if (at !== -1) this.#waiting.splice(at, 1);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        this.#drain();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
      this.#maxWaitingSequences = Math.max(this.#maxWaitingSequences, this.waitingSequences);
      this.#drain();
    });
  }

  #take(count: number): void {
    this.#inUse += count;
    this.#maxInUse = Math.max(this.#maxInUse, this.#inUse);
  }

  /** Grants waiters strictly in order: a big request at the head is not overtaken by small ones (no starvation). */
  #drain(): void {
    for (;;) {
      const head = this.#waiting[0];
      if (!head || this.#inUse + head.count > this.capacity) return;
      this.#waiting.shift();
      head.grant();
    }
  }
}
