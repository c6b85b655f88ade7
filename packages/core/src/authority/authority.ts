/**
 * The source of truth: runs the state machine, orders events, makes them durable before
 * answering, fans them out to subscribers it authorizes, replays and snapshots.
 * Used by the memory hub, the broadcast-channel leader tab and the relay alike.
 */
import type { CommandEnvelope, Outcome, ServiceCommand } from '../commands.js';
import { resolveConfig, type FlagConfig, type FlagConfigInput } from '../config.js';
import { FlagError } from '../errors.js';
import { decide, decideForService, escalationDue, reduceEvents, routingDue, transferDue, type Decision, type DecisionState } from '../machine.js';
import { isOpen, type Flag, type FlagEvent, type Participant, type PositionedEvent, type PresenceView, type ResumePoint, type ServiceRef, type Snapshot } from '../model.js';
import { isRouting, loadOf, type Candidate } from '../routing.js';
import { canSee, checkAccess, noSuchFlag } from '../rules.js';
import { HISTORY_PAGE_MAX, HISTORY_SCAN_MAX, matchesHistory, type HistoryPage, type HistoryQuery } from '../history.js';
import { Audience, type Listener } from './audience.js';
import { Draft, track, withParticipant, withStoredFlag, type Assignments } from './draft.js';
import { ReadBudgets } from './read-budget.js';
import { Roster } from './roster.js';
import type { AuthorityStorage, Checkpoint, CommitBatch, Loaded, LoweredRef, StoredOutcome } from './storage.js';
import { SettingsHub } from '../settings/hub.js';

export interface AuthorityOptions {
  storage: AuthorityStorage;
  config?: FlagConfigInput;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** How many recent events are kept for resuming; an older resume point gets "snapshot needed". */
  replayWindow?: number;
  /**
   * How long a lowered flag stays in memory after it was lowered: its events, its state and its
   * interaction's owner. After that it lives only in storage, read back when a command or a
   * history request names it (checkpoints and start-up then cost the open state, not the
   * history). At least `config.recentMs` (snapshots hold recently lowered flags whole); default
   * `config.recentMs` plus HISTORY_MARGIN_MS.
   */
  historyRetentionMs?: number;
  /** Failures no caller awaits (catching up on shared storage, the escalation timer). Default: console.error. */
  onError?: (error: FlagError, source: 'catch-up' | 'escalation') => void;
  /**
   * With storage that keeps checkpoints: write one once this many events were applied or this
   * long passed (checked on the tick) since the last, and on close. Default
   * CHECKPOINT_EVERY_EVENTS events or CHECKPOINT_EVERY_MS.
   */
  checkpointEvery?: { events?: number; ms?: number };
  /** Told of each checkpoint written, or of its failure (which costs only a longer next start). */
  onCheckpoint?: (report: CheckpointReport) => void;
  /** The host's assignments of interactions to agents (the relay's service API keeps them). */
  assignments?: Assignments;
  /**
   * Who else may be named by a hand-off or a check-in, beyond this authority's own subscribers
   * (who are always known): e.g. the participants connected to the other relay processes of a
   * shared log. Asked only when the one named is not subscribed here.
   */
  directory?: { participant(id: string): Promise<Participant | undefined> };
  /**
   * Presence watchers learn of supervisors' sessions opening and closing at most this often per
   * team (ms; default 0, at once). A relay sets it so a reconnect storm is not told one
   * supervisor at a time (roster.ts).
   */
  presenceSettleMs?: number;
}

export type CheckpointReport = { pos: number; events: number; ms: number } | { error: Error };

/** Default retention beyond `recentMs`: a flag that just left snapshots is still served from memory. */
export const HISTORY_MARGIN_MS = 5 * 60_000;
export const CHECKPOINT_EVERY_EVENTS = 20_000;
export const CHECKPOINT_EVERY_MS = 5 * 60_000;


