/**
 * The reference implementation of shared storage, in memory: several Authorities (standing in
 * for several relay processes) write one ordered log with optimistic concurrency. The Redis
 * store implements the same contract; tests use this one to prove the Authority side.
 */
import type { FlagEvent, PositionedEvent } from '../model.js';
import { randomId } from '../random-id.js';
import type { AuthorityStorage, CommitBatch, CommitResult, SharedLog, StoredOutcome } from './storage.js';

export class SharedMemoryLog {
  readonly epoch = randomId();
  readonly events: PositionedEvent[] = [];
  readonly outcomes = new Map<string, StoredOutcome>();
  readonly #followers = new Set<(events: PositionedEvent[]) => void>();

  /** A storage handle for one process. */
  connect(): AuthorityStorage {
    let open = true;
    let deliver: ((events: PositionedEvent[]) => void) | null = null;
    const shared: SharedLog = {
      since: async (pos) => this.events.slice(pos),
      follow: (fn) => {
        deliver = (events) => open && fn(events);
        this.#followers.add(deliver);
      },
    };
    return {
      shared,
      load: async () => ({ epoch: this.epoch, events: [...this.events] }),
      commit: async (batch) => this.#commit(batch),
      outcome: async (id) => this.outcomes.get(id),
      flagEvents: async (flagId) => this.#flagEvents(flagId),
      close: async () => {
        open = false;
        if (deliver) this.#followers.delete(deliver);
      },
    };
  }

  /** A reference implementation: a scan of the log is fine here (Redis and SQLite use an index). */
  #flagEvents(flagId: string): FlagEvent[] {
    return this.events.flatMap((pe) => (pe.event.flagId === flagId ? [pe.event] : []));
  }

  #commit(batch: CommitBatch): CommitResult {
    const outcomes = batch.outcomes ?? [];
    const duplicates = outcomes.flatMap((o) => this.outcomes.get(o.id) ?? []);
    if (duplicates.length) return { duplicates };
    if (batch.expectedPos !== this.events.length) return { conflict: true };
    this.events.push(...batch.events);
    for (const o of outcomes) this.outcomes.set(o.id, o);
    const appended = [...batch.events];
    // Like a stream reader, followers hear about appends asynchronously.
    if (appended.length) queueMicrotask(() => this.#followers.forEach((f) => f(appended)));
    return undefined;
  }
}
