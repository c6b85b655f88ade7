/**
 * The relay's durable store: one SQLite file (WAL). Implements core's AuthorityStorage, so the
 * Authority neither knows nor cares; a Redis store can take its place behind the same interface.
 *
 * Group commit: every batch handed to `commit` in the same turn of the event loop is written in
 * ONE transaction (one fsync with synchronous=FULL), then all their promises resolve, in order.
 * Under load this turns N fsyncs into one without making anyone wait for a timer. At low rates
 * each group is one command and pays a whole fsync (issue 18: ≈ 0.1–0.3 ms of CPU per fsync on the
 * bench machine); an opt-in `commitWindowMs` lets a group wait a few ms for more batches to join it.
 */
import Database from 'better-sqlite3';
import type { AuthorityStorage, Checkpoint, CommitBatch, Loaded, LoweredRef, StoredOutcome } from '@flagline/core/authority';
import type { FlagEvent, PositionedEvent } from '@flagline/core';
import { migrate } from './migrations.js';
import { SqliteSettings } from './settings-sqlite.js';
import type { Purged } from './store.js';

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
  /**
   * 0 (default): a group is the batches handed over in one event-loop turn. N > 0: a group is
   * written N ms after its first batch, so batches arriving meanwhile share its fsync; each
   * command's answer then waits up to N ms longer. Nothing is answered before it is durable either way.
   */
  commitWindowMs?: number;
}

/**
 * Keeps in the checkpoint's queue of lowered flags only the flags it names: run after names were
 * removed (an interaction erased), so a start does not queue a flag it has no history of.
 */
export const KEEP_NAMED_LOWERED = `UPDATE checkpoint SET body = json_set(body, '$.lowered', json((
  SELECT json_group_array(json(value) ORDER BY key) FROM json_each(body, '$.lowered')
  WHERE json_extract(value, '$.flagId') IN (SELECT flag_id FROM checkpoint_flags))))`;

/** The checkpoint row: everything of a Checkpoint but the flag histories (checkpoint_flags names them). */
type CheckpointHead = Omit<Checkpoint, 'events'>;

interface Waiter {
  batch: CommitBatch;
  resolve(): void;
  reject(err: unknown): void;
}

export class SqliteStorage implements AuthorityStorage {
  readonly #db: Database.Database;
  /** The interaction of each open flag this store wrote or read (older ones are looked up). */
  readonly #interactionOf = new Map<string, string>();
  #pending: Waiter[] = [];
  #scheduled = false;
  readonly #commitWindowMs: number;
  #windowTimer: NodeJS.Timeout | undefined;
  #failure: Error | null = null;
  readonly #insertEvent: Database.Statement;
  readonly #insertOutcome: Database.Statement;
  readonly #selectOutcome: Database.Statement;
  readonly #selectFlagEvents: Database.Statement;
  readonly #selectInteraction: Database.Statement;
  readonly #insertLowered: Database.Statement;
  readonly #writeGroup: (group: Waiter[]) => void;
  readonly #writeCheckpoint: (checkpoint: Checkpoint) => Map<string, number> | null;
  /** The length of each flag history the stored checkpoint names. */
  #checkpointed = new Map<string, number>();
  readonly #onFailure: ((err: Error) => void) | undefined;
  readonly #alsoWrite: ((events: PositionedEvent[]) => void)[] = [];
  /** Transactions and batches written, for metrics and tests of the grouping itself. */
  readonly stats = { transactions: 0, batches: 0 };
  /** Events the last load() read, for metrics and tests. */
  loadedEvents = 0;
  /** Team and personal settings documents, in the same file. */
  readonly settings: SqliteSettings;

