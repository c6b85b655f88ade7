/**
 * The source of truth: runs the state machine, orders events, makes them durable before
 * answering, fans them out to subscribers it authorizes, replays and snapshots.
 * Used by the memory hub, the broadcast-channel leader tab and the relay alike.
 */
import type { CommandEnvelope, Outcome } from '../commands.js';
import { resolveConfig, type FlagConfig, type FlagConfigInput } from '../config.js';
import { FlagError } from '../errors.js';
import { decide, escalationDue, type DecisionState } from '../machine.js';
import { isOpen, type Flag, type FlagEvent, type Participant, type PositionedEvent, type ResumePoint, type Snapshot } from '../model.js';
import { canSee, checkAccess, noSuchFlag } from '../rules.js';
import { Draft, track } from './draft.js';
import type { AuthorityStorage, CommitBatch, StoredOutcome } from './storage.js';

export interface AuthorityOptions {
  storage: AuthorityStorage;
  config?: FlagConfigInput;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** How many recent events are kept for resuming; an older resume point gets "snapshot needed". */
  replayWindow?: number;
  /**
   * How long a lowered flag's events stay in memory after it was lowered; older ones are read
   * from storage when asked for. At least `config.recentMs` (snapshots hold recently lowered
   * flags whole); default `config.recentMs` plus HISTORY_MARGIN_MS.
   */
  historyRetentionMs?: number;
}

/** Default retention beyond `recentMs`: a flag that just left snapshots is still served from memory. */
export const HISTORY_MARGIN_MS = 5 * 60_000;

type Listener = (event: PositionedEvent) => void;
interface Subscriber {
  actor: Participant;
  listener: Listener;
}

export class Authority implements DecisionState {
  readonly config: FlagConfig;
  readonly epoch: string;
  #pos: number;
  readonly #storage: AuthorityStorage;
  readonly #now: () => number;
  readonly #replayWindow: number;
  readonly #retentionMs: number;
  /**
   * Flags by id (every flag ever raised, as its small current state, so decisions never change), the open flag of each interaction, the agent of each interaction. */
  readonly #state = { flags: new Map<string, Flag>(), open: new Map<string, string>(), agents: new Map<string, string>() };
  /** Event histories of flags that are open or were lowered within the retention time. */
  readonly #history = new Map<string, FlagEvent[]>();
  /** Lowered flags whose histories are still in memory, in log order, oldest from `#loweredHead`. */
  readonly #lowered: { flagId: string; at: number; pos: number }[] = [];
  #loweredHead = 0;
  /** The last log position known to be durable: a history leaves memory only once it is stored. */
  #durablePos = 0;
  readonly #log: PositionedEvent[] = [];
  readonly #inflight = new Map<string, { actorId: string; done: Promise<Outcome> }>();
  readonly #subscribers = new Set<Subscriber>();
  /** Shared storage: commands waiting to be decided and committed as the next group. */
  readonly #waiting: Job[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #delivery: Promise<unknown> = Promise.resolve();
  #failure: FlagError | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;

