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
    return new Authority(opts, epoch, events);
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
    if (inflight) return inflight.actorId === actor.id ? inflight.done : Promise.resolve(reused(envelope.id));
    const done = this.#enqueue(async () => {
      const stored = await this.#storage.outcome(envelope.id);
      if (stored) return { durable: Promise.resolve(), outcome: stored.actorId === actor.id ? stored.outcome : reused(envelope.id) };
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
      return { outcome, durable: this.#write(events, { id: envelope.id, actorId: actor.id, outcome }) };
    });
    this.#inflight.set(envelope.id, { actorId: actor.id, done });
    void done.finally(() => this.#inflight.delete(envelope.id)).catch(() => {});
    return done;
  }

  /** Escalate every flag whose time is up. Runs on the timer from `start()`, or by hand in tests. */
  tick(): Promise<void> {
    return this.#enqueue(async () => {
      const now = this.#now();
      const events: FlagEvent[] = [];
      for (const id of this.#openByInteraction.values()) {
        const due = escalationDue(this.#flags.get(id)!, now, this.config);
        if (due) events.push(due);
      }
      return { outcome: undefined, durable: events.length ? this.#write(events) : Promise.resolve() };
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
   * Decisions run one at a time against in-memory state; their writes are pipelined so a
   * storage can group-commit. Each caller resolves after its write is durable and fanned out.
   */
  #enqueue<T>(step: () => Promise<{ outcome: T; durable: Promise<void> }>): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    const decided = this.#queue.then(step);
    this.#queue = decided.catch(() => {});
    return decided.then(({ outcome, durable }) => durable.then(() => outcome));
  }

  #write(events: FlagEvent[], outcome?: StoredOutcome): Promise<void> {
    const positioned = events.map((event) => ({ pos: 0, event }));
    for (const pe of positioned) {
      pe.pos = this.#pos + 1;
      this.#apply(pe);
    }
    const batch: CommitBatch = outcome ? { events: positioned, outcome } : { events: positioned };
    const committed = this.#storage.commit(batch).catch((err: unknown) => {
      // In-memory state is now ahead of storage: stop serving rather than diverge.
      this.#failure = new FlagError('internal', `Storage failed; the source of truth stopped: ${String(err)}`);
      throw this.#failure;
    });
    // Fan out strictly in log order, only after the write is durable.
    const delivered = this.#delivery.then(() => committed).then(() => this.#fanOut(positioned));
    this.#delivery = delivered.catch(() => {});
    return delivered;
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

function reused(id: string): Outcome {
  return { ok: false, error: { code: 'not-allowed', message: `Command id ${id} was already used by someone else.` } };
}
