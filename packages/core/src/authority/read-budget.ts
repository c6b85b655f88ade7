/**
 * How many stored flags one participant's history pages may read: READS_PER_SECOND, up to
 * READS_BURST at once. A page past memory reads each lowered flag from storage before it can tell
 * whether the reader may see it, so without a budget one agent's ordinary history queries could
 * keep the relay busy (2,000 reads, ~100 ms, per query). A reader who spent it is refused
 * `rate-limited` with a retry hint, or, mid-page, given what was found and a cursor to go on.
 */
export const READS_PER_SECOND = 1_000;
export const READS_BURST = 4_000;
/** Participants tracked at once; past it every budget starts full again (they only refill anyway). */
const TRACKED_MAX = 10_000;

export interface ReadBudget {
  readonly left: number;
  spend(reads: number): void;
  retryAfterMs(): number;
}

export class ReadBudgets {
  readonly #now: () => number;
  readonly #byActor = new Map<string, { left: number; at: number }>();

  constructor(now: () => number) {
    this.#now = now;
  }

  budget(actorId: string): ReadBudget {
    const now = this.#now();
    let entry = this.#byActor.get(actorId);
    if (!entry) {
      if (this.#byActor.size >= TRACKED_MAX) this.#byActor.clear();
      this.#byActor.set(actorId, (entry = { left: READS_BURST, at: now }));
    }
    entry.left = Math.min(READS_BURST, entry.left + ((now - entry.at) / 1000) * READS_PER_SECOND);
    entry.at = now;
    const e = entry;
    return {
      get left() {
        return e.left;
      },
      spend: (reads) => void (e.left -= reads),
      retryAfterMs: () => Math.ceil(((1 - e.left) / READS_PER_SECOND) * 1000),
    };
  }
}