  private constructor(opts: AuthorityOptions, epoch: string, events: PositionedEvent[]) {
    this.config = resolveConfig(opts.config);
    this.#storage = opts.storage;
    this.#now = opts.now ?? Date.now;
    this.#replayWindow = opts.replayWindow ?? 50_000;
    this.#retentionMs = opts.historyRetentionMs ?? this.config.recentMs + HISTORY_MARGIN_MS;
    if (!(this.#retentionMs >= this.config.recentMs))
      throw new FlagError('invalid-input', `historyRetentionMs (${opts.historyRetentionMs}) must be at least recentMs (${this.config.recentMs}).`);
    this.epoch = epoch;
    this.#pos = 0;
    for (const pe of events) this.#apply(pe);
    this.#durable(this.#pos);
  }

  static async open(opts: AuthorityOptions): Promise<Authority> {
    const { epoch, events } = await opts.storage.load();
    const authority = new Authority(opts, epoch, events);
    const shared = opts.storage.shared;
    if (shared) {
      shared.follow((appended) => authority.#ingest(appended));
      // Whatever was appended between load() and follow() is fetched now.
      authority.#queue = authority.#catchUp().catch(() => {});
    }
    return authority;
  }

  get pos(): number {
    return this.#pos;
  }

  /** How many flags' event histories are in memory (open or lowered within the retention time). */
  get retainedHistories(): number {
    return this.#history.size;
  }

  flag(id: string): Flag | undefined {
    return this.#state.flags.get(id);
  }
  openFlagFor(interactionId: string): Flag | undefined {
    const id = this.#state.open.get(interactionId);
    return id === undefined ? undefined : this.#state.flags.get(id);
  }
  interactionAgent(interactionId: string): string | undefined {
    return this.#state.agents.get(interactionId);
  }

  /** Run a command for an authenticated actor. Resolves once durable and fanned out. */
  execute(actor: Participant, envelope: CommandEnvelope): Promise<Outcome> {
    const inflight = this.#inflight.get(envelope.id);
    if (inflight) {
      if (inflight.actorId === actor.id) return inflight.done;
      // The one in flight may be a stray reuse of an id someone else already owns, not the
      // owner: once it settles, the stored outcome says whose id it is.
      const again = () => this.execute(actor, envelope);
      return inflight.done.then(again, again);
    }
    const key = { id: envelope.id, actorId: actor.id };
    const done = this.#enqueue<Outcome>(key, (state) => {
      const decision = decide(state, actor, envelope, this.#now(), this.config);
      const outcome: Outcome =
        decision instanceof FlagError
          ? { ok: false, error: decision.toJSON() }
          : {
              ok: true,
              flagId: decision.flagId,
              seq: decision.events.at(-1)?.seq ?? (decision.flagId ? (state.flag(decision.flagId)?.seq ?? 0) : 0),
              changed: decision.changed,
              ...(decision.note ? { note: decision.note } : {}),
            };
      const events = decision instanceof FlagError ? [] : decision.events;
      return { result: outcome, events, outcome: { ...key, outcome } };
    });
    this.#inflight.set(envelope.id, { actorId: actor.id, done });
    void done.finally(() => this.#inflight.delete(envelope.id)).catch(() => {});
    return done;
  }

  /**
   * Escalate every flag whose time is up, and drop from memory the histories whose retention
   * ended. Runs on the timer from `start()`, or by hand in tests.
   */
  tick(): Promise<void> {
    this.#evict();
    return this.#enqueue<void>(null, (state) => {
      const now = this.#now();
      const events: FlagEvent[] = [];
      for (const flag of state.openFlags()) {
        const due = escalationDue(flag, now, this.config);
        if (due) events.push(due);
      }
      return { result: undefined, events };
    });
  }

  start(intervalMs = 1000): void {
    this.#timer ??= setInterval(() => void this.tick().catch(() => {}), intervalMs);
  }

  /** Live events this actor may see, from now on. */
  subscribe(actor: Participant, listener: Listener): () => void {
    const sub = { actor, listener };
    this.#subscribers.add(sub);
    return () => this.#subscribers.delete(sub);
  }

  /** Events after a resume point that the actor may see, or null when only a snapshot can help. */
  replay(actor: Participant, point: ResumePoint): PositionedEvent[] | null {
    if (point.epoch !== this.epoch || point.pos > this.#pos) return null;
    const oldest = this.#log[0]?.pos ?? this.#pos + 1;
    if (point.pos < oldest - 1) return null;
    const out: PositionedEvent[] = [];
    for (let i = this.#log.length - 1; i >= 0 && this.#log[i]!.pos > point.pos; i--) {
      const pe = this.#log[i]!;
      if (this.#visible(actor, pe.event.flagId)) out.push(pe);
    }
    return out.reverse();
  }

  /**
   * A flag's events after `afterSeq`, if the actor may see the flag: from memory, or from
   * storage for a flag lowered longer ago than the retention time (it takes no more events).
   */
  async history(actor: Participant, flagId: string, afterSeq: number): Promise<FlagEvent[]> {
    const flag = this.#state.flags.get(flagId);
    if (!flag) throw noSuchFlag(flagId);
    const denied = checkAccess(actor, flag, this.config);
    if (denied) throw denied;
    const events = this.#history.get(flagId) ?? (await this.#storage.flagEvents(flagId));
    return events.filter((e) => e.seq > afterSeq);
  }

  /**
   * Every flag the actor may see that is open or was lowered recently, with all its events.
   * Only retained histories are looked at: the retention is at least `recentMs`.
   */
  snapshot(actor: Participant): Snapshot {
    const since = this.#now() - this.config.recentMs;
    const events: FlagEvent[] = [];
    for (const [id, history] of this.#history) {
      const flag = this.#state.flags.get(id)!;
      if (!canSee(actor, flag, this.config)) continue;
      if (!isOpen(flag) && flag.lowered!.at < since) continue;
      events.push(...history);
    }
    return { epoch: this.epoch, pos: this.#pos, events };
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#queue.catch(() => {});
    await this.#delivery.catch(() => {});
    this.#subscribers.clear();
    await this.#storage.close();
  }

  #visible(actor: Participant, flagId: string): boolean {
    const flag = this.#state.flags.get(flagId);
    return flag !== undefined && canSee(actor, flag, this.config);
  }

  /**
   * Decisions run one at a time against in-memory state. With single-writer storage their
   * writes are pipelined so the storage can group-commit. With shared storage the commands
   * that wait while a commit is in flight form the next group: decided one after another
   * against a draft of the state, written in one commit, and applied only once it succeeds.
   * Each caller resolves after its write is durable and fanned out.
   */
  #enqueue<T>(key: Key | null, plan: (state: Draft) => Plan<T>): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#storage.shared) {
      return new Promise<T>((resolve, reject) => {
        const job: Job = { key, plan, resolve: resolve as (result: unknown) => void, reject };
        if (this.#waiting.push(job) === 1) this.#queue = this.#queue.then(() => this.#commitGroup());
      });
    }
    const decided = this.#queue.then(async (): Promise<{ result: T; durable: Promise<void> }> => {
      const stored = key && (await this.#storage.outcome(key.id));
      if (stored) return { result: answer(stored, key) as T, durable: Promise.resolve() };
      const { result, events, outcome } = plan(new Draft(this.#state));
      const positioned = events.map((event, i) => ({ pos: this.#pos + 1 + i, event }));
      return { result, durable: this.#pipeline({ events: positioned, expectedPos: this.#pos, outcomes: outcome ? [outcome] : [] }) };
    });
    this.#queue = decided.catch(() => {});
    return decided.then(({ result, durable }) => durable.then(() => result));
  }

  /**
   * Shared storage: decide the waiting commands (up to MAX_GROUP) and commit them in one write.
   * Nothing is applied before the commit succeeds, so a failed one cannot make this process
   * diverge: the commands fail (retrying their ids is safe) and the authority goes on. A command
   * id that already has an outcome (a retry whose first attempt was written, here or on another
   * process) gets that outcome, not a new decision; the storage checks this with the write.
   */
  async #commitGroup(): Promise<void> {
    let jobs = this.#waiting.splice(0, MAX_GROUP);
    if (this.#waiting.length) this.#queue = this.#queue.then(() => this.#commitGroup());
    try {
      for (let attempt = 0; jobs.length; attempt++) {
        if (attempt === MAX_CONFLICTS) throw new FlagError('internal', `Gave up after ${MAX_CONFLICTS} write conflicts with other relay processes.`);
        const draft = new Draft(this.#state);
        const plans = jobs.map((job) => {
          const planned = job.plan(draft);
          draft.apply(planned.events);
          return planned;
        });
        const events = plans.flatMap((p) => p.events).map((event, i) => ({ pos: this.#pos + 1 + i, event }));
        const batch: CommitBatch = { events, expectedPos: this.#pos, outcomes: plans.flatMap((p) => p.outcome ?? []) };
        const committed = await this.#storage.commit(batch);
        if (committed && 'conflict' in committed) {
          await this.#catchUp();
          continue;
        }
        if (committed && 'duplicates' in committed) {
          await this.#catchUp(); // their events reach subscribers before their answers
          const stored = new Map(committed.duplicates.map((o) => [o.id, o]));
          jobs = jobs.filter((job) => {
            const outcome = job.key && stored.get(job.key.id);
            if (outcome) job.resolve(answer(outcome, job.key!));
            return !outcome;
          });
          continue;
        }
        for (const pe of events) this.#apply(pe);
        this.#durable(this.#pos);
        this.#fanOut(events);
        jobs.forEach((job, i) => job.resolve(plans[i]!.result));
        return;
      }
    } catch (err) {
      // Shared storage that failed (a Redis outage or failover): nothing was applied, retrying the ids is safe.
      const error = err instanceof FlagError ? err : new FlagError('unavailable', `Storage unavailable; retry the command: ${String(err)}`, { retryAfterMs: RETRY_AFTER_MS });
      for (const job of jobs) job.reject(error);
    }
  }

  /** Single-writer storage: apply now, commit in the background, fan out in order once durable. */
  #pipeline(batch: CommitBatch): Promise<void> {
    for (const pe of batch.events) this.#apply(pe);
    const last = batch.events.at(-1)?.pos;
    const committed = this.#storage.commit(batch).then(
      () => {
        if (last !== undefined) this.#durable(last);
      },
      (err: unknown) => this.#fail(err),
    );
    const delivered = this.#delivery.then(() => committed).then(() => this.#fanOut(batch.events));
    this.#delivery = delivered.catch(() => {});
    return delivered;
  }

  /** Events other processes appended: apply the ones after our position (fetching any gap). */
  #ingest(events: PositionedEvent[]): void {
    this.#queue = this.#queue
      .then(async () => {
        if (this.#failure) return;
        if (events.length && events[0]!.pos > this.#pos + 1) await this.#catchUp();
        else this.#applyNew(events);
      })
      .catch(() => {});
  }

  async #catchUp(): Promise<void> {
    this.#applyNew(await this.#storage.shared!.since(this.#pos));
  }

  #applyNew(events: PositionedEvent[]): void {
    const fresh = events.filter((pe) => pe.pos > this.#pos);
    for (const pe of fresh) this.#apply(pe);
    this.#durable(this.#pos);
    this.#fanOut(fresh);
  }

  #fail(err: unknown): never {
    // In-memory state may now be ahead of storage: stop serving rather than diverge.
    this.#failure = new FlagError('internal', `Storage failed; the source of truth stopped: ${String(err)}`);
    throw this.#failure;
  }

  #fanOut(events: PositionedEvent[]): void {
    for (const pe of events) {
      const flag = this.#state.flags.get(pe.event.flagId)!;
      for (const sub of this.#subscribers) {
        if (canSee(sub.actor, flag, this.config)) sub.listener(pe);
      }
    }
  }

  #apply(pe: PositionedEvent): void {
    const { event } = pe;
    const flag = track(this.#state, event);
    const history = this.#history.get(flag.id);
    if (history) history.push(event);
    else this.#history.set(flag.id, [event]);
    this.#pos = pe.pos;
    this.#log.push(pe);
    if (this.#log.length > this.#replayWindow * 1.25) this.#log.splice(0, this.#log.length - this.#replayWindow);
    if (event.type === 'lowered') this.#lowered.push({ flagId: flag.id, at: event.at, pos: pe.pos });
  }

  #durable(pos: number): void {
    this.#durablePos = Math.max(this.#durablePos, pos);
    this.#evict();
  }

  /**
   * Drop the histories of flags lowered longer ago than the retention time, once stored. Looks
   * only at the oldest lowered flags still retained, so each costs O(1) over its lifetime.
   */
  #evict(): void {
    const cutoff = this.#now() - this.#retentionMs;
    const lowered = this.#lowered;
    while (this.#loweredHead < lowered.length) {
      const oldest = lowered[this.#loweredHead]!;
      if (oldest.at >= cutoff || oldest.pos > this.#durablePos) break;
      this.#history.delete(oldest.flagId);
      this.#loweredHead++;
    }
    if (this.#loweredHead > 1024 && this.#loweredHead * 2 > lowered.length) {
      lowered.splice(0, this.#loweredHead);
      this.#loweredHead = 0;
    }
  }
}

/** What a decision writes and answers. */
interface Plan<T> {
  result: T;
  events: FlagEvent[];
  outcome?: StoredOutcome;
}

/** Who sent a command, by its id. */
interface Key {
  id: string;
  actorId: string;
}

/** A command (or tick) waiting for its group on shared storage. */
interface Job {
  key: Key | null;
  plan: (state: Draft) => Plan<unknown>;
  resolve: (result: unknown) => void;
  reject: (err: unknown) => void;
}

const MAX_CONFLICTS = 100;
/** When a client should resend a command its shared storage could not take. */
const RETRY_AFTER_MS = 1_000;
/** At most this many commands per group, so one write (one Redis script run) stays short. */
const MAX_GROUP = 256;

/** A stored outcome is the answer only for whoever sent the command. */
function answer(stored: StoredOutcome, key: Key): Outcome {
  return stored.actorId === key.actorId ? stored.outcome : reused(key.id);
}

function reused(id: string): Outcome {
  return { ok: false, error: { code: 'not-allowed', message: `Command id ${id} was already used by someone else.` } };
}
