import { TokenBucket } from './token-bucket.js';

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

/** One bucket of reads per participant (TokenBucket). */
export class ReadBudgets {
  readonly #now: () => number;
  readonly #byActor = new Map<string, TokenBucket>();

  constructor(now: () => number) {
    this.#now = now;
  }

  budget(actorId: string): TokenBucket {
    let bucket = this.#byActor.get(actorId);
    if (!bucket) {
      if (this.#byActor.size >= TRACKED_MAX) this.#byActor.clear();
      this.#byActor.set(actorId, (bucket = new TokenBucket(READS_PER_SECOND, READS_BURST, this.#now)));
    }
    return bucket;
  }
}
