/**
 * Admission of new connections at `rate` per second beyond a `burst`: instead of refusing the
 * excess (which would come straight back), each one is given its own later slot, so a herd of
 * reconnecting clients is spread out at exactly the rate the relay takes (a virtual queue, like
 * GCRA). `slot()` is 0 to admit now, else the milliseconds until this caller's turn.
 */
/** How far ahead admission hands out turns (relay.ts answers 503 beyond): a flood ends its effect this soon after it stops. */
export const MAX_AHEAD_MS = 10_000;

export class Admission {
  #next: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    readonly now: () => number = () => performance.now(),
    /** Slots are handed out at most this far ahead: past it, `slot()` is -1 and the queue does not grow. */
    readonly maxAheadMs = MAX_AHEAD_MS,
  ) {
    this.#next = -Infinity;
  }

  slot(): number {
    if (this.rate === 0) return 0;
    const interval = 1000 / this.rate;
    const now = this.now();
    const start = Math.max(this.#next, now - (Math.max(1, this.burst) - 1) * interval);
    // A flood of upgrades (which need no token) would otherwise push everyone's turn ever later.
    if (start - now > this.maxAheadMs) return -1;
    this.#next = start + interval;
    return Math.max(0, Math.ceil(start - now));
  }
}
