/**
 * createFlagClient: the client state machine and stores over any Transport. It keeps the
 * confirmed per-flag event logs (deduped by seq, gaps repaired from history), overlays this
 * client's pending commands as optimistic events (decided by the same machine the source of
 * truth runs), and feeds the transcript sink in order.
 */
import { atom, computed, type ReadableAtom, type WritableAtom } from 'nanostores';
import type { Command, CommandEnvelope, Outcome } from '../commands.js';
import { availability, resolveConfig } from '../config.js';
import { FlagError } from '../errors.js';
import { applyEvent, decide, type DecisionState } from '../machine.js';
import { isOpen, type Channel, type Flag, type FlagEvent, type Participant, type PositionedEvent, type ResumePoint } from '../model.js';
import type { ConnectionStatus } from '../transport.js';
import { TranscriptFeed } from './transcript-feed.js';
import type { ClientEventMap, CommandResult, FlagClient, FlagClientOptions, RaiseInput, TimelineItem } from './types.js';
import { randomId } from '../random-id.js';

/** Errors that depend only on the command and configuration: no point asking the source of truth. */
const LOCAL_ERRORS = new Set(['fallback-mode', 'channel-unavailable', 'too-long', 'invalid-input', 'not-allowed']);

interface PendingCommand {
  envelope: CommandEnvelope;
  /** Optimistic events (empty when the local view could not predict the outcome). */
  events: FlagEvent[];
  state: 'sending' | 'failed';
  error?: FlagError;
}

/** One flag's confirmed history, with what the stores derive from it kept up to date. */
interface FlagLog {
  flag: Flag;
  events: FlagEvent[];
  /** Timeline items of the confirmed events, built once each. */
  items: TimelineItem[];
  /** Messages from others after the last markRead. */
  unread: number;
}

export function createFlagClient(options: FlagClientOptions): FlagClient {
  return new Client(options);
}

class Client implements FlagClient {
  readonly config;
  me: Participant;
  readonly $status: WritableAtom<ConnectionStatus> = atom('connecting');
  readonly $flags: WritableAtom<ReadonlyMap<string, Flag>> = atom(new Map());
  readonly $unread: WritableAtom<ReadonlyMap<string, number>> = atom(new Map());
  readonly $busy: WritableAtom<ReadonlyMap<string, readonly Command['type'][]>> = atom(new Map());
  readonly $openFlags: ReadableAtom<readonly Flag[]>;
  readonly $myFlags: ReadableAtom<readonly Flag[]>;

  readonly #transport;
  readonly #newId: () => string;
  readonly #logs = new Map<string, FlagLog>();
  readonly #pending = new Map<string, PendingCommand>();
  readonly #lastRead = new Map<string, number>();
  readonly #timelines = new Map<string, WritableAtom<readonly TimelineItem[]>>();
  readonly #repairing = new Map<string, Promise<void>>();
  readonly #listeners = new Map<keyof ClientEventMap, Set<(detail: never) => void>>();
  readonly #feed: TranscriptFeed | null;
  #resume: ResumePoint | null = null;
  #closed = false;

