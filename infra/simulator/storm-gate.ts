/**
 * The simulator's own rate limits ("429 storm"): a cap on chat requests served at once and a requests-per-minute
 * token bucket. A request over either is answered 429 with Retry-After, so client-side limiters can be shown to
 * converge against something that pushes back.
 */
export class StormGate {
  private active = 0;
  private peak = 0;
  private bucket: number;
  private refilledAt = Date.now();

  constructor(
    private readonly maxInFlight: number,
    private readonly perMinute: number,
  ) {
    this.bucket = this.capacity();
  }

  /** Admits a request (the caller must call done() once it is answered) or refuses it. */
  tryEnter(): boolean {
    if (this.maxInFlight > 0 && this.active >= this.maxInFlight) return false;
    if (this.perMinute > 0) {
      const now = Date.now();
      this.bucket = Math.min(this.capacity(), this.bucket + ((now - this.refilledAt) * this.perMinute) / 60_000);
      this.refilledAt = now;
      if (this.bucket < 1) return false;
      this.bucket -= 1;
    }
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    return true;
  }

  done(): void {
    this.active = Math.max(0, this.active - 1);
  }

  get inFlight(): number {
    return this.active;
  }

  get maxInFlightSeen(): number {
    return this.peak;
  }

  resetPeak(): void {
    this.peak = this.active;
  }

  /** One second of the per-minute rate, at least one request. */
  private capacity(): number {
    return Math.max(1, this.perMinute / 60);
  }
}
