/**
 * The source of truth: runs the state machine, orders events, makes them durable before
 * answering, fans them out to subscribers it authorizes, replays and snapshots.
 * Used by the memory hub, the broadcast-channel leader tab and the relay alike.
 */
import type { CommandEnvelope, Outcome } from '../commands.js';
import { resolveConfig, type FlagConfig, type FlagConfigInput } from '../config.js';
import { FlagError } from '../errors.js';
import { applyEvent, decide, escalationDue, type DecisionState } from '../machine.js';
import { isOpen, type Flag, type FlagEvent, type Participant, type PositionedEvent, type ResumePoint, type Snapshot } from '../model.js';
import { canSee, checkAccess } from '../rules.js';
import type { AuthorityStorage, CommitBatch, StoredOutcome } from './storage.js';

export interface AuthorityOptions {
  storage: AuthorityStorage;
  config?: FlagConfigInput;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** How many recent events are kept for resuming; an older resume point gets "snapshot needed". */
  replayWindow?: number;
}

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
  readonly #flags = new Map<string, Flag>();
  readonly #history = new Map<string, FlagEvent[]>();
  readonly #openByInteraction = new Map<string, string>();
  readonly #interactionAgent = new Map<string, string>();
  readonly #log: PositionedEvent[] = [];
  readonly #inflight = new Map<string, { actorId: string; done: Promise<Outcome> }>();
  readonly #subscribers = new Set<Subscriber>();
  #queue: Promise<unknown> = Promise.resolve();
  #delivery: Promise<unknown> = Promise.resolve();
  #failure: FlagError | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;

  private constructor(opts: AuthorityOptions, epoch: string, events: PositionedEvent[]) {
    this.config = resolveConfig(opts.config);
    this.#storage = opts.storage;
    this.#now = opts.now ?? Date.now;
    this.#replayWindow = opts.replayWindow ?? 50_000;
    this.epoch = epoch;
    this.#pos = 0;
    for (const pe of events) this.#apply(pe);
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

  flag(id: string): Flag | undefined {
    return this.#flags.get(id);
  }
  openFlagFor(interactionId: string): Flag | undefined {
    const id = this.#openByInteraction.get(interactionId);
    return id === undefined ? undefined : this.#flags.get(id);
  }
  interactionAgent(interactionId: string): string | undefined {
    return this.#interactionAgent.get(interactionId);
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
    const done = this.#enqueue<Outcome>(key, () => {
      const decision = decide(this, actor, envelope, this.#now(), this.config);
      const outcome: Outcome =
        decision instanceof FlagError
          ? { ok: false, error: decision.toJSON() }
          : {
              ok: true,
              flagId: decision.flagId,
              seq: decision.events.at(-1)?.seq ?? (decision.flagId ? (this.#flags.get(decision.flagId)?.seq ?? 0) : 0),
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

  /** Escalate every flag whose time is up. Runs on the timer from `start()`, or by hand in tests. */
  tick(): Promise<void> {
    return this.#enqueue<void>(null, () => {
      const now = this.#now();
      const events: FlagEvent[] = [];
      for (const id of this.#openByInteraction.values()) {
        const due = escalationDue(this.#flags.get(id)!, now, this.config);
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

  /** A flag's events after `afterSeq`, if the actor may see the flag. */
  history(actor: Participant, flagId: string, afterSeq: number): FlagEvent[] {
    const flag = this.#flags.get(flagId);
    if (!flag) throw new FlagError('not-found', `There is no flag ${flagId}.`);
    const denied = checkAccess(actor, flag, this.config);
    if (denied) throw denied;
    return this.#history.get(flagId)!.filter((e) => e.seq > afterSeq);
  }

  /** Every flag the actor may see that is open or was lowered recently, with all its events. */
  snapshot(actor: Participant): Snapshot {
    const since = this.#now() - this.config.recentMs;
    const events: FlagEvent[] = [];
    for (const [id, flag] of this.#flags) {
      if (!canSee(actor, flag, this.config)) continue;
      if (!isOpen(flag) && flag.lowered!.at < since) continue;
      events.push(...this.#history.get(id)!);
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
    const flag = this.#flags.get(flagId);
    return flag !== undefined && canSee(actor, flag, this.config);
  }

  /**
   * Decisions run one at a time against in-memory state. With single-writer storage their
   * writes are pipelined so the storage can group-commit; with shared storage each write waits
   * for its commit, and a conflict (another process wrote first) means catch up and decide
   * again. Each caller resolves after its write is durable and fanned out.
   */
  #enqueue<T>(key: { id: string; actorId: string } | null, plan: () => Plan<T>): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    const decided = this.#queue.then(async (): Promise<{ result: T; durable: Promise<void> }> => {
      for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
        const stored = key && (await this.#storage.outcome(key.id));
        if (stored) return { result: answer(stored, key) as T, durable: Promise.resolve() };
        const { result, events, outcome } = plan();
        const positioned = events.map((event, i) => ({ pos: this.#pos + 1 + i, event }));
        const batch: CommitBatch = { events: positioned, expectedPos: this.#pos, ...(outcome ? { outcome } : {}) };
        if (!this.#storage.shared) return { result, durable: this.#pipeline(batch) };
        // Nothing is applied before a shared commit succeeds, so a failed one cannot make this
        // process diverge: the command fails (retrying its id is safe) and the authority goes on.
        const committed = await this.#storage.commit(batch).catch((err: unknown) => {
          throw new FlagError('internal', `Storage unavailable; retry the command: ${String(err)}`);
        });
        if (committed && 'duplicate' in committed) {
          await this.#catchUp(); // its events reach subscribers before its answer
          return { result: answer(committed.duplicate, key!) as T, durable: Promise.resolve() };
        }
        if (committed && 'conflict' in committed) {
          await this.#catchUp();
          continue;
        }
        for (const pe of positioned) this.#apply(pe);
        this.#fanOut(positioned);
        return { result, durable: Promise.resolve() };
      }
      throw new FlagError('internal', `Gave up after ${MAX_CONFLICTS} write conflicts with other relay processes.`);
    });
    this.#queue = decided.catch(() => {});
    return decided.then(({ result, durable }) => durable.then(() => result));
  }

  /** Single-writer storage: apply now, commit in the background, fan out in order once durable. */
  #pipeline(batch: CommitBatch): Promise<void> {
    for (const pe of batch.events) this.#apply(pe);
    const committed = this.#storage.commit(batch).then(
      () => {},
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
    this.#fanOut(fresh);
  }

  #fail(err: unknown): never {
    // In-memory state may now be ahead of storage: stop serving rather than diverge.
    this.#failure = new FlagError('internal', `Storage failed; the source of truth stopped: ${String(err)}`);
    throw this.#failure;
  }

  #fanOut(events: PositionedEvent[]): void {
    for (const pe of events) {
      const flag = this.#flags.get(pe.event.flagId)!;
      for (const sub of this.#subscribers) {
        if (canSee(sub.actor, flag, this.config)) sub.listener(pe);
      }
    }
  }

  #apply(pe: PositionedEvent): void {
    const { event } = pe;
    const flag = applyEvent(this.#flags.get(event.flagId), event);
    this.#flags.set(flag.id, flag);
    const history = this.#history.get(flag.id);
    if (history) history.push(event);
    else this.#history.set(flag.id, [event]);
    if (event.type === 'raised') {
      this.#interactionAgent.set(flag.interactionId, flag.agent.id);
      this.#openByInteraction.set(flag.interactionId, flag.id);
    } else if (event.type === 'lowered') {
      this.#openByInteraction.delete(flag.interactionId);
    }
    this.#pos = pe.pos;
    this.#log.push(pe);
    if (this.#log.length > this.#replayWindow * 1.25) this.#log.splice(0, this.#log.length - this.#replayWindow);
  }
}

/** What a decision writes and answers. */
interface Plan<T> {
  result: T;
  events: FlagEvent[];
  outcome?: StoredOutcome;
}

const MAX_CONFLICTS = 100;

/** A stored outcome is the answer only for whoever sent the command. */
function answer(stored: StoredOutcome, key: { id: string; actorId: string }): Outcome {
  return stored.actorId === key.actorId ? stored.outcome : reused(key.id);
}

function reused(id: string): Outcome {
  return { ok: false, error: { code: 'not-allowed', message: `Command id ${id} was already used by someone else.` } };
}
