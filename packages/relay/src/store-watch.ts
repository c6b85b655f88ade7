/**
 * Is a tenant's Redis still answering? A relay cut off from Redis by the network sees no error:
 * its commands just wait (a silent link keeps TCP connections open for many minutes). So every
 * `timeoutMs / 3` the watch sends a probe (a read of one of the tenant's keys: on a Cluster it
 * goes to the tenant's shard), one at a time (one unanswered for `timeoutMs` is left behind and
 * another sent: a client library may hold a command for long); with no answer for `timeoutMs` the store is lost
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
  /** When the probe in flight was sent (0: none): one that takes longer than the timeout is left behind, and another sent. */
  #probeSentAt = 0;
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
    const now = Date.now();
    if (this.#probeSentAt === 0 || now - this.#probeSentAt > this.#timeoutMs) {
      const sentAt = (this.#probeSentAt = now);
      const settled = () => {
        if (this.#probeSentAt === sentAt) this.#probeSentAt = 0;
      };
      this.#probe().then(
        () => {
          settled();
          this.#answeredAt = Date.now();
          if (!this.#lost) return;
          this.#lost = false;
          this.#events.back();
        },
        settled,
      );
    }
    if (!this.#lost && now - this.#answeredAt > this.#timeoutMs) {
      this.#lost = true;
      this.#events.lost();
    }
  }
}