  constructor(opts: SqliteStorageOptions) {
    this.#onFailure = opts.onFailure;
    this.#commitWindowMs = opts.commitWindowMs ?? 0;
    this.#db = new Database(opts.file, { timeout: 1000 });
    try {
      this.#db.pragma('journal_mode = WAL');
      // One relay per file: two single writers on one log would fork it. The first transaction
      // takes the lock and keeps it until close (the OS drops it if the process dies).
      this.#db.pragma('locking_mode = EXCLUSIVE');
      this.#db.pragma(`synchronous = ${opts.sync === 'normal' ? 'NORMAL' : 'FULL'}`);
      // What the retention purge deletes is overwritten on disk, not left in free pages.
      this.#db.pragma('secure_delete = ON');
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
    this.#selectInteraction = this.#db.prepare('SELECT interaction_id FROM events WHERE flag_id = ? AND seq = 1').pluck();
    this.#insertLowered = this.#db.prepare('INSERT INTO lowered (flag_id, at, pos) VALUES (?, ?, ?)');
    this.settings = new SqliteSettings(this.#db);
    const checkpointPos = this.#db.prepare('SELECT pos FROM checkpoint').pluck();
    const writeHead = this.#db.prepare('INSERT INTO checkpoint (id, pos, body) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET pos = excluded.pos, body = excluded.body');
    const writeFlag = this.#db.prepare('INSERT INTO checkpoint_flags (flag_id, events) VALUES (?, ?) ON CONFLICT (flag_id) DO UPDATE SET events = excluded.events');
    const deleteFlag = this.#db.prepare('DELETE FROM checkpoint_flags WHERE flag_id = ?');
    this.#writeCheckpoint = this.#db.transaction(({ events, ...head }: Checkpoint) => {
      if (((checkpointPos.get() as number | undefined) ?? -1) > head.pos) return null;
      const lengths = new Map<string, number>();
      // Checkpoint.events: each flag's events together.
      for (let i = 0, j = 0; i < events.length; i = j) {
        const { flagId } = events[i]!;
        while (j < events.length && events[j]!.flagId === flagId) j++;
        if (lengths.has(flagId)) throw new Error(`The checkpoint's events of flag ${flagId} are not together.`);
        // Named by its length, so it must be the whole history: seq 1 to n, all in `events` (durable before any checkpoint).
        if (events[i]!.seq !== 1 || events[j - 1]!.seq !== j - i) throw new Error(`The checkpoint's events of flag ${flagId} are not its whole history.`);
        lengths.set(flagId, j - i);
        if (this.#checkpointed.get(flagId) !== j - i) writeFlag.run(flagId, j - i);
      }
      for (const flagId of this.#checkpointed.keys()) if (!lengths.has(flagId)) deleteFlag.run(flagId);
      writeHead.run(head.pos, JSON.stringify(head satisfies CheckpointHead));
      return lengths;
    });
    this.#writeGroup = this.#db.transaction((group: Waiter[]) => {
      for (const { batch } of group) {
        for (const { pos, event } of batch.events) {
          this.#insertEvent.run(pos, event.flagId, event.seq, this.#interaction(event), JSON.stringify(event));
          if (event.type === 'lowered') this.#insertLowered.run(event.flagId, event.at, pos);
        }
        for (const o of batch.outcomes ?? []) this.#insertOutcome.run(o.id, o.actorId, JSON.stringify(o.outcome));
        for (const write of this.#alsoWrite) write(batch.events);
      }
    });
  }

  /**
   * The epoch, the latest checkpoint and the events from its replay window on (or all of them).
   * The checkpoint names each flag's history by its length; its events are read from the log
   * once, and an event of the replay window up to the checkpoint whose flag the checkpoint names
   * is that object, not its row parsed again (in the bench's reconnect storm most of the window is).
   */
  async load(): Promise<Loaded> {
    const epoch = (this.#db.prepare(`SELECT value FROM meta WHERE key = 'epoch'`).get() as { value: string }).value;
    const head = this.#db.prepare('SELECT body FROM checkpoint').pluck().get() as string | undefined;
    // Each named flag's history as one JSON array (its rows in seq order: the UNIQUE (flag_id, seq)
    // index), flags in rowid order: a parse per flag, not per event.
    const histories = new Map<string, FlagEvent[]>();
    const events: FlagEvent[] = [];
    this.#checkpointed = new Map();
    if (head !== undefined) {
      const rows = this.#db
        .prepare(
          `SELECT c.flag_id, c.events, '[' || group_concat(e.body, ',' ORDER BY e.seq) || ']' FROM checkpoint_flags c
           LEFT JOIN events e ON e.flag_id = c.flag_id AND e.seq <= c.events GROUP BY c.rowid ORDER BY c.rowid`,
        )
        .raw()
        .iterate() as Iterable<[flagId: string, length: number, history: string | null]>;
      for (const [flagId, length, json] of rows) {
        const history = JSON.parse(json ?? '[]') as FlagEvent[];
        if (history.length !== length)
          throw new Error(`The checkpoint names ${length} events of flag ${flagId}, but the log holds ${history.length} of them: the file is damaged.`);
        histories.set(flagId, history);
        this.#checkpointed.set(flagId, length);
        for (const event of history) {
          this.#remember(event);
          events.push(event);
        }
      }
    }
    const checkpoint = head === undefined ? undefined : { ...(JSON.parse(head) as CheckpointHead), events };
    const window: PositionedEvent[] = [];
    const upTo = checkpoint?.pos ?? 0;
    const body = this.#db.prepare('SELECT body FROM events WHERE pos = ?').pluck();
    // Rows as arrays (raw): no object per row for the ~50k of a day's replay window.
    const rows = this.#db
      .prepare('SELECT pos, flag_id, seq, CASE WHEN pos > ? THEN body END AS body FROM events WHERE pos >= ? ORDER BY pos')
      .raw()
      .iterate(upTo, checkpoint?.replayFrom ?? 0) as Iterable<[pos: number, flagId: string, seq: number, body: string | null]>;
    for (const [pos, flagId, seq, text] of rows) {
      const known = text === null ? histories.get(flagId)?.[seq - 1] : undefined;
      window.push({ pos, event: known ?? (JSON.parse(text ?? (body.get(pos) as string)) as FlagEvent) });
    }
    this.loadedEvents = window.length;
    return { epoch, ...(checkpoint ? { checkpoint } : {}), events: window };
  }

  /**
   * Replaces the stored checkpoint unless that one is further on, in one transaction: the head
   * row, and the length of each flag history that grew since the last checkpoint (its events are
   * in the log already: the Authority saves a checkpoint once everything before it is durable);
   * flags that left memory leave it. A checkpoint then writes a number per flag that changed, not
   * the state in memory, nor even the changed histories. A write error goes to the Authority,
   * which reports it.
   */
  async saveCheckpoint(checkpoint: Checkpoint): Promise<void> {
    if (this.#failure) throw this.#failure;
    const written = this.#writeCheckpoint(checkpoint);
    if (written) this.#checkpointed = written;
  }

  /** Flags lowered before a log position, newest first (the Authority's history past its memory). */
  async loweredBefore(beforePos: number, limit: number): Promise<LoweredRef[]> {
    return this.#db.prepare('SELECT flag_id AS flagId, at, pos FROM lowered WHERE pos < ? ORDER BY pos DESC LIMIT ?').all(beforePos, limit) as LoweredRef[];
  }

  /**
   * Deletes every event of up to `limit` flags lowered before `cutoff` (ms since the epoch),
   * oldest first, in one transaction. Only flags lowered at or before the latest checkpoint, and
   * not named by it, go: the checkpoint (written just before, after they left memory) reads
   * nothing of them, and the log's head is never deleted. Command outcomes stay (see the README's Retention).
   */
  purge(cutoff: number, limit: number): Purged {
    return this.#db.transaction(() => {
      const flags = this.#db
        .prepare('SELECT flag_id FROM lowered WHERE at < ? AND pos <= (SELECT pos FROM checkpoint) AND flag_id NOT IN (SELECT flag_id FROM checkpoint_flags) ORDER BY at LIMIT ?')
        .pluck()
        .all(cutoff, limit) as string[];
      let events = 0;
      const deleteEvents = this.#db.prepare('DELETE FROM events WHERE flag_id = ?');
      const deleteLowered = this.#db.prepare('DELETE FROM lowered WHERE flag_id = ?');
      for (const flagId of flags) {
        events += deleteEvents.run(flagId).changes;
        deleteLowered.run(flagId);
      }
      return { flags: flags.length, events };
    })();
  }

  commit(batch: CommitBatch): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending.push({ batch, resolve, reject });
      // setImmediate (not a microtask): lets every frame read in this I/O phase join the group;
      // a window lets the frames of the next few milliseconds join it too.
      if (this.#scheduled) return;
      this.#scheduled = true;
      if (this.#commitWindowMs > 0) this.#windowTimer = setTimeout(() => this.#flush(), this.#commitWindowMs);
      else setImmediate(() => this.#flush());
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
    clearTimeout(this.#windowTimer);
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

  /** An event's interaction: kept for open flags (from the checkpoint and what was written since), else looked up. */
  #interaction(event: FlagEvent): string {
    const id = event.type === 'raised' ? event.interactionId : (this.#interactionOf.get(event.flagId) ?? (this.#selectInteraction.get(event.flagId) as string | undefined));
    if (id === undefined) throw new Error(`Event ${event.type} for unknown flag ${event.flagId}.`);
    this.#remember(event, id);
    return id;
  }

  /** Keep the interaction of an open flag; a lowered one takes no more events. */
  #remember(event: FlagEvent, interactionId = event.type === 'raised' ? event.interactionId : this.#interactionOf.get(event.flagId)): void {
    if (event.type === 'lowered' || interactionId === undefined) this.#interactionOf.delete(event.flagId);
    else this.#interactionOf.set(event.flagId, interactionId);
  }
}