export class Authority implements DecisionState {
  readonly config: FlagConfig;
  /** Team and personal settings, when the storage keeps them (`AuthorityStorage.settings`). */
  readonly settings: SettingsHub | null;
  readonly epoch: string;
  #pos: number;
  readonly #storage: AuthorityStorage;
  readonly #onError: NonNullable<AuthorityOptions['onError']>;
  readonly #now: () => number;
  readonly #replayWindow: number;
  readonly #retentionMs: number;
  /**
   * Flags in memory (open or lowered within the retention) by id, as their small current state;
   * the open flag of each interaction; the latest flag of each interaction (whose agent owns it).
   */
  readonly #state = { flags: new Map<string, Flag>(), open: new Map<string, string>(), latest: new Map<string, string>() };
  /** The event histories of the flags in memory, in the order they were raised. */
  readonly #history = new Map<string, FlagEvent[]>();
  /** Lowered flags still in memory, in log order, oldest from `#loweredHead`. */
  readonly #lowered: { flagId: string; at: number; pos: number }[] = [];
  /** Stored flags each participant's history pages may still read (read-budget.ts). */
  readonly #historyReads = new ReadBudgets(() => this.#now());
  #loweredHead = 0;
  /** The last log position known to be durable: a history leaves memory only once it is stored. */
  #durablePos = 0;
  readonly #log: PositionedEvent[] = [];
  /**
   * Per agent, a log position no event they may see is past: the last position of any event of a
   * flag while it was theirs, or that assigned a flag away from them. A transfer to them is itself
   * such an event, later than the flag's earlier events that they may now see. An agent resuming
   * at or after it is answered without walking the replay window — after a relay restart that is
   * nearly every agent, whose resume point is their own last event (bench/README.md, section 5).
   */
  readonly #agentHorizon = new Map<string, number>();
  readonly #inflight = new Map<string, { actorId: string; done: Promise<Outcome> }>();
  readonly #subscribers = new Audience();
  readonly #observers = new Set<(event: FlagEvent, flag: Flag) => void>();
  /** Supervisors' sessions and statuses: offer routing's candidates, everyone's presence. */
  readonly #roster: Roster;
  /** Shared storage: commands waiting to be decided and committed as the next group. */
  readonly #waiting: Job[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #delivery: Promise<unknown> = Promise.resolve();
  #failure: FlagError | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #checkpointEvents: number;
  readonly #checkpointMs: number;
  readonly #onCheckpoint: ((report: CheckpointReport) => void) | undefined;
  /** Events applied since the last checkpoint was captured, and when that was. */
  #sinceCheckpoint = 0;
  #checkpointAt: number;
  #checkpointing: Promise<unknown> | null = null;
  readonly #assignments: Assignments | undefined;
  readonly #directory: AuthorityOptions['directory'];

