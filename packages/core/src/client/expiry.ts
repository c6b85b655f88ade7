import type { Clock } from './types.js';

/**
 * Lowered flags, oldest first, each due to leave the client `recentMs` after it was lowered:
 * the moment a fresh snapshot would stop holding it. Swept by one timer for the oldest and on
 * every update (a background tab's timers are throttled; its updates are not).
 */
export class Expiry {
  #queue: { flagId: string; at: number }[] = [];
  #head = 0;
  #timer: unknown;
  /** The entry the timer is set for, and when it is due. */
  #timed: { flagId: string; at: number } | undefined;
  #timedDue = 0;
  /** Read at each sweep: the source of truth's welcome may change it. */
  readonly #recentMs: () => number;
  readonly #clock: Clock;
  readonly #expire: (due: { flagId: string; at: number }[]) => void;

  constructor(recentMs: () => number, clock: Clock, expire: (due: { flagId: string; at: number }[]) => void) {
    this.#recentMs = recentMs;
    this.#clock = clock;
    this.#expire = expire;
  }

  /** `flagId` was lowered at `at` (the source of truth's stamp). */
  add(flagId: string, at: number): void {
    // Usually the newest: the search only runs for a snapshot's flags, which come in flag order.
    let i = this.#queue.length;
    if (i > this.#head && this.#queue[i - 1]!.at > at) {
      let lo = this.#head;
      while (lo < i) {
        const mid = (lo + i) >>> 1;
        if (this.#queue[mid]!.at <= at) lo = mid + 1;
        else i = mid;
      }
    }
    this.#queue.splice(i, 0, { flagId, at });
    this.#schedule();
  }

  /** Let every flag lowered before now − recentMs go, all at once. */
  sweep(): void {
    const cutoff = this.#clock.now() - this.#recentMs();
    const first = this.#head;
    while (this.#head < this.#queue.length && this.#queue[this.#head]!.at < cutoff) this.#head++;
    if (this.#head > first) this.#expire(this.#queue.slice(first, this.#head));
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#schedule();
  }

  close(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timed = undefined;
  }

  #schedule(): void {
    const next = this.#queue[this.#head];
    const due = next ? next.at + this.#recentMs() + 1 : 0;
    if (next === this.#timed && due === this.#timedDue) return;
    this.close();
    if (!next) return;
    this.#timed = next;
    this.#timedDue = due;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timed = undefined;
      this.sweep();
    }, Math.max(0, due - this.#clock.now()));
  }
}
