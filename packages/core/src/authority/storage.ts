import type { Outcome } from '../commands.js';
import type { PositionedEvent } from '../model.js';

/** A command's outcome as stored, with who sent it (a command id is never reusable by someone else). */
export interface StoredOutcome {
  id: string;
  actorId: string;
  outcome: Outcome;
}

/** What one command (or one clock tick) wrote: made durable atomically. */
export interface CommitBatch {
  events: PositionedEvent[];
  outcome?: StoredOutcome;
}

/**
 * Durable storage behind an Authority. Implementations: MemoryStorage (here), the relay's
 * SQLite store, the broadcast-channel transport's IndexedDB store.
 */
export interface AuthorityStorage {
  /** Open the store: its epoch (stable for the life of the data) and the retained events in log order. */
  load(): Promise<{ epoch: string; events: PositionedEvent[] }>;
  /**
   * Make a batch durable; resolve only when it would survive a crash. Called in log order and
   * must resolve in that order; implementations may group several batches in one write.
   */
  commit(batch: CommitBatch): Promise<void>;
  /** A stored outcome by command id: idempotency is permanent. */
  outcome(id: string): Promise<StoredOutcome | undefined>;
  close(): Promise<void>;
}

export function randomId(): string {
  return globalThis.crypto.randomUUID();
}

/** Storage in memory: lives as long as the process or page. */
export class MemoryStorage implements AuthorityStorage {
  readonly #events: PositionedEvent[] = [];
  readonly #outcomes = new Map<string, StoredOutcome>();
  readonly #epoch = randomId();

  async load() {
    return { epoch: this.#epoch, events: [...this.#events] };
  }

  async commit(batch: CommitBatch) {
    this.#events.push(...batch.events);
    if (batch.outcome) this.#outcomes.set(batch.outcome.id, batch.outcome);
  }

  async outcome(id: string) {
    return this.#outcomes.get(id);
  }

  async close() {}
}
