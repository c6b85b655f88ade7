/** A token bucket: `rate` tokens per second, holding at most `burst`. A rate of 0 means unlimited. */
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

  /** The tokens there are now (a fraction while refilling). */
  get available(): number {
    if (this.rate === 0) return Infinity;
    const t = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) / 1000) * this.rate);
    this.#last = t;
    return this.#tokens;
  }

  /** Take `n` tokens; false (taking none) when fewer are there. */
  take(n = 1): boolean {
    if (this.available < n) return false;
    this.#tokens -= n;
    return true;
  }

  /** Milliseconds until one token is there. */
  retryAfterMs(): number {
    return this.rate === 0 ? 0 : Math.ceil(((1 - this.#tokens) / this.rate) * 1000);
  }
}