  constructor(opts: FlagClientOptions) {
    this.config = resolveConfig(opts.config);
    this.me = opts.me;
    this.#transport = opts.transport;
    this.#newId = opts.newId ?? randomId;
    this.#feed = opts.transcriptSink
      ? new TranscriptFeed(opts.transcriptSink, (entry, error) => this.#emit('transcript-error', { entry, error }))
      : null;
    this.$openFlags = computed(this.$flags, (flags) =>
      [...flags.values()].filter(isOpen).sort((a, b) => a.raisedAt - b.raisedAt || a.id.localeCompare(b.id)),
    );
    this.$myFlags = computed(this.$flags, (flags) =>
      [...flags.values()].filter((f) => f.agent.id === this.me.id).sort((a, b) => b.raisedAt - a.raisedAt),
    );
    this.#transport.connect({
      resumePoint: () => this.#resume,
      welcome: (info) => this.#welcome(info),
      event: (pe) => this.#receive(pe),
      status: (s) => this.$status.set(s),
      error: (error) => this.#emit('error', { error }),
    });
  }

  // ---- queries -------------------------------------------------------------------------

  timeline(flagId: string): ReadableAtom<readonly TimelineItem[]> {
    let store = this.#timelines.get(flagId);
    if (!store) {
      store = atom(this.#buildTimeline(flagId));
      this.#timelines.set(flagId, store);
    }
    return store;
  }

  flagFor(interactionId: string): ReadableAtom<Flag | undefined> {
    return computed(this.$flags, (flags) => {
      let latest: Flag | undefined;
      for (const f of flags.values()) {
        if (f.interactionId !== interactionId) continue;
        if (isOpen(f)) return f;
        if (!latest || f.raisedAt > latest.raisedAt) latest = f;
      }
      return latest;
    });
  }

  availability(channel: Channel) {
    return availability(this.config, channel);
  }

  // ---- commands ------------------------------------------------------------------------

  raise(input: RaiseInput) {
    const { interactionId, channel, message } = input;
    const command: Command = { type: 'raise', interactionId, channel, message };
    if (input.customerLabel !== undefined) command.customerLabel = input.customerLabel;
    if (input.reason) command.reason = input.reason;
    if (input.severity) command.severity = input.severity;
    if (input.team) command.team = input.team;
    return this.#run(command);
  }
  acknowledge(flagId: string) {
    return this.#run({ type: 'acknowledge', flagId });
  }
  lower(flagId: string, reason?: string) {
    return this.#run(reason ? { type: 'lower', flagId, reason } : { type: 'lower', flagId });
  }
  sendMessage(flagId: string, text: string) {
    return this.#run({ type: 'send-message', flagId, text });
  }
  requestJoin(flagId: string) {
    return this.#run({ type: 'request-join', flagId });
  }
  acceptJoin(flagId: string) {
    return this.#run({ type: 'accept-join', flagId });
  }
  declineJoin(flagId: string, reason?: string) {
    return this.#run(reason ? { type: 'decline-join', flagId, reason } : { type: 'decline-join', flagId });
  }
  cancelJoin(flagId: string) {
    return this.#run({ type: 'cancel-join', flagId });
  }
  endInteraction(interactionId: string) {
    return this.#run({ type: 'end-interaction', interactionId });
  }

  retryMessage(commandId: string) {
    const pending = this.#pending.get(commandId);
    if (!pending || pending.state !== 'failed')
      return Promise.reject(new FlagError('not-found', `There is no failed message ${commandId} to retry.`));
    return this.#send(pending);
  }

  discardMessage(commandId: string) {
    const pending = this.#pending.get(commandId);
    if (pending?.state !== 'failed') return;
    this.#pending.delete(commandId);
    this.#publish(flagIdOf(pending.envelope.command));
  }

  markRead(flagId: string) {
    const log = this.#logs.get(flagId);
    if (!log) return;
    this.#lastRead.set(flagId, log.flag.seq);
    log.unread = 0;
    this.#publishUnread();
  }

  on<K extends keyof ClientEventMap>(type: K, listener: (detail: ClientEventMap[K]) => void) {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener as (detail: never) => void);
    return () => void set.delete(listener as (detail: never) => void);
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#transport.close();
    this.#feed?.close();
    this.$status.set('offline');
  }

  #run(command: Command): Promise<CommandResult> {
    if (this.#closed) return Promise.reject(new FlagError('transport-closed', 'This client was closed.'));
    const envelope: CommandEnvelope = { id: this.#newId(), command };
    const preview = decide(this.#view(), this.me, envelope, Date.now(), this.config);
    if (preview instanceof FlagError && LOCAL_ERRORS.has(preview.code)) {
      this.#emit('error', { error: preview, command, commandId: envelope.id });
      return Promise.reject(preview);
    }
    const pending: PendingCommand = {
      envelope,
      events: preview instanceof FlagError ? [] : preview.events,
      state: 'sending',
    };
    this.#pending.set(envelope.id, pending);
    return this.#send(pending);
  }

  async #send(pending: PendingCommand): Promise<CommandResult> {
    const { envelope } = pending;
    const flagId = flagIdOf(envelope.command) ?? (envelope.command.type === 'raise' ? envelope.id : null);
    pending.state = 'sending';
    delete pending.error;
    this.#publish(flagId);
    let outcome: Outcome;
    try {
      outcome = await this.#transport.execute(envelope);
    } catch (err) {
      const error = err instanceof FlagError ? err : new FlagError('internal', String(err));
      return this.#fail(pending, flagId, error);
    }
    if (!outcome.ok) return this.#fail(pending, flagId, FlagError.from(outcome.error));
    // The events of an accepted command arrive before its result; wait for any gap repair.
    if (outcome.flagId) await this.#repairing.get(outcome.flagId);
    this.#pending.delete(envelope.id);
    this.#publish(outcome.flagId ?? flagId);
    const flag = outcome.flagId ? this.#logs.get(outcome.flagId)?.flag : undefined;
    return {
      commandId: envelope.id,
      flagId: outcome.flagId,
      changed: outcome.changed,
      ...(outcome.note ? { note: outcome.note } : {}),
      ...(flag ? { flag } : {}),
    };
  }

  #fail(pending: PendingCommand, flagId: string | null, error: FlagError): never {
    const { envelope } = pending;
    if (envelope.command.type === 'send-message') {
      // A failed message stays visible with Retry; other commands roll back.
      pending.state = 'failed';
      pending.error = error;
    } else {
      this.#pending.delete(envelope.id);
    }
    this.#publish(flagId);
    this.#emit('error', { error, command: envelope.command, commandId: envelope.id });
    throw error;
  }

  // ---- incoming ------------------------------------------------------------------------

  #welcome(info: { me: Participant; epoch: string; pos: number; resumed: boolean }) {
    if (info.me.id !== this.me.id)
      this.#emit('error', {
        error: new FlagError('unauthenticated', `Signed in as ${info.me.id}, but the host said ${this.me.id}; using ${info.me.id}.`),
      });
    this.me = info.me;
    if (info.resumed) return;
    void this.#transport.snapshot().then(
      (snapshot) => {
        if (this.#resume && this.#resume.epoch !== snapshot.epoch) this.#reset();
        const byFlag = new Map<string, FlagEvent[]>();
        for (const e of snapshot.events) {
          const list = byFlag.get(e.flagId);
          if (list) list.push(e);
          else byFlag.set(e.flagId, [e]);
        }
        for (const events of byFlag.values()) this.#applyAll(events, false);
        this.#resume = { epoch: snapshot.epoch, pos: Math.max(snapshot.pos, this.#resume?.epoch === snapshot.epoch ? this.#resume.pos : 0) };
        this.#publishAll();
      },
      (error: unknown) => this.#emit('error', { error: asFlagError(error) }),
    );
  }

  #receive(pe: PositionedEvent) {
    const { event } = pe;
    const log = this.#logs.get(event.flagId);
    if (this.#resume) this.#resume = { epoch: this.#resume.epoch, pos: Math.max(this.#resume.pos, pe.pos) };
    if (this.#repairing.has(event.flagId)) {
      void this.#repairing.get(event.flagId)!.then(() => this.#receive(pe));
      return;
    }
    const have = log?.flag.seq ?? 0;
    if (event.seq <= have) return;
    if (event.seq === have + 1) {
      this.#applyAll([event], true);
      this.#publish(event.flagId);
      return;
    }
    this.#repair(event.flagId, have);
  }

  /** A gap (or a flag that just became visible): fetch what is missing, in order. */
  #repair(flagId: string, afterSeq: number) {
    const done = this.#transport.history(flagId, afterSeq).then(
      (events) => {
        this.#repairing.delete(flagId);
        this.#applyAll(events, true);
        this.#publish(flagId);
      },
      (error: unknown) => {
        this.#repairing.delete(flagId);
        this.#emit('error', { error: asFlagError(error) });
      },
    );
    this.#repairing.set(flagId, done);
  }

  #applyAll(events: FlagEvent[], live: boolean) {
    for (const event of events) {
      const log = this.#logs.get(event.flagId);
      if ((log?.flag.seq ?? 0) + 1 !== event.seq) continue;
      const flag = applyEvent(log?.flag, event);
      const entry = log ?? { flag, events: [], items: [], unread: 0 };
      entry.flag = flag;
      entry.events.push(event);
      const mine = event.actor.id === this.me.id;
      entry.items.push({ key: `${flag.id}:${event.seq}`, event, state: 'sent', ...(event.type === 'message' && mine ? { commandId: event.clientId } : {}) });
      if (event.type === 'message' && !mine && event.seq > (this.#lastRead.get(flag.id) ?? 0)) entry.unread++;
      if (!log) this.#logs.set(flag.id, entry);
      this.#feed?.push(event, flag.interactionId);
      this.#emit('event', { event, flag, live });
    }
  }

  #reset() {
    this.#logs.clear();
    this.#lastRead.clear();
  }

  // ---- derived state -------------------------------------------------------------------

  #view(): DecisionState {
    const flags = this.$flags.get();
    return {
      flag: (id) => flags.get(id),
      openFlagFor: (interactionId) => [...flags.values()].find((f) => f.interactionId === interactionId && isOpen(f)),
      interactionAgent: (interactionId) => [...flags.values()].find((f) => f.interactionId === interactionId)?.agent.id,
    };
  }

  #publishAll() {
    this.#publish(null);
    for (const id of this.#timelines.keys()) this.#timelines.get(id)!.set(this.#buildTimeline(id));
  }

  /** Recompute the stores after a change to one flag (or to flags in general). */
  #publish(flagId: string | null) {
    const flags = new Map<string, Flag>();
    for (const [id, log] of this.#logs) flags.set(id, log.flag);
    const busy = new Map<string, Command['type'][]>();
    for (const p of this.#pending.values()) {
      if (p.state !== 'sending') continue;
      for (const e of p.events) {
        const base = flags.get(e.flagId);
        // Skip what the confirmed log already covers (its events arrive before the result).
        if (base ? base.seq < e.seq : e.type === 'raised') flags.set(e.flagId, applyEvent(base, e));
      }
      const id = flagIdOf(p.envelope.command) ?? (p.envelope.command.type === 'raise' ? p.envelope.id : null);
      if (id) busy.set(id, [...(busy.get(id) ?? []), p.envelope.command.type]);
    }
    this.$flags.set(flags);
    this.$busy.set(busy);
    this.#publishUnread();
    if (flagId) this.#timelines.get(flagId)?.set(this.#buildTimeline(flagId));
  }

  #publishUnread() {
    const unread = new Map<string, number>();
    for (const [id, log] of this.#logs) if (log.unread) unread.set(id, log.unread);
    this.$unread.set(unread);
  }

  #buildTimeline(flagId: string): TimelineItem[] {
    const confirmed = this.#logs.get(flagId)?.items ?? [];
    const items: TimelineItem[] = [...confirmed];
    let delivered: Set<string> | undefined;
    for (const p of this.#pending.values()) {
      if (flagIdOf(p.envelope.command) !== flagId && p.envelope.id !== flagId) continue;
      if (p.envelope.command.type === 'send-message') {
        // A message's event arrives before its result (or after a failure whose command did land):
        // once it is in the log, the log's copy is the one shown.
        delivered ??= new Set(confirmed.map((i) => i.commandId).filter((id) => id !== undefined));
        if (delivered.has(p.envelope.id)) continue;
        const text = p.envelope.command.text;
        const at = p.events[0]?.at ?? Date.now();
        const event: FlagEvent = { type: 'message', flagId, seq: 0, at, actor: { id: this.me.id, name: this.me.name, role: this.me.role }, text, clientId: p.envelope.id };
        items.push({ key: p.envelope.id, event, state: p.state, commandId: p.envelope.id, ...(p.error ? { error: p.error } : {}) });
      } else if (p.state === 'sending' && confirmed.length === 0) {
        for (const event of p.events) items.push({ key: p.envelope.id, event, state: 'sending', commandId: p.envelope.id });
      }
    }
    return items;
  }

  #emit<K extends keyof ClientEventMap>(type: K, detail: ClientEventMap[K]) {
    for (const listener of this.#listeners.get(type) ?? []) (listener as (d: ClientEventMap[K]) => void)(detail);
  }
}

function flagIdOf(command: Command): string | null {
  return 'flagId' in command ? command.flagId : null;
}

function asFlagError(error: unknown): FlagError {
  return error instanceof FlagError ? error : new FlagError('internal', String(error));
}
