import type { Outcome } from '../commands.js';
import type { FlagEvent, PositionedEvent } from '../model.js';
import { randomId } from '../random-id.js';
import { MemorySettings, type SettingsStorage } from '../settings/storage.js';

/** A command's outcome as stored, with who sent it (a command id is never reusable by someone else). */
export interface StoredOutcome {
  id: string;
  actorId: string;
  outcome: Outcome;
}

/**
 * What one command or clock tick wrote (single-writer storage), or what a group of commands
 * decided one after another wrote (shared storage): made durable atomically.
 */
export interface CommitBatch {
  events: PositionedEvent[];
  /** One per command in the batch; a command id is stored once, forever. */
  outcomes?: StoredOutcome[];
  /** The log position the decisions were made at (the last pos before these events). */
  expectedPos: number;
}

/**
 * A commit's answer. Single-writer storage always succeeds (undefined). Shared storage writes
 * nothing and answers `duplicates` when any of the batch's command ids already has a stored
 * outcome (each is that command's answer; decide the others again), else `conflict` when its
 * log has moved past `expectedPos` (another process wrote: catch up and decide again).
 */
export type CommitResult = void | { conflict: true } | { duplicates: StoredOutcome[] };

/**
 * The Authority's state at one log position, so a start need not read the history before it:
 * the flags still in memory (open, or lowered within the retention) as their events, the queue
 * of lowered ones waiting to leave memory, and where the replay window began. A flag lowered
 * longer ago is in neither: it lives only in the log (and is read from it by `flagEvents`).
 */
export interface Checkpoint {
  /** Format version; an Authority refuses one it does not know. */
  v: 1;
  /** Every event up to this log position is in the state, none after it. */
  pos: number;
  /** The oldest position of the replay window; load() returns the events from here on. */
  replayFrom: number;
  /** The whole histories of the flags in memory, each flag's events together, in log order within a flag. */
  events: FlagEvent[];
  /** Lowered flags still in memory, in log order (the order they leave it). */
  lowered: { flagId: string; at: number; pos: number }[];
}

/** What `load()` returns. */
export interface Loaded {
  /** Stable for the life of the data. */
  epoch: string;
  /** The latest checkpoint, if the storage keeps them and one was written. */
  checkpoint?: Checkpoint;
  /** Retained events in log order: all of them, or those from `checkpoint.replayFrom` on. */
  events: PositionedEvent[];
}

/** The extra half of storage that several processes write to at once (e.g. Redis). */
export interface SharedLog {
  /** Events after `pos`, in log order (to catch up after a conflict or a gap). */
  since(pos: number): Promise<PositionedEvent[]>;
  /** Deliver events as they are appended by anyone, in log order, until close. */
  follow(deliver: (events: PositionedEvent[]) => void): void;
}

/**
 * Durable storage behind an Authority. Implementations: MemoryStorage (here), SharedMemoryLog,
 * the relay's SQLite and Redis stores, the broadcast-channel transport's IndexedDB store.
 */
export interface AuthorityStorage {
  /**
   * Open the store: its epoch, and either every retained event or the latest checkpoint and the
   * events from its `replayFrom` on (start-up then costs the open state, not the history).
   */
  load(): Promise<Loaded>;
  /**
   * Make a batch durable; resolve only when it would survive a crash. Called in log order and
   * must resolve in that order; single-writer implementations may group several batches in one
   * write. Shared implementations check `expectedPos` and the outcome ids atomically.
   */
  commit(batch: CommitBatch): Promise<CommitResult>;
  /** Present when several processes share this storage: decisions then wait for their group's commit. */
  readonly shared?: SharedLog;
  /** A stored outcome by command id: idempotency is permanent. */
  outcome(id: string): Promise<StoredOutcome | undefined>;
  /**
   * Every committed event of one flag, in order ([] for an unknown flag). The Authority reads a
   * flag's history here once it no longer keeps it in memory (lowered longer ago than its
   * retention), so implementations should find a flag's events without scanning the whole log.
   */
  flagEvents(flagId: string): Promise<FlagEvent[]>;
  /**
   * Optional: keep this checkpoint as the latest. It replaces one at the same or an earlier
   * position (at the same position it was captured later, so more flags had left memory: a
   * retention purge relies on that); one behind the stored position is ignored, as several
   * processes of a shared log each write theirs. Called only once every event up to
   * `checkpoint.pos` is durable. Without it, load() reads the whole log.
   */
  saveCheckpoint?(checkpoint: Checkpoint): Promise<void>;
  /**
   * Optional: flags lowered at log positions before `beforePos`, newest first, at most `limit`.
   * The Authority pages history past what it keeps in memory with it; without it, history
   * reaches back as far as the Authority's retention.
   */
  loweredBefore?(beforePos: number, limit: number): Promise<LoweredRef[]>;
  /** Optional: team and personal settings documents (without it, settings requests are answered `unavailable`). */
  readonly settings?: SettingsStorage;
  close(): Promise<void>;
}

/** Where a flag's lowering stands in the log. */
export interface LoweredRef {
  flagId: string;
  at: number;
  pos: number;
}


/** Storage in memory: lives as long as the process or page. */
export class MemoryStorage implements AuthorityStorage {
  readonly #events: PositionedEvent[] = [];
  readonly #byFlag = new Map<string, FlagEvent[]>();
  readonly #outcomes = new Map<string, StoredOutcome>();
  readonly #lowered: LoweredRef[] = [];
  readonly #epoch = randomId();
  #checkpoint: Checkpoint | undefined;
  readonly settings: MemorySettings;

  constructor(settings: MemorySettings = new MemorySettings()) {
    this.settings = settings;
  }

  async load(): Promise<Loaded> {
    const from = this.#checkpoint?.replayFrom ?? 0;
    const events = this.#events.filter((pe) => pe.pos >= from);
    return { epoch: this.#epoch, ...(this.#checkpoint ? { checkpoint: structuredClone(this.#checkpoint) } : {}), events };
  }

  async saveCheckpoint(checkpoint: Checkpoint): Promise<void> {
    if (checkpoint.pos >= (this.#checkpoint?.pos ?? 0)) this.#checkpoint = structuredClone(checkpoint);
  }

  async commit(batch: CommitBatch): Promise<void> {
    this.#events.push(...batch.events);
    for (const { pos, event } of batch.events) {
      if (event.type === 'lowered') this.#lowered.push({ flagId: event.flagId, at: event.at, pos });
      const events = this.#byFlag.get(event.flagId);
      if (events) events.push(event);
      else this.#byFlag.set(event.flagId, [event]);
    }
    for (const o of batch.outcomes ?? []) this.#outcomes.set(o.id, o);
  }

  async outcome(id: string) {
    return this.#outcomes.get(id);
  }

  async flagEvents(flagId: string): Promise<FlagEvent[]> {
    return [...(this.#byFlag.get(flagId) ?? [])];
  }

  async loweredBefore(beforePos: number, limit: number): Promise<LoweredRef[]> {
    const out: LoweredRef[] = [];
    for (let i = this.#lowered.length - 1; i >= 0 && out.length < limit; i--) if (this.#lowered[i]!.pos < beforePos) out.push(this.#lowered[i]!);
    return out;
  }

  async close() {}
}
