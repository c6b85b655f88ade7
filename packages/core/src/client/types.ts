import type { ReadableAtom } from 'nanostores';
import type { Command } from '../commands.js';
import type { RuleRef, FlagContext } from '../context.js';
import type { Availability, FlagConfig, FlagConfigInput } from '../config.js';
import type { FlagError } from '../errors.js';
import type { HistoryQuery, LoweredFlag } from '../history.js';
import type { Channel, Flag, FlagEvent, Participant, PresenceView, Severity, SupervisorStatus } from '../model.js';
import type { TranscriptEntry, TranscriptSink } from '../transcript.js';
import type { FlagView } from '../present.js';
import type { ConnectionStatus, Transport } from '../transport.js';
import type { SettingKey, SettingValue, SettingsScope } from '../settings/schemas.js';
import type { ClientSettings, Setting } from './settings.js';

export interface FlagClientOptions {
  transport: Transport;
  /** Who the host believes is signed in; the source of truth's identity wins (a mismatch is reported). */
  me: Participant;
  /** The host's settings: used until the source of truth's welcome, then only where they are stricter (`clientConfig`). */
  config?: FlagConfigInput;
  transcriptSink?: TranscriptSink;
  /** Command id generator (default: random UUIDs, also on plain-http pages). */
  newId?: () => string;
  /** The clock lowered flags age by (default: `Date.now` and the global timers). */
  clock?: Clock;
}

/** Time as the client reads it; tests pass one they move by hand. */
export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RaiseInput {
  interactionId: string;
  channel: Channel;
  customerLabel?: string;
  message: string;
  reason?: string;
  severity?: Severity;
  team?: string;
  /** The conversation shared with the supervisor (what the agent agreed to; validated like every field). */
  context?: FlagContext;
  /** Set by a rule that raises by itself (a trigger's `raise` carries it). */
  automatic?: RuleRef;
  /** The rule whose suggestion the agent accepted (`<flag-button>` sets it). */
  suggested?: RuleRef;
}

/** A supervisor's check-in: the agent, one of their interactions, and the first message. */
export interface CheckInInput {
  agentId: string;
  interactionId: string;
  channel: Channel;
  customerLabel?: string;
  message: string;
  /** A team of both; defaults to the supervisor's first team the agent is in. */
  team?: string;
}

/** What a command resolves with once the source of truth accepted it. */
export interface CommandResult {
  commandId: string;
  flagId: string | null;
  /** False when there was nothing left to do (e.g. `note: 'already-lowered'`). */
  changed: boolean;
  note?: string;
  /** The flag as it stands after the command. */
  flag?: Flag;
}

export type DeliveryState = 'sending' | 'sent' | 'failed';

/** One line of a flag's conversation: a flag event or a private message, with delivery state. */
export interface TimelineItem {
  /** Stable key: `${flagId}:${seq}` once confirmed, the command id while pending or failed. */
  key: string;
  event: FlagEvent;
  state: DeliveryState;
  /** The command that produced it, when it was this client's. */
  commandId?: string;
  error?: FlagError;
}

export interface ClientEventMap {
  /** A confirmed event was applied. `live` is false for events loaded from a snapshot. */
  event: {
    event: FlagEvent;
    flag: Flag;
    live: boolean;
    /** The event as an entry of the interaction's transcript (made when read). */
    readonly transcript: TranscriptEntry;
  };
  /** A command failed or a transport reported an error. */
  error: { error: FlagError; command?: Command; commandId?: string };
  /** The transcript sink rejected an entry; it will be retried. */
  'transcript-error': { entry: TranscriptEntry; error: unknown };
}

