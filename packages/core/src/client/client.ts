/**
 * createFlagClient: the client state machine and stores over any Transport. It keeps the
 * confirmed per-flag event logs (deduped by seq, gaps repaired from history), overlays this
 * client's pending commands as optimistic events (decided by the same machine the source of
 * truth runs), and feeds the transcript sink in order.
 *
 * It holds what a fresh snapshot would: open flags and flags lowered less than `recentMs` ago;
 * an older lowered flag leaves with its log, timeline and unread count. A change to one flag
 * updates that flag's entries and stores only, so an update costs the same at the end of a
 * shift as at its start.
 */
import { atom, computed, type ReadableAtom, type WritableAtom } from 'nanostores';
import type { Command, CommandEnvelope, Outcome } from '../commands.js';
import { availability, clientConfig, mergeConfig, type FlagConfig, type FlagConfigInput } from '../config.js';
import { FlagError } from '../errors.js';
import { applyEvent, decide, reduceEvents, type DecisionState } from '../machine.js';
import type { HistoryQuery, LoweredFlag } from '../history.js';
import { isOpen, type Channel, type Flag, type FlagEvent, type Participant, type PositionedEvent, type PresenceView, type ResumePoint, type SupervisorStatus } from '../model.js';
import type { ConnectionStatus } from '../transport.js';
import { SYSTEM_CLOCK } from './clock.js';
import { Expiry } from './expiry.js';
import { KeyedStores } from './keyed-stores.js';
import { SortedFlags } from './sorted-flags.js';
import { TranscriptFeed } from './transcript-feed.js';
import type { CheckInInput, ClientEventMap, Clock, CommandResult, FlagClient, FlagClientOptions, RaiseInput, TimelineItem } from './types.js';
import { randomId } from '../random-id.js';
import { presentFlag, type FlagView } from '../present.js';
import { toTranscriptEntry, type TranscriptEntry } from '../transcript.js';
import { SettingsStores } from './settings.js';
import type { SettingKey, SettingValue, SettingsScope } from '../settings/schemas.js';

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
  /** The host's configuration until the source of truth tells its own (see `clientConfig`). */
  config: FlagConfig;
  readonly #hostConfig: FlagConfigInput | undefined;
  me: Participant;
  readonly $status: WritableAtom<ConnectionStatus> = atom('connecting');
  /** The flags as shown, changed in place one flag at a time; `$flags` copies it only when read. */
  readonly #shownFlags = new Map<string, Flag>();
  readonly #flagsChanged = atom(0);
  readonly $flags: ReadableAtom<ReadonlyMap<string, Flag>> = computed(this.#flagsChanged, () => new Map(this.#shownFlags));
  readonly $unread: WritableAtom<ReadonlyMap<string, number>> = atom(new Map());
  readonly $busy: WritableAtom<ReadonlyMap<string, readonly Command['type'][]>> = atom(new Map());
  readonly $presence: WritableAtom<PresenceView | null> = atom(null);
  readonly #open = new SortedFlags(isOpen, (a, b) => a.raisedAt - b.raisedAt || a.id.localeCompare(b.id));
  readonly #mine = new SortedFlags((f) => f.agent.id === this.me.id, (a, b) => b.raisedAt - a.raisedAt || a.id.localeCompare(b.id));
  readonly $openFlags = this.#open.store;
  readonly $myFlags = this.#mine.store;

  readonly #transport;
  readonly #newId: () => string;
  readonly #clock: Clock;
  readonly #logs = new Map<string, FlagLog>();
  readonly #pending = new Map<string, PendingCommand>();
  readonly #lastRead = new Map<string, number>();
  /** Ids of the flags in `$flags`, by interaction. */
  readonly #byInteraction = new Map<string, Set<string>>();
  readonly #flagStores = new KeyedStores<Flag | undefined>((id) => this.#shownFlags.get(id));
  readonly #interactionStores = new KeyedStores<Flag | undefined>((id) => this.#flagOf(id));
  readonly #timelines = new KeyedStores<readonly TimelineItem[]>((id) => this.#buildTimeline(id));
  readonly #expiry: Expiry;
  readonly #repairing = new Map<string, Promise<void>>();
  readonly #listeners = new Map<keyof ClientEventMap, Set<(detail: never) => void>>();
  readonly #feed: TranscriptFeed | null;
  #resume: ResumePoint | null = null;
  #closed = false;
  readonly settings: SettingsStores;

  constructor(opts: FlagClientOptions) {
    this.config = mergeConfig(opts.config);
    this.#hostConfig = opts.config;
    this.me = opts.me;
    this.#transport = opts.transport;
    // Without Web Crypto randomId throws a FlagError saying what to do: better now than at the first raise.
    if (!opts.newId) randomId();
    this.#newId = opts.newId ?? randomId;
    this.#clock = opts.clock ?? SYSTEM_CLOCK;
    this.#expiry = new Expiry(() => this.config.recentMs, this.#clock, (due) => this.#expire(due));
    this.#feed = opts.transcriptSink
      ? new TranscriptFeed(opts.transcriptSink, (entry, error) => this.#emit('transcript-error', { entry, error }))
      : null;
    this.settings = new SettingsStores(this.#transport, () => this.me, this.#newId);
    this.#transport.connect({
      settings: (docs) => this.settings.apply(docs),
      resumePoint: () => this.#resume,
      welcome: (info) => this.#welcome(info),
      event: (pe) => this.#receive(pe),
      status: (s) => this.$status.set(s),
      presence: (view) => this.$presence.set(view),
      error: (error) => this.#emit('error', { error }),
    });
  }

  // ---- queries -------------------------------------------------------------------------

  flag(flagId: string): ReadableAtom<Flag | undefined> {
    return this.#flagStores.get(flagId);
  }

  timeline(flagId: string): ReadableAtom<readonly TimelineItem[]> {
    return this.#timelines.get(flagId);
  }

  present(flag: Flag): FlagView {
    return presentFlag(flag, this.me, this.config, this.$busy.get().get(flag.id));
  }

  flagFor(interactionId: string): ReadableAtom<Flag | undefined> {
    return this.#interactionStores.get(interactionId);
  }

  availability(channel: Channel) {
    return availability(this.config, channel);
  }

  async history(query: HistoryQuery = {}): Promise<{ flags: LoweredFlag[]; next: string | null }> {
    if (this.#closed) throw new FlagError('transport-closed', 'This client was closed.');
    const page = await this.#transport.lowered(query);
    return { flags: page.flags.flatMap((events) => { const flag = reduceEvents(events); return flag ? [{ flag, events }] : []; }), next: page.next };
  }

  // ---- commands ------------------------------------------------------------------------

  raise(input: RaiseInput) {
    const { interactionId, channel, message } = input;
    const command: Command = { type: 'raise', interactionId, channel, message };
    if (input.customerLabel !== undefined) command.customerLabel = input.customerLabel;
    if (input.reason) command.reason = input.reason;
    if (input.severity) command.severity = input.severity;
    if (input.team) command.team = input.team;
    if (input.context) command.context = input.context;
    if (input.automatic) command.automatic = input.automatic;
    if (input.suggested) command.suggested = input.suggested;
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
  /** Hand the flag off to a supervisor (`to`), who must accept, or back to the team queue (no `to`). */
  transfer(flagId: string, to?: string, note?: string) {
    return this.#run({ type: 'transfer', flagId, ...(to ? { to } : {}), ...(note?.trim() ? { note } : {}) });
  }
  acceptTransfer(flagId: string) {
    return this.#run({ type: 'accept-transfer', flagId });
  }
  declineTransfer(flagId: string, reason?: string) {
    return this.#run(reason ? { type: 'decline-transfer', flagId, reason } : { type: 'decline-transfer', flagId });
  }
  /** A supervisor opens a private conversation with an agent on one of the agent's interactions (the flag's id is the command's). */
  checkIn(input: CheckInInput) {
    const { agentId, interactionId, channel, message } = input;
    const command: Command = { type: 'check-in', agentId, interactionId, channel, message };
    if (input.customerLabel !== undefined) command.customerLabel = input.customerLabel;
    if (input.team) command.team = input.team;
    return this.#run(command);
  }
  endInteraction(interactionId: string) {
    return this.#run({ type: 'end-interaction', interactionId });
  }
  setStatus(status: SupervisorStatus) {
    return this.#run({ type: 'set-status', status });
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
    this.#changed(flagIdOf(pending.envelope.command));
  }

  markRead(flagId: string) {
    const log = this.#logs.get(flagId);
    if (!log) return;
    this.#lastRead.set(flagId, log.flag.seq);
    log.unread = 0;
    this.#publishUnread([flagId]);
  }

  saveSettings<K extends SettingKey>(scope: SettingsScope, key: K, value: SettingValue<K>, version: number) {
    if (this.#closed) return Promise.reject(new FlagError('transport-closed', 'This client was closed.'));
    return this.settings.save(scope, key, value, version).catch((err: unknown) => {
      const error = asFlagError(err);
      this.#emit('error', { error });
      throw error;
    });
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
    this.#expiry.close();
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
    const flagId = flagIdOf(envelope.command) ?? (envelope.command.type === 'raise' || envelope.command.type === 'check-in' ? envelope.id : null);
    pending.state = 'sending';
    delete pending.error;
    this.#changed(flagId);
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
    this.#changed(outcome.flagId ?? flagId);
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
    this.#changed(flagId);
    this.#emit('error', { error, command: envelope.command, commandId: envelope.id });
    throw error;
  }

  // ---- incoming ------------------------------------------------------------------------

  #welcome(info: { me: Participant; epoch: string; pos: number; resumed: boolean; config?: FlagConfig }) {
    if (info.config) {
      this.config = clientConfig(info.config, this.#hostConfig);
      this.#expiry.sweep();
    }
    if (info.me.id !== this.me.id)
      this.#emit('error', {
        error: new FlagError('unauthenticated', `Signed in as ${info.me.id}, but the host said ${this.me.id}; using ${info.me.id}.`),
      });
    const newIdentity = info.me.id !== this.me.id;
    this.me = info.me;
    if (newIdentity) this.#publishAll();
    void this.settings.load().catch((error: unknown) => this.#emit('error', { error: asFlagError(error) }));
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
        this.#expiry.sweep();
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
      this.#changed(event.flagId);
      this.#expiry.sweep();
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
        this.#changed(flagId);
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
      if (event.type === 'lowered') this.#expiry.add(flag.id, event.at);
      // Made once, when the sink or a listener first wants it.
      let transcriptEntry: TranscriptEntry | undefined;
      const transcript = () => (transcriptEntry ??= toTranscriptEntry(event, flag.interactionId));
      if (this.#feed) this.#feed.push(transcript());
      this.#emit('event', {
        event,
        flag,
        live,
        get transcript() {
          return transcript();
        },
      });
      // The host transferred the interaction away from this agent: the flag leaves this client,
      // as it would be missing from a fresh snapshot (the source of truth sends nothing more of it).
      if (event.type === 'assigned' && event.from.id === this.me.id && flag.agent.id !== this.me.id) {
        this.#logs.delete(flag.id);
        this.#lastRead.delete(flag.id);
      }
    }
  }

  #reset() {
    this.#logs.clear();
    this.#lastRead.clear();
  }

  /** Lowered flags whose time is up leave, as they would be missing from a fresh snapshot. */
  #expire(due: readonly { flagId: string; at: number }[]) {
    const gone = due.filter(({ flagId, at }) => this.#logs.get(flagId)?.flag.lowered?.at === at).map(({ flagId }) => flagId);
    for (const flagId of gone) {
      this.#logs.delete(flagId);
      this.#lastRead.delete(flagId);
    }
    // A failed message on one can no longer be retried (the flag takes no more messages).
    const ids = new Set(gone);
    for (const [id, p] of this.#pending) if (p.state === 'failed' && ids.has(flagIdOf(p.envelope.command) ?? '')) this.#pending.delete(id);
    this.#changedMany(gone);
  }

  // ---- derived state -------------------------------------------------------------------

  #view(): DecisionState {
    const flags = this.#shownFlags;
    return {
      flag: (id) => flags.get(id),
      openFlagFor: (interactionId) => this.#flagsOf(interactionId).find(isOpen),
      interactionAgent: (interactionId) => this.#flagsOf(interactionId)[0]?.agent.id,
    };
  }

  #flagsOf(interactionId: string): Flag[] {
    return [...(this.#byInteraction.get(interactionId) ?? [])].map((id) => this.#shownFlags.get(id)!);
  }

  /** The open flag of an interaction, else its most recent one. */
  #flagOf(interactionId: string): Flag | undefined {
    let latest: Flag | undefined;
    for (const f of this.#flagsOf(interactionId)) {
      if (isOpen(f)) return f;
      if (!latest || f.raisedAt > latest.raisedAt) latest = f;
    }
    return latest;
  }

  /** The flag as shown: its confirmed state with this client's commands in flight applied. */
  #shown(flagId: string): Flag | undefined {
    let flag = this.#logs.get(flagId)?.flag;
    for (const p of this.#pending.values()) {
      if (p.state !== 'sending') continue;
      for (const e of p.events) {
        // Skip what the confirmed log already covers (its events arrive before the result).
        if (e.flagId === flagId && (flag ? flag.seq < e.seq : e.type === 'raised')) flag = applyEvent(flag, e);
      }
    }
    return flag;
  }

  /** Update the stores after a change to one flag (its log, or a command of this client about it). */
  #changed(flagId: string | null) {
    this.#changedMany(flagId ? [flagId] : []);
  }

  /** The same for flags that changed together (lowered flags expiring at once): each list store is copied once. */
  #changedMany(flagIds: readonly string[]) {
    this.#publishBusy();
    const changes: [Flag | undefined, Flag | undefined][] = [];
    for (const flagId of flagIds) {
      const prev = this.#shownFlags.get(flagId);
      const next = this.#shown(flagId);
      if (prev === next) continue;
      if (next) this.#shownFlags.set(flagId, next);
      else this.#shownFlags.delete(flagId);
      this.#index(flagId, prev, next);
      changes.push([prev, next]);
    }
    if (changes.length) {
      this.#flagsChanged.set(this.#flagsChanged.get() + 1);
      this.#open.update(changes);
      this.#mine.update(changes);
      for (const [prev, next] of changes) {
        const flag = (next ?? prev)!;
        this.#flagStores.update(flag.id);
        this.#interactionStores.update(flag.interactionId);
      }
    }
    this.#publishUnread(flagIds);
    for (const flagId of flagIds) this.#timelines.update(flagId);
  }

  /** Rebuild every store (a snapshot, a reset, a new identity). */
  #publishAll() {
    const flags = this.#shownFlags;
    flags.clear();
    for (const id of this.#logs.keys()) flags.set(id, this.#shown(id)!);
    for (const p of this.#pending.values()) if (p.envelope.command.type === 'raise' && !flags.has(p.envelope.id)) {
      const raised = this.#shown(p.envelope.id);
      if (raised) flags.set(raised.id, raised);
    }
    this.#byInteraction.clear();
    for (const [id, flag] of flags) this.#index(id, undefined, flag);
    this.#flagsChanged.set(this.#flagsChanged.get() + 1);
    this.#open.reset(flags.values());
    this.#mine.reset(flags.values());
    const unread = new Map<string, number>();
    for (const id of this.#logs.keys()) if (this.#unreadOf(id)) unread.set(id, this.#unreadOf(id));
    this.$unread.set(unread);
    this.#publishBusy();
    this.#flagStores.updateAll();
    this.#interactionStores.updateAll();
    this.#timelines.updateAll();
  }

  #index(flagId: string, prev: Flag | undefined, next: Flag | undefined) {
    const interactionId = (next ?? prev)!.interactionId;
    let ids = this.#byInteraction.get(interactionId);
    if (next) {
      if (!ids) this.#byInteraction.set(interactionId, (ids = new Set()));
      ids.add(flagId);
    } else if (ids) {
      ids.delete(flagId);
      if (ids.size === 0) this.#byInteraction.delete(interactionId);
    }
  }

  #publishBusy() {
    const busy = new Map<string, Command['type'][]>();
    for (const p of this.#pending.values()) {
      if (p.state !== 'sending') continue;
      const id = flagIdOf(p.envelope.command) ?? (p.envelope.command.type === 'raise' ? p.envelope.id : null);
      if (id) busy.set(id, [...(busy.get(id) ?? []), p.envelope.command.type]);
    }
    const before = this.$busy.get();
    const same = busy.size === before.size && [...busy].every(([id, types]) => String(before.get(id)) === String(types));
    if (!same) this.$busy.set(busy);
  }

  /** Unread counts are kept for open flags: the only ones a badge shows (so the map is bounded by what is open). */
  #unreadOf(flagId: string): number {
    const flag = this.#shownFlags.get(flagId);
    return flag && isOpen(flag) ? (this.#logs.get(flagId)?.unread ?? 0) : 0;
  }

  #publishUnread(flagIds: readonly string[]) {
    const before = this.$unread.get();
    const changed = flagIds.filter((id) => (before.get(id) ?? 0) !== this.#unreadOf(id));
    if (!changed.length) return;
    const unread = new Map(before);
    for (const id of changed) {
      const count = this.#unreadOf(id);
      if (count) unread.set(id, count);
      else unread.delete(id);
    }
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