  private constructor(opts: AuthorityOptions, { epoch, checkpoint, events }: Loaded) {
    this.config = resolveConfig(opts.config);
    this.#storage = opts.storage;
    this.settings = opts.storage.settings ? new SettingsHub(opts.storage.settings, opts.now) : null;
    this.#onError = opts.onError ?? ((error, source) => console.error(`[flagline] ${source} failed:`, error));
    this.#now = opts.now ?? Date.now;
    this.#assignments = opts.assignments;
    this.#directory = opts.directory;
    this.#roster = new Roster(opts.presenceSettleMs);
    this.#replayWindow = opts.replayWindow ?? 50_000;
    this.#retentionMs = opts.historyRetentionMs ?? this.config.recentMs + HISTORY_MARGIN_MS;
    if (!(this.#retentionMs >= this.config.recentMs))
      throw new FlagError('invalid-input', `historyRetentionMs (${opts.historyRetentionMs}) must be at least recentMs (${this.config.recentMs}).`);
    this.#checkpointEvents = opts.checkpointEvery?.events ?? CHECKPOINT_EVERY_EVENTS;
    this.#checkpointMs = opts.checkpointEvery?.ms ?? CHECKPOINT_EVERY_MS;
    this.#onCheckpoint = opts.onCheckpoint;
    this.#checkpointAt = this.#now();
    this.epoch = epoch;
    this.#pos = 0;
    if (checkpoint) this.#restore(checkpoint);
    // Events up to the checkpoint are in its state already: they only refill the replay window
    // (sharing the history's copy of each event, so it is held once).
    for (const pe of events) {
      if (pe.pos > this.#pos) this.#apply(pe);
      else this.#remember({ pos: pe.pos, event: this.#history.get(pe.event.flagId)?.[pe.event.seq - 1] ?? pe.event });
    }
    // The checkpoint's events came without positions: their horizons from the window, by each
    // flag's agent now (any earlier agent's last event is the assignment away, which counts too).
    for (const pe of this.#log) this.#extendHorizon(pe);
    this.#durable(this.#pos);
  }

  static async open(opts: AuthorityOptions): Promise<Authority> {
    const authority = new Authority(opts, await opts.storage.load());
    const shared = opts.storage.shared;
    if (shared) {
      shared.follow((appended) => authority.#ingest(appended));
      // Whatever was appended between load() and follow() is fetched now.
      authority.#queue = authority.#catchUp().catch((err: unknown) => authority.#report(err, 'catch-up'));
    }
    return authority;
  }

  get pos(): number {
    return this.#pos;
  }

  /** How long a lowered flag stays in memory (see AuthorityOptions.historyRetentionMs). */
  get historyRetentionMs(): number {
    return this.#retentionMs;
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
    const latest = this.#state.latest.get(interactionId);
    return latest === undefined ? undefined : this.#state.flags.get(latest)?.agent.id;
  }
  assignee(interactionId: string): string | undefined {
    return this.#assignments?.get(interactionId);
  }
  participant(id: string): Participant | undefined {
    return this.#subscribers.participant(id);
  }

  /**
   * Run a command for an authenticated actor — or, with `via`, for the participant a service
   * acts on behalf of (the command id then belongs to the service). Resolves once durable and
   * fanned out.
   */
  execute(actor: Participant, envelope: CommandEnvelope, via?: ServiceRef): Promise<Outcome> {
    const actorId = via ? serviceKey(via) : actor.id;
    const flagId = 'flagId' in envelope.command ? envelope.command.flagId : undefined;
    const { command } = envelope;
    const run = (found?: Participant): Promise<Outcome> => {
      const done = this.#run(envelope.id, actorId, flagId, () => this.execute(actor, envelope, via), (state) =>
        decide(withParticipant(state, found), actor, envelope, this.#now(), this.config, via),
      );
      if (command.type !== 'set-status') return done;
      // A status is presence, not history: kept by the roster once the command is accepted.
      return done.then((outcome) => {
        if (outcome.ok) this.#roster.setStatus(actor, command.status, this.#now());
        return outcome;
      });
    };
    const named = command.type === 'transfer' ? command.to : command.type === 'check-in' ? command.agentId : undefined;
    if (named === undefined || !this.#directory || this.#subscribers.participant(named)) return run();
    return this.#directory.participant(named).then(run, (err: unknown): Outcome => ({
      ok: false,
      error: new FlagError('unavailable', `Could not look up ${named}; retry the command: ${String(err)}`, { retryAfterMs: RETRY_AFTER_MS }).toJSON(),
    }));
  }

  /** Run a host backend's own command (end or assign an interaction). */
  executeService(service: ServiceRef, envelope: { id: string; command: ServiceCommand }): Promise<Outcome> {
    return this.#run(envelope.id, serviceKey(service), undefined, () => this.executeService(service, envelope), (state) =>
      decideForService(state, service, envelope.command, this.#now(), this.config),
    );
  }

  #run(id: string, actorId: string, flagId: string | undefined, again: () => Promise<Outcome>, decideIn: (state: DecisionState) => Decision | FlagError): Promise<Outcome> {
    const inflight = this.#inflight.get(id);
    if (inflight) {
      if (inflight.actorId === actorId) return inflight.done;
      // The one in flight may be a stray reuse of an id someone else already owns, not the
      // owner: once it settles, the stored outcome says whose id it is.
      return inflight.done.then(again, again);
    }
    const key = { id, actorId };
    const decideWith = (stored?: Flag) =>
      this.#enqueue<Outcome>(key, (draft) => {
        const state = withStoredFlag(draft, stored);
        const decision = decideIn(state);
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
    // A command naming a flag that left memory (lowered long ago) is decided on it read back from storage.
    const done = flagId === undefined || this.#state.flags.has(flagId) ? decideWith() : this.#storedFlag(flagId).then(decideWith);
    this.#inflight.set(id, { actorId, done });
    void done.finally(() => this.#inflight.delete(id)).catch(() => {});
    return done;
  }

  /**
   * Presence as `actor` may learn it, now and on each change (see Roster.watch); a supervisor
   * counts as online while at least one such watch is open. Returns the function that ends it.
   */
  presence(actor: Participant, notify: (view: PresenceView) => void): () => void {
    const leave = actor.role === 'supervisor' ? this.#roster.enter(actor, this.#now()) : () => {};
    const unwatch = this.#roster.watch(actor, notify);
    return () => {
      unwatch();
      leave();
    };
  }

  /**
   * Move offer routing on (next offer, or open to the team), escalate every flag whose time is
   * up, expire the hand-offs nobody accepted in time, and drop from memory the histories whose retention ended. Runs on the timer from
   * `start()`, or by hand in tests.
   */
  tick(): Promise<void> {
    this.#evict();
    this.#checkpointIfDue();
    return this.#enqueue<void>(null, (state) => {
      const now = this.#now();
      const events: FlagEvent[] = [];
      const open = state.openFlags();
      // Loads are counted once per tick and kept up to date as this tick hands out offers.
      let load: Map<string, number> | undefined;
      for (const flag of open) {
        let due: FlagEvent | null;
        if (isRouting(flag, this.config)) {
          load ??= loadOf(open);
          due = routingDue(flag, now, this.config, this.#roster.candidates(flag.team, load));
          if (due && flag.offer) load.set(flag.offer.to.id, (load.get(flag.offer.to.id) ?? 1) - 1);
          if (due?.type === 'offered') load.set(due.to.id, (load.get(due.to.id) ?? 0) + 1);
        } else due = escalationDue(flag, now, this.config) ?? transferDue(flag, now, this.config);
        if (due) events.push(due);
      }
      return { result: undefined, events };
    });
  }

  start(intervalMs = 1000): void {
    this.#timer ??= setInterval(() => void this.tick().catch((err: unknown) => this.#report(err, 'escalation')), intervalMs);
  }

  /** Live events this actor may see, from now on. */
  subscribe(actor: Participant, listener: Listener): () => void {
    return this.#subscribers.add({ actor, listener });
  }

  /**
   * Every new event, whoever may see it, with its flag as it stands after it: for the server's
   * own bookkeeping (the relay's /metrics), never for participants (they `subscribe`).
   */
  observe(listener: (event: FlagEvent, flag: Flag) => void): () => void {
    this.#observers.add(listener);
    return () => void this.#observers.delete(listener);
  }

  /** Events after a resume point that the actor may see, or null when only a snapshot can help. */
  replay(actor: Participant, point: ResumePoint): PositionedEvent[] | null {
    if (point.epoch !== this.epoch || point.pos > this.#pos) return null;
    const oldest = this.#log[0]?.pos ?? this.#pos + 1;
    if (point.pos < oldest - 1) return null;
    // canSee: an agent sees the flags that are theirs (rules.ts); #agentHorizon bounds those.
    if (actor.role === 'agent' && point.pos >= (this.#agentHorizon.get(actor.id) ?? 0)) return [];
    const out: PositionedEvent[] = [];
    for (let i = this.#log.length - 1; i >= 0 && this.#log[i]!.pos > point.pos; i--) {
      const pe = this.#log[i]!;
      if (this.#visible(actor, pe.event)) out.push(pe);
    }
    return out.reverse();
  }

  /**
   * A flag's events after `afterSeq`, if the actor may see the flag: from memory, or from
   * storage for a flag lowered longer ago than the retention time (it takes no more events).
   */
  async history(actor: Participant, flagId: string, afterSeq: number): Promise<FlagEvent[]> {
    const events = this.#history.get(flagId) ?? (await this.#storage.flagEvents(flagId));
    const flag = this.#state.flags.get(flagId) ?? reduceEvents(events);
    if (!flag) throw noSuchFlag(flagId);
    const denied = checkAccess(actor, flag, this.config);
    if (denied) throw denied;
    return events.filter((e) => e.seq > afterSeq);
  }

  /**
   * Lowered flags the actor may see (core's `canSee`) that match the query, newest lowering
   * first, each with all its events: those in memory, then, when the storage can list them
   * (`loweredBefore`), older ones from storage. A page looks at HISTORY_SCAN_MAX lowerings at
   * most, so a narrow filter over a long history answers with a short page and a `next`. Stored
   * lowerings are read within the actor's budget (read-budget.ts); a page past it ends early with
   * its `next`, or is refused `rate-limited` if it found nothing.
   */
  async historyPage(actor: Participant, query: HistoryQuery): Promise<HistoryPage> {
    const limit = Math.min(query.limit ?? 50, HISTORY_PAGE_MAX);
    let before = query.cursor === undefined ? Infinity : Number(query.cursor);
    const flags: FlagEvent[][] = [];
    let scanned = 0;
    const take = (flag: Flag | undefined, events: FlagEvent[], ref: LoweredRef): boolean => {
      before = ref.pos;
      scanned++;
      if (flag && canSee(actor, flag, this.config) && matchesHistory(flag, query)) flags.push(events);
      // Lowerings are in log order, so their times only go back (a shared log's clocks may differ a little).
      return flags.length < limit && scanned < HISTORY_SCAN_MAX && (query.since === undefined || ref.at >= query.since);
    };
    let more = true;
    for (let i = this.#lowered.length - 1; more && i >= this.#loweredHead; i--) {
      const ref = this.#lowered[i]!;
      if (ref.pos < before) more = take(this.#state.flags.get(ref.flagId), this.#history.get(ref.flagId)!, ref);
    }
    const stored = this.#storage.loweredBefore?.bind(this.#storage);
    // Storage holds the flags in memory too: go on from the oldest of those.
    if (more) before = Math.min(before, this.#lowered[this.#loweredHead]?.pos ?? this.#pos + 1);
    const reads = this.#historyReads.budget(actor.id);
    while (more && stored) {
      const left = reads.available;
      if (left < 1) {
        // Out of reads for now: a page that found something ends here (its `next` goes on later); one that found nothing is refused.
        if (flags.length > 0) return { flags, next: String(before) };
        throw new FlagError('rate-limited', 'Too many history lookups; try again shortly.', { retryAfterMs: reads.retryAfterMs() });
      }
      const refs = await stored(before, Math.min(HISTORY_PAGE_MAX, HISTORY_SCAN_MAX - scanned, Math.floor(left)));
      reads.take(refs.length);
      for (const ref of refs) if (more) {
        const events = await this.#storage.flagEvents(ref.flagId);
        more = take(reduceEvents(events), events, ref);
      }
      if (refs.length === 0) return { flags, next: null };
    }
    if (more) return { flags, next: null };
    const exhausted = query.since !== undefined && flags.length < limit && scanned < HISTORY_SCAN_MAX;
    return { flags, next: exhausted ? null : String(before) };
  }

  /**
   * Capture the state now and write it as the storage's latest checkpoint once everything it
   * holds is durable. Resolves with the report also given to `onCheckpoint` (a failure costs only
   * a longer next start), or undefined when the storage keeps no checkpoints.
   */
  checkpoint(): Promise<CheckpointReport | undefined> {
    const save = this.#storage.saveCheckpoint?.bind(this.#storage);
    if (!save) return Promise.resolve(undefined);
    const report = (r: CheckpointReport) => {
      this.#onCheckpoint?.(r);
      return r;
    };
    const started = this.#now();
    let captured = 0;
    // In the decision queue, so the state is exactly the events up to `pos` (no group half-applied).
    const checkpoint = this.#queue.then(() => {
      captured = this.#sinceCheckpoint;
      this.#sinceCheckpoint = 0;
      this.#checkpointAt = started;
      return { checkpoint: this.#capture(), delivery: this.#delivery };
    });
    this.#queue = checkpoint.catch(() => {});
    return checkpoint
      .then(async ({ checkpoint, delivery }) => {
        // Single-writer storage commits in the background: wait until the captured events are stored.
        await delivery;
        if (this.#durablePos < checkpoint.pos) throw this.#failure ?? new Error('The events before the checkpoint were not stored.');
        await save(checkpoint);
        return report({ pos: checkpoint.pos, events: checkpoint.events.length, ms: this.#now() - started });
      })
      .catch((err: unknown) => {
        this.#sinceCheckpoint += captured;
        return report({ error: err instanceof Error ? err : new Error(String(err)) });
      });
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

  /** Every open flag (the relay's service API lists and filters them). */
  openFlags(): Flag[] {
    return [...this.#state.open.values()].map((id) => this.#state.flags.get(id)!);
  }

  /**
   * Privacy: forget every flag of an interaction — none may be open — once `erase` removed them
   * from storage. Runs between decisions, after every earlier write is durable, so nothing
   * about them is in flight. Resolves with the flag ids forgotten.
   */
  forgetInteraction(interactionId: string, erase: (flagIds: string[]) => void | Promise<void>): Promise<string[]> {
    const run = this.#queue.then(async () => {
      await this.#delivery;
      const open = this.openFlagFor(interactionId);
      if (open) throw new FlagError('invalid-state', `Interaction ${interactionId} has an open flag (${open.id}); end the interaction first.`, { flagId: open.id });
      const ids = [...this.#state.flags.values()].filter((f) => f.interactionId === interactionId).map((f) => f.id);
      await erase(ids);
      const gone = new Set(ids);
      for (const id of ids) {
        this.#state.flags.delete(id);
        this.#history.delete(id);
      }
      this.#state.latest.delete(interactionId);
      let kept = 0;
      for (const pe of this.#log) if (!gone.has(pe.event.flagId)) this.#log[kept++] = pe;
      this.#log.length = kept;
      // Nor may the queue of lowered flags waiting to leave memory (or a checkpoint of it) name them.
      const lowered = this.#lowered;
      kept = this.#loweredHead;
      for (let i = this.#loweredHead; i < lowered.length; i++) if (!gone.has(lowered[i]!.flagId)) lowered[kept++] = lowered[i]!;
      lowered.length = kept;
      return ids;
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#queue.catch(() => {});
    await this.#delivery.catch(() => {});
    await this.#checkpointing;
    // The next start then reads a checkpoint at the head and no events after it.
    if (this.#sinceCheckpoint > 0 && !this.#failure) await this.checkpoint();
    this.#subscribers.clear();
    this.#roster.clear();
    await this.#storage.close();
  }

  /** Offer routing's candidates of a team, for decisions on a draft. */
  readonly #candidates = (team: string, openFlags: Iterable<Flag>): readonly Candidate[] => this.#roster.candidates(team, loadOf(openFlags));

  #visible(actor: Participant, event: FlagEvent, flag = this.#state.flags.get(event.flagId)): boolean {
    // The agent a flag was transferred away from learns that it left them.
    return flag !== undefined && (canSee(actor, flag, this.config) || (event.type === 'assigned' && event.from.id === actor.id));
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
      const { result, events, outcome } = plan(new Draft(this.#state, this.#subscribers, this.#assignments, this.#candidates));
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
        const draft = new Draft(this.#state, this.#subscribers, this.#assignments, this.#candidates);
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
        // Fan out before marking durable: marking may evict old flags, never before their last event is delivered.
        this.#fanOut(events);
        this.#durable(this.#pos);
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
    const committed = this.#storage.commit(batch).catch((err: unknown) => this.#fail(err));
    // Delivered in log order once durable, and only then marked durable: marking may evict old
    // flags, never before their last event reached the subscribers.
    const delivered = this.#delivery
      .then(() => committed)
      .then(() => {
        this.#fanOut(batch.events);
        if (last !== undefined) this.#durable(last);
      });
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
      .catch((err: unknown) => this.#report(err, 'catch-up'));
  }

  /** A failure nobody awaits; the next appended event retries a failed catch-up (its gap shows). */
  #report(err: unknown, source: 'catch-up' | 'escalation'): void {
    const error = err instanceof FlagError ? err : new FlagError('internal', `${source} failed: ${String(err)}`);
    this.#onError(error, source);
  }

  async #catchUp(): Promise<void> {
    this.#applyNew(await this.#storage.shared!.since(this.#pos));
  }

  #applyNew(events: PositionedEvent[]): void {
    const fresh = events.filter((pe) => pe.pos > this.#pos);
    for (const pe of fresh) this.#apply(pe);
    this.#fanOut(fresh);
    this.#durable(this.#pos);
  }

  /** A flag that left memory, from storage: only a lowered one (an open one this process has not applied yet is not decided on). */
  async #storedFlag(flagId: string): Promise<Flag | undefined> {
    const events = await this.#storage.flagEvents(flagId).catch((err: unknown) => {
      throw new FlagError('internal', `Storage unavailable; retry the command: ${String(err)}`);
    });
    const flag = reduceEvents(events);
    return flag && !isOpen(flag) ? flag : undefined;
  }

  #fail(err: unknown): never {
    // In-memory state may now be ahead of storage: stop serving rather than diverge.
    this.#failure = new FlagError('internal', `Storage failed; the source of truth stopped: ${String(err)}`);
    throw this.#failure;
  }

  #fanOut(events: PositionedEvent[]): void {
    for (const pe of events) {
      const flag = this.#state.flags.get(pe.event.flagId)!;
      for (const observer of this.#observers) observer(pe.event, flag);
      for (const sub of this.#subscribers.candidates(flag, pe.event)) {
        if (this.#visible(sub.actor, pe.event, flag)) sub.listener(pe);
      }
    }
  }

  #apply(pe: PositionedEvent): void {
    const { event } = pe;
    const flag = this.#track(event);
    this.#pos = pe.pos;
    this.#remember(pe);
    this.#extendHorizon(pe, flag);
    this.#sinceCheckpoint++;
    if (event.type === 'lowered') this.#lowered.push({ flagId: flag.id, at: event.at, pos: pe.pos });
    if (event.type === 'acknowledged') this.#roster.took(event.actor.id, event.at);
  }

  /** Apply an event to the flags' states and keep it in its flag's history. */
  #track(event: FlagEvent): Flag {
    const flag = track(this.#state, event);
    const history = this.#history.get(flag.id);
    if (history) history.push(event);
    else this.#history.set(flag.id, [event]);
    return flag;
  }

  #extendHorizon({ pos, event }: PositionedEvent, flag = this.#state.flags.get(event.flagId)): void {
    const extend = (agentId: string) => {
      if (pos > (this.#agentHorizon.get(agentId) ?? 0)) this.#agentHorizon.set(agentId, pos);
    };
    if (flag) extend(flag.agent.id);
    if (event.type === 'assigned') extend(event.from.id);
  }

  /** Keep an event in the replay window. */
  #remember(pe: PositionedEvent): void {
    this.#log.push(pe);
    if (this.#log.length > this.#replayWindow * 1.25) this.#log.splice(0, this.#log.length - this.#replayWindow);
  }

  #durable(pos: number): void {
    this.#durablePos = Math.max(this.#durablePos, pos);
    this.#evict();
    this.#checkpointIfDue();
  }

  #checkpointIfDue(): void {
    if (!this.#storage.saveCheckpoint || this.#checkpointing || this.#sinceCheckpoint === 0 || this.#failure) return;
    if (this.#sinceCheckpoint < this.#checkpointEvents && this.#now() - this.#checkpointAt < this.#checkpointMs) return;
    this.#checkpointing = this.checkpoint().finally(() => (this.#checkpointing = null));
  }

  /**
   * Let flags lowered longer ago than the retention time leave memory once stored: their
   * histories, their states and their interactions' owners, and the replay window up to their
   * lowering (a client resuming from before it takes a snapshot, as it would from a replay
   * window that had moved on). Looks only at the oldest lowered flags still in memory, so each
   * costs O(1) over its lifetime.
   */
  #evict(): void {
    const cutoff = this.#now() - this.#retentionMs;
    const lowered = this.#lowered;
    let forgotten = 0;
    while (this.#loweredHead < lowered.length) {
      const oldest = lowered[this.#loweredHead]!;
      if (oldest.at >= cutoff || oldest.pos > this.#durablePos) break;
      this.#forget(oldest.flagId);
      forgotten = oldest.pos;
      this.#loweredHead++;
    }
    if (forgotten) {
      let stale = 0;
      while (stale < this.#log.length && this.#log[stale]!.pos <= forgotten) stale++;
      this.#log.splice(0, stale);
    }
    if (this.#loweredHead > 1024 && this.#loweredHead * 2 > lowered.length) {
      lowered.splice(0, this.#loweredHead);
      this.#loweredHead = 0;
    }
  }

  #forget(flagId: string): void {
    const { interactionId } = this.#state.flags.get(flagId)!;
    this.#history.delete(flagId);
    this.#state.flags.delete(flagId);
    if (this.#state.latest.get(interactionId) === flagId) this.#state.latest.delete(interactionId);
  }

  /** The flags in memory as events, the lowered queue and the replay window's start, at `pos`. */
  #capture(): Checkpoint {
    this.#evict();
    // Filled in place, not pushed: a checkpoint's capture pauses the relay, and growing an array
    // of ~10^5 events took 4× as long (bench/README.md, section 5).
    let count = 0;
    for (const history of this.#history.values()) count += history.length;
    const events = new Array<FlagEvent>(count);
    let i = 0;
    for (const history of this.#history.values()) for (const event of history) events[i++] = event;
    const replayFrom = Math.max(this.#log[0]?.pos ?? this.#pos + 1, this.#pos - this.#replayWindow + 1);
    return { v: 1, pos: this.#pos, replayFrom, events, lowered: this.#lowered.slice(this.#loweredHead) };
  }

  /** Start from a checkpoint: the same state as applying every event up to its position. */
  #restore(checkpoint: Checkpoint): void {
    if (checkpoint.v !== 1) throw new FlagError('internal', `The storage holds a checkpoint of format ${String(checkpoint.v)}, unknown to this version.`);
    for (const event of checkpoint.events) this.#track(event);
    for (const lowered of checkpoint.lowered) this.#lowered.push(lowered);
    this.#pos = checkpoint.pos;
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

/** Whose command ids a service's commands use: never a participant id (those match [\w.:@-] without a space). */
function serviceKey(service: ServiceRef): string {
  return `service ${service.id}`;
}

function reused(id: string): Outcome {
  return { ok: false, error: { code: 'not-allowed', message: `Command id ${id} was already used by someone else.` } };
}