export interface FlagClient {
  readonly me: Participant;
  /** The rules this client decides with: its source of truth's once welcomed, made stricter by the host's `config` (`clientConfig`). */
  readonly config: FlagConfig;
  readonly $status: ReadableAtom<ConnectionStatus>;
  /**
   * Every flag this participant can see that is open or was lowered less than `recentMs` ago
   * (what a fresh snapshot holds), with this client's pending commands applied. A new map per
   * change; an element that shows one flag reads `flag(id)` instead.
   */
  readonly $flags: ReadableAtom<ReadonlyMap<string, Flag>>;
  /** Open flags, longest waiting first. */
  readonly $openFlags: ReadableAtom<readonly Flag[]>;
  /** Flags raised by this participant (agents), newest first. */
  readonly $myFlags: ReadableAtom<readonly Flag[]>;
  /** Unread private messages per open flag (messages from others after the last `markRead`); a lowered flag has none. */
  readonly $unread: ReadableAtom<ReadonlyMap<string, number>>;
  /**
   * Presence as the source of truth lets this participant see it (per team: supervisors online
   * and available; a supervisor's own status), or null until it said (a transport without
   * presence never does).
   */
  readonly $presence: ReadableAtom<PresenceView | null>;
  /** Command types in flight per flag, e.g. to show a busy Acknowledge button. */
  readonly $busy: ReadableAtom<ReadonlyMap<string, readonly Command['type'][]>>;

  /**
   * Team and personal settings (canned replies, quick raise reasons, alerts) as stores: each
   * holds the key's default at version 0 until a document is loaded or saved.
   */
  readonly settings: ClientSettings;

  /** One flag, or undefined while it is unknown or after it left the client. Told only about this flag's changes. */
  flag(flagId: string): ReadableAtom<Flag | undefined>;
  /**
   * The flag as the elements show it to this participant: its phase, what they may do to it now
   * (by the rules the source of truth applies), this client's commands in flight on it, limits.
   */
  present(flag: Flag): FlagView;
  /** The conversation of one flag: events and messages in order, then pending/failed messages. */
  timeline(flagId: string): ReadableAtom<readonly TimelineItem[]>;
  /** The open flag of an interaction, else its most recent one. */
  flagFor(interactionId: string): ReadableAtom<Flag | undefined>;
  availability(channel: Channel): Availability;
  /** A page of lowered flags this participant may see, newest first, with their events (messages included). */
  history(query?: HistoryQuery): Promise<{ flags: LoweredFlag[]; next: string | null }>;

  raise(input: RaiseInput): Promise<CommandResult>;
  acknowledge(flagId: string): Promise<CommandResult>;
  lower(flagId: string, reason?: string): Promise<CommandResult>;
  sendMessage(flagId: string, text: string): Promise<CommandResult>;
  /** Send a failed message again with its original command id: it can never be duplicated. */
  retryMessage(commandId: string): Promise<CommandResult>;
  /** Forget a failed message. */
  discardMessage(commandId: string): void;
  requestJoin(flagId: string): Promise<CommandResult>;
  acceptJoin(flagId: string): Promise<CommandResult>;
  declineJoin(flagId: string, reason?: string): Promise<CommandResult>;
  cancelJoin(flagId: string): Promise<CommandResult>;
  endInteraction(interactionId: string): Promise<CommandResult>;
  /** Hand the flag off to a supervisor (`to`), who must accept within `transferTimeoutMs`, or back to the team queue. */
  transfer(flagId: string, to?: string, note?: string): Promise<CommandResult>;
  acceptTransfer(flagId: string): Promise<CommandResult>;
  declineTransfer(flagId: string, reason?: string): Promise<CommandResult>;
  /** Open a private conversation with an agent on one of their interactions, with no flag raised. */
  checkIn(input: CheckInInput): Promise<CommandResult>;
  /** A supervisor sets their own status: offer routing offers flags only to `available` supervisors. */
  setStatus(status: SupervisorStatus): Promise<CommandResult>;
  /**
   * Save a setting. `version` is the version your edit started from (the store's `version`): if
   * someone saved since, it rejects with a `conflict` FlagError and stores nothing. Also rejects
   * with `not-allowed` (an agent saving team settings, another team's), `too-long`, `invalid-input`
   * or `unavailable` (a transport without settings). Resolves with the stored setting.
   */
  saveSettings<K extends SettingKey>(scope: SettingsScope, key: K, value: SettingValue<K>, version: number): Promise<Setting<K>>;
  /** Mark every message of a flag as read (local to this client). */
  markRead(flagId: string): void;

  on<K extends keyof ClientEventMap>(type: K, listener: (detail: ClientEventMap[K]) => void): () => void;
  /** Stops the transport; pending commands reject with `transport-closed`. */
  close(): void;
}
