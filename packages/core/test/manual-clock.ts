import type { Clock } from '../src/client/types.js';

/** A clock the test moves by hand: time passes and timers run only in `advance`. */
export class ManualClock implements Clock {
  #now = 1_000_000;
  #next = 1;
  readonly #timers = new Map<number, { at: number; run: () => void }>();
  now = () => this.#now;
  setTimeout = (run: () => void, ms: number) => {
    this.#timers.set(this.#next, { at: this.#now + ms, run });
    return this.#next++;
  };
  clearTimeout = (handle: unknown) => void this.#timers.delete(handle as number);
  /** Timers set and not yet run or cleared. */
  get pending(): number {
    return this.#timers.size;
  }
  /** Move time on, running every timer that falls due, in order. */
  advance(ms: number) {
    this.#now += ms;
    for (;;) {
      const due = [...this.#timers].filter(([, t]) => t.at <= this.#now).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) return;
      this.#timers.delete(due[0]);
      due[1].run();
    }
  }
}
