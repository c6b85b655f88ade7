/**
 * The DOM events Flagline elements dispatch for host integration. Every event bubbles and is
 * composed (it crosses shadow roots), and carries typed fields instead of a `detail` bag.
 */
import type { AlertSettings, Availability, Channel, Flag, FlagError, FlagEvent, TranscriptEntry } from '@flagline/core';

const OPTIONS = { bubbles: true, composed: true } as const;

/** Something happened to a flag an element shows (reported once it is confirmed by the source of truth). */
export class FlagStateEvent extends Event {
  /** The flag as it is after the event. */
  readonly flag: Flag;
  /** The confirmed event (`type`, `seq`, `at`, `actor`…; `text` for a message). */
  readonly event: FlagEvent;
  constructor(type: FlagStateEventType, flag: Flag, event: FlagEvent) {
    super(type, OPTIONS);
    this.flag = flag;
    this.event = event;
  }
}

export const FLAG_STATE_EVENT_TYPES = {
  raised: 'flag-raised',
  acknowledged: 'flag-acknowledged',
  escalated: 'flag-escalated',
  lowered: 'flag-lowered',
  'join-requested': 'join-requested',
  'join-accepted': 'join-accepted',
  'join-declined': 'join-declined',
  'join-cancelled': 'join-cancelled',
  assigned: 'flag-assigned',
  offered: 'flag-offered',
  'offer-ended': 'flag-offer-ended',
  message: 'message-received',
  'transfer-offered': 'transfer-offered',
  'transfer-accepted': 'transfer-accepted',
  'transfer-declined': 'transfer-declined',
  'transfer-expired': 'transfer-expired',
  'handed-back': 'flag-handed-back',
} as const satisfies Record<FlagEvent['type'], string>;
export type FlagStateEventType = (typeof FLAG_STATE_EVENT_TYPES)[keyof typeof FLAG_STATE_EVENT_TYPES];

/** A transcript line for the flag's interaction, as the TranscriptSink receives it. */
export class TranscriptEntryEvent extends Event {
  /** `id` (stable: `${flagId}:${seq}`), `interactionId`, `seq`, `at`, `type`, `actor`, `text`. */
  readonly entry: TranscriptEntry;
  constructor(entry: TranscriptEntry) {
    super('transcript-entry', OPTIONS);
    this.entry = entry;
  }
}

/** A command the user started failed. The element also shows the message where the user acted. */
export class FlagErrorEvent extends Event {
  /** A stable `code` and a human `message`. */
  readonly error: FlagError;
  /** What the user tried, e.g. `raise`, `acknowledge`, `send-message`. */
  readonly action: string;
  /** The flag the command was about, if any. */
  readonly flagId: string | undefined;
  constructor(error: FlagError, action: string, flagId?: string) {
    super('flag-error', OPTIONS);
    this.error = error;
    this.action = action;
    this.flagId = flagId;
  }
}

/** <flag-button> hides itself: flags are not available on its channel or Flagline is in fallback mode. */
export class FlagUnavailableEvent extends Event {
  /** @type {'fallback-mode' | 'channel-unavailable'} Fallback mode, or flags are off on this channel. */
  readonly reason: Extract<Availability, { available: false }>['reason'];
  /** The button's channel. */
  readonly channel: Channel;
  constructor(reason: FlagUnavailableEvent['reason'], channel: Channel) {
    super('flag-unavailable', OPTIONS);
    this.reason = reason;
    this.channel = channel;
  }
}

/**
 * The supervisor pressed Join on a flag whose agent asked for it. Cancelable: call
 * `preventDefault()` to stop the widget from accepting; otherwise it accepts the join, and the
 * `join-accepted` event that follows is the host's cue to barge in.
 */
export class FlagJoinEvent extends Event {
  /** The flag whose join the supervisor would accept. */
  readonly flag: Flag;
  constructor(flag: Flag) {
    super('flag-join', { ...OPTIONS, cancelable: true });
    this.flag = flag;
  }
}

/** The supervisor asked to open a flag's chat. Cancelable: `preventDefault()` to show it elsewhere. */
export class FlagOpenChatEvent extends Event {
  /** The flag whose chat to show. */
  readonly flag: Flag;
  constructor(flag: Flag) {
    super('flag-open-chat', { ...OPTIONS, cancelable: true });
    this.flag = flag;
  }
}

/** The supervisor changed their alert settings in the widget (saved in this browser; a host may save them elsewhere too). */
export class AlertSettingsChangeEvent extends Event {
  /** The settings in force now. */
  readonly settings: AlertSettings;
  /** What the supervisor chose (the rest comes from the attributes and core's defaults). */
  readonly chosen: Partial<AlertSettings>;
  constructor(settings: AlertSettings, chosen: Partial<AlertSettings>) {
    super('alert-settings-change', OPTIONS);
    this.settings = settings;
    this.chosen = chosen;
  }
}

/** <flag-history>'s CSV is ready. Cancelable: `preventDefault()` to save `csv` yourself instead of the download. */
export class FlagHistoryExportEvent extends Event {
  /** The CSV text (RFC 4180, CRLF, formula-safe). */
  readonly csv: string;
  /** The name the download would have. */
  readonly filename: string;
  constructor(csv: string, filename: string) {
    super('flag-history-export', { ...OPTIONS, cancelable: true });
    this.csv = csv;
    this.filename = filename;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'alert-settings-change': AlertSettingsChangeEvent;
    'flag-history-export': FlagHistoryExportEvent;
    'flag-raised': FlagStateEvent;
    'flag-acknowledged': FlagStateEvent;
    'flag-escalated': FlagStateEvent;
    'flag-lowered': FlagStateEvent;
    'join-requested': FlagStateEvent;
    'join-accepted': FlagStateEvent;
    'join-declined': FlagStateEvent;
    'join-cancelled': FlagStateEvent;
    'flag-assigned': FlagStateEvent;
    'flag-offered': FlagStateEvent;
    'flag-offer-ended': FlagStateEvent;
    'message-received': FlagStateEvent;
    'transfer-offered': FlagStateEvent;
    'transfer-accepted': FlagStateEvent;
    'transfer-declined': FlagStateEvent;
    'transfer-expired': FlagStateEvent;
    'flag-handed-back': FlagStateEvent;
    'transcript-entry': TranscriptEntryEvent;
    'flag-error': FlagErrorEvent;
    'flag-unavailable': FlagUnavailableEvent;
    'flag-join': FlagJoinEvent;
    'flag-open-chat': FlagOpenChatEvent;
  }
}
