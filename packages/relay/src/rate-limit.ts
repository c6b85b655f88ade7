/** A token bucket: `rate` tokens per second, holding at most `burst`. */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    readonly now: () => number = Date.now,
  ) {
    this.#tokens = burst;
    this.#last = now();
  }

  /** Take one token; false when empty. A rate of 0 means unlimited. */
  take(): boolean {
    if (this.rate === 0) return true;
    const t = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) / 1000) * this.rate);
    this.#last = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is available. */
  retryAfterMs(): number {
    return this.rate === 0 ? 0 : Math.ceil(((1 - this.#tokens) / this.rate) * 1000);
  }
}
