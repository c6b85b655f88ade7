import type { Flag, FlagErrorCode } from '@flagline/core';
import { defaultContextStrings, type ContextStrings } from '../internal/context-strings.js';

/** Every visible or announced string of <flag-button>, English by default. */
export interface FlagButtonStrings {
  raise: string;
  raising: string;
  raised: string;
  escalated: string;
  acknowledgedBy: (name: string) => string;
  /** A flag a supervisor opened with the agent (a check-in), while that supervisor still helps. */
  checkInBy: (name: string) => string;
  /** The supervisor helping offered the flag to another, who has not answered yet. */
  handingOff: (from: string, to: string) => string;
  /** Announced beside the button when a supervisor opens a check-in. */
  checkInNotice: (name: string) => string;
  joinRequested: string;
  joinedBy: (name: string) => string;
  loweredBy: (flag: Flag) => string;
  /** Announced beside the button while the panel is closed (with `acknowledgedBy` and `joinedBy`): the supervisor wrote. */
  newsMessage: (name: string, text: string) => string;
  /** Shown and announced beside the button (until closed) when the supervisor declines to join. */
  newsJoinDeclined: (name: string, reason: string | undefined) => string;
  unread: (count: number) => string;
  composerTitle: string;
  messageLabel: string;
  reasonLabel: string;
  /** The team's quick raise reasons, offered under the reason field: picking one fills it. */
  quickReasons: string;
  urgentLabel: string;
  counter: (length: number, max: number) => string;
  submit: string;
  cancel: string;
  panelTitle: string;
  requestJoin: string;
  cancelJoin: string;
  lower: string;
  close: string;
  /** Announced beside the button when a rule raised the flag by itself. */
  autoRaised: (ruleName: string) => string;
  /** A suggestion's button that opens the composer prefilled, to edit before raising. */
  reviewSuggestion: string;
  dismissSuggestion: string;
  /** Under a suggestion: what a one-click raise shares. */
  sharesContext: (turns: number, summary: boolean) => string;
  /** The composer's conversation section. */
  contextLegend: string;
  shareContext: string;
  summaryLabel: string;
  /** Who said a turn, in the composer's conversation section. */
  context: ContextStrings;
  /** Beside the button, before raising: no supervisor of the agent's team is online and available. */
  noSupervisor: string;
  /** Beside the button while the connection is down. */
  offline: string;
  /** Console warning and event reason when the button hides itself. */
  unavailable: (reason: Extract<FlagErrorCode, 'fallback-mode' | 'channel-unavailable'>, channel: string) => string;
}

export const defaultFlagButtonStrings: FlagButtonStrings = {
  raise: 'Raise flag',
  raising: 'Raising flag…',
  raised: 'Flag raised',
  escalated: 'Flag escalated',
  acknowledgedBy: (name) => `Acknowledged by ${name}`,
  checkInBy: (name) => `Check-in from ${name}`,
  handingOff: (from, to) => `${from} is handing you over to ${to}`,
  checkInNotice: (name) => `${name} opened a check-in with you: open the chat to answer`,
  joinRequested: 'Join requested',
  joinedBy: (name) => `${name} joined`,
  loweredBy: (flag) =>
    flag.lowered?.cause === 'interaction-ended'
      ? 'Flag lowered: the interaction ended'
      : `Flag lowered by ${flag.lowered?.by.name ?? 'someone'}${flag.lowered?.reason ? `: ${flag.lowered.reason}` : ''}`,
  newsMessage: (name, text) => `Message from ${name}: ${text}`,
  newsJoinDeclined: (name, reason) => `${name} can’t join${reason ? `: ${reason}` : ''}`,
  unread: (count) => `${count} unread`,
  composerTitle: 'Raise a flag',
  messageLabel: 'Message to your supervisor',
  reasonLabel: 'Reason (optional)',
  quickReasons: 'Common reasons',
  urgentLabel: 'Urgent',
  counter: (length, max) => `${length} / ${max}`,
  submit: 'Raise',
  cancel: 'Cancel',
  panelTitle: 'Your flag',
  requestJoin: 'Request supervisor to join',
  cancelJoin: 'Cancel join request',
  lower: 'Lower flag',
  close: 'Close',
  autoRaised: (ruleName) => `Flag raised automatically: ${ruleName}`,
  reviewSuggestion: 'Review first',
  dismissSuggestion: 'Dismiss',
  sharesContext: (turns, summary) =>
    `Shares ${turns === 1 ? 'the last message' : `the last ${turns} messages`}${summary ? ' and a summary' : ''} with your supervisor.`,
  contextLegend: 'Conversation shared with your supervisor',
  shareContext: 'Share the conversation',
  summaryLabel: 'Summary (one sentence a line)',
  context: defaultContextStrings,
  noSupervisor: 'No supervisor online right now: a flag waits until one is.',
  offline: 'Offline: what you send goes out when the connection returns.',
  unavailable: (reason, channel) =>
    reason === 'fallback-mode'
      ? 'Flagline is in fallback mode: <flag-button> is hidden.'
      : `Flags are not enabled on ${channel} interactions: <flag-button> is hidden.`,
};
