/**
 * The relay's durable store: one SQLite file (WAL). Implements core's AuthorityStorage, so the
 * Authority neither knows nor cares; a Redis store can take its place behind the same interface.
 *
 * Group commit: every batch handed to `commit` in the same turn of the event loop is written in
 * ONE transaction (one fsync with synchronous=FULL), then all their promises resolve, in order.
 * Under load this turns N fsyncs into one without making anyone wait for a timer.
 */
import Database from 'better-sqlite3';
import type { AuthorityStorage, CommitBatch, StoredOutcome } from '@flagline/core/authority';
import type { FlagEvent, PositionedEvent } from '@flagline/core';
import { migrate } from './migrations.js';

export type SyncMode = 'full' | 'normal';

export interface SqliteStorageOptions {
  /** Path of the database file (created on first start); ':memory:' for throwaway tests. */
  file: string;
  /**
   * 'full' (default): each group commit is fsynced before anyone is answered — survives power
   * loss. 'normal': WAL without fsync per commit — survives a killed process, not a power cut.
   */
  sync?: SyncMode;
  /** Told once when a write fails; from then on every commit is refused. */
  onFailure?: (err: Error) => void;
}

interface Waiter {
  batch: CommitBatch;
  resolve(): void;
  reject(err: unknown): void;
}

export class SqliteStorage implements AuthorityStorage {
  readonly #db: Database.Database;
  readonly #interactionOf = new Map<string, string>();
  #pending: Waiter[] = [];
  #scheduled = false;
  #failure: Error | null = null;
  readonly #insertEvent: Database.Statement;
  readonly #insertOutcome: Database.Statement;
  readonly #selectOutcome: Database.Statement;
  readonly #selectFlagEvents: Database.Statement;
  readonly #writeGroup: (group: Waiter[]) => void;
  readonly #onFailure: ((err: Error) => void) | undefined;
  readonly #alsoWrite: ((events: PositionedEvent[]) => void)[] = [];
  /** Transactions and batches written, for metrics and tests of the grouping itself. */
  readonly stats = { transactions: 0, batches: 0 };

  constructor(opts: SqliteStorageOptions) {
    this.#onFailure = opts.onFailure;
    this.#db = new Database(opts.file, { timeout: 1000 });
    try {
      this.#db.pragma('journal_mode = WAL');
      // One relay per file: two single writers on one log would fork it. The first transaction
      // takes the lock and keeps it until close (the OS drops it if the process dies).
      this.#db.pragma('locking_mode = EXCLUSIVE');
      this.#db.pragma(`synchronous = ${opts.sync === 'normal' ? 'NORMAL' : 'FULL'}`);
      migrate(this.#db);
    } catch (err) {
      this.#db.close();
      if ((err as { code?: string }).code === 'SQLITE_BUSY')
        throw new Error(`Another process is using ${opts.file} (only one relay may run on a database file).`, { cause: err });
      throw err;
    }
    this.#db
      .prepare(`INSERT INTO meta (key, value) VALUES ('epoch', ?) ON CONFLICT (key) DO NOTHING`)
      .run(globalThis.crypto.randomUUID());
    this.#insertEvent = this.#db.prepare('INSERT INTO events (pos, flag_id, seq, interaction_id, body) VALUES (?, ?, ?, ?, ?)');
    this.#insertOutcome = this.#db.prepare('INSERT INTO outcomes (id, actor_id, body) VALUES (?, ?, ?)');
    this.#selectOutcome = this.#db.prepare('SELECT actor_id, body FROM outcomes WHERE id = ?');
    // Served by the UNIQUE (flag_id, seq) index of migration 1; a flag's seq order is its log order.
    this.#selectFlagEvents = this.#db.prepare('SELECT body FROM events WHERE flag_id = ? ORDER BY seq');
    this.#writeGroup = this.#db.transaction((group: Waiter[]) => {
      for (const { batch } of group) {
        for (const { pos, event } of batch.events) {
          this.#insertEvent.run(pos, event.flagId, event.seq, this.#interaction(event), JSON.stringify(event));
        }
        for (const o of batch.outcomes ?? []) this.#insertOutcome.run(o.id, o.actorId, JSON.stringify(o.outcome));
        for (const write of this.#alsoWrite) write(batch.events);
      }
    });
  }

  async load(): Promise<{ epoch: string; events: PositionedEvent[] }> {
    const epoch = (this.#db.prepare(`SELECT value FROM meta WHERE key = 'epoch'`).get() as { value: string }).value;
    const events: PositionedEvent[] = [];
    for (const row of this.#db.prepare('SELECT pos, body FROM events ORDER BY pos').iterate() as Iterable<{ pos: number; body: string }>) {
      const event = JSON.parse(row.body) as FlagEvent;
      this.#interaction(event);
      events.push({ pos: row.pos, event });
    }
    return { epoch, events };
  }

  commit(batch: CommitBatch): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending.push({ batch, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // setImmediate (not a microtask): lets every frame read in this I/O phase join the group.
        setImmediate(() => this.#flush());
      }
    });
  }

  async outcome(id: string): Promise<StoredOutcome | undefined> {
    const row = this.#selectOutcome.get(id) as { actor_id: string; body: string } | undefined;
    return row && { id, actorId: row.actor_id, outcome: JSON.parse(row.body) };
  }

  async flagEvents(flagId: string): Promise<FlagEvent[]> {
    return (this.#selectFlagEvents.all(flagId) as { body: string }[]).map((r) => JSON.parse(r.body) as FlagEvent);
  }

  /** Every committed event of an interaction's flags, in log order (for the transcript endpoint). */
  interactionEvents(interactionId: string): FlagEvent[] {
    const rows = this.#db.prepare('SELECT body FROM events WHERE interaction_id = ? ORDER BY pos').all(interactionId) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as FlagEvent);
  }

  /** Runs `write` inside every commit's transaction, e.g. to queue webhooks in the commit that records the events. */
  alsoWrite(write: (events: PositionedEvent[]) => void): void {
    this.#alsoWrite.push(write);
  }

  /** The open connection (it holds the file's exclusive lock): the service API's tables share it. */
  get database(): Database.Database {
    return this.#db;
  }

  /** The write error that stopped this store, if any. */
  get failure(): Error | null {
    return this.#failure;
  }

  async close(): Promise<void> {
    this.#flush();
    if (this.#db.open) this.#db.close();
  }

  #flush(): void {
    this.#scheduled = false;
    const group = this.#pending;
    if (group.length === 0) return;
    this.#pending = [];
    try {
      if (this.#failure) throw this.#failure;
      this.#writeGroup(group);
      this.stats.transactions++;
      this.stats.batches += group.length;
    } catch (err) {
      // Nothing of this group is on disk (the transaction rolled back); refuse everything after.
      if (!this.#failure) {
        this.#failure = err instanceof Error ? err : new Error(String(err));
        this.#onFailure?.(this.#failure);
      }
      for (const w of group) w.reject(err);
      return;
    }
    for (const w of group) w.resolve();
  }

  #interaction(event: FlagEvent): string {
    if (event.type === 'raised') this.#interactionOf.set(event.flagId, event.interactionId);
    const id = this.#interactionOf.get(event.flagId);
    if (id === undefined) throw new Error(`Event ${event.type} for unknown flag ${event.flagId}.`);
    return id;
  }
}
