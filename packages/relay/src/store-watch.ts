/**
 * Is a tenant's Redis still answering? A relay cut off from Redis by the network sees no error:
 * its commands just wait (a silent link keeps TCP connections open for many minutes). So every
 * `timeoutMs / 3` the watch sends a probe (a read of one of the tenant's keys: on a Cluster it
 * goes to the tenant's shard), one at a time; with no answer for `timeoutMs` the store is lost
 * (`lost` runs once), and the first answer after that brings it back (`back`).
 */
export interface StoreWatchEvents {
  lost(): void;
  back(): void;
}

export class StoreWatch {
  readonly #probe: () => Promise<unknown>;
  readonly #timeoutMs: number;
  readonly #events: StoreWatchEvents;
  readonly #timer: ReturnType<typeof setInterval>;
  #answeredAt = Date.now();
  #probing = false;
  #lost = false;

  constructor(probe: () => Promise<unknown>, timeoutMs: number, events: StoreWatchEvents) {
    this.#probe = probe;
    this.#timeoutMs = timeoutMs;
    this.#events = events;
    this.#timer = setInterval(() => this.#tick(), Math.max(1, Math.floor(timeoutMs / 3)));
    this.#timer.unref();
  }

  /** No answer from the store for longer than the timeout (until the next answer). */
  get lost(): boolean {
    return this.#lost;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    if (!this.#probing) {
      this.#probing = true;
      this.#probe().then(
        () => {
          this.#probing = false;
          this.#answeredAt = Date.now();
          if (!this.#lost) return;
          this.#lost = false;
          this.#events.back();
        },
        () => (this.#probing = false),
      );
    }
    if (!this.#lost && Date.now() - this.#answeredAt > this.#timeoutMs) {
      this.#lost = true;
      this.#events.lost();
    }
  }
}
