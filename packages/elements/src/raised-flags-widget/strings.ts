import type { Channel, Flag, SupervisorStatus } from '@flagline/core';
import { defaultContextStrings, type ContextStrings } from '../internal/context-strings.js';
import { defaultAlertStrings, type AlertStrings } from './alert-strings.js';

/** Every visible or announced string of <raised-flags-widget>, English by default. */
export interface RaisedFlagsWidgetStrings {
  title: string;
  count: (count: number) => string;
  empty: string;
  listLabel: string;
  teamFilter: string;
  channelFilter: string;
  allTeams: string;
  allChannels: string;
  channels: Record<Channel, string>;
  urgent: string;
  escalated: string;
  /** The row's state line once acknowledged: who, and how long ago (`formatted`). */
  acknowledgedBy: (name: string, formatted: string) => string;
  joinRequested: string;
  /** The row's state line once a supervisor joined: who, and how long ago. */
  joined: (name: string, formatted: string) => string;
  reason: (reason: string) => string;
  /** The row's state line until someone acknowledges: how long the agent has waited. */
  waiting: (formatted: string) => string;
  unread: (count: number) => string;
  acknowledge: string;
  openChat: string;
  join: string;
  decline: string;
  lower: string;
  chatTitle: (flag: Flag) => string;
  closeChat: string;
  /** Alert settings, missed flags, the tab title badge. */
  alerts: AlertStrings;
  /** Announced politely to screen readers and used as the desktop notification title. */
  announceRaised: (flag: Flag) => string;
  announceEscalated: (flag: Flag) => string;
  /** Announced instead of each one when more than three flags are raised or escalate between two renders. */
  announceMany: (count: number) => string;
  offline: string;
  /** The mark of a flag a rule raised by itself. */
  automatic: string;
  showContext: string;
  hideContext: string;
  /** A row's shared conversation, once expanded. */
  context: ContextStrings;
  /** A group of similar flags: how many, and the words they share. */
  groupTitle: (count: number, label: string) => string;
  showGroup: (count: number) => string;
  hideGroup: string;
  replyAll: string;
  replyAllLabel: (count: number) => string;
  sendToAll: (count: number) => string;
  cancelReply: string;
  acknowledgeAll: (count: number) => string;
  lowerAll: (count: number) => string;
  /** Announced when a group action is done: on how many of the flags it worked. */
  announceEach: (action: 'acknowledge' | 'lower' | 'send-message', done: number, of: number) => string;
  /** The row's button that opens the hand-off dialog, and the dialog's words. */
  handOff: string;
  handoffTitle: (flag: Flag) => string;
  handoffTo: string;
  backToQueue: string;
  handoffLoading: string;
  noColleagues: string;
  handoffNote: string;
  handoffSubmit: string;
  handoffCancel: string;
  /** A row offered to the viewer: by whom; Accept / Decline follow. */
  handoffOfferedToYou: (from: string) => string;
  /** A row on its way to another supervisor. */
  handoffOfferedTo: (to: string) => string;
  acceptTransfer: string;
  declineTransfer: string;
  /** The mark of a flag a supervisor opened with the agent (a check-in). */
  checkIn: string;
  /** Announced: a hand-off offered to the viewer; the viewer's offer declined; a flag back in the team queue. */
  announceHandoffOffered: (flag: Flag, from: string) => string;
  announceDeclined: (flag: Flag, by: string) => string;
  announceBackInQueue: (flag: Flag) => string;
  /** Announced to the supervisor who acknowledged the flag (to every one while nobody has): the agent asked them to join; the agent lowered it. */
  announceJoinRequested: (flag: Flag) => string;
  announceLoweredByAgent: (flag: Flag) => string;
  /** Offer routing: the row's state line while the flag is offered to this supervisor, with the seconds left. */
  offeredToYou: (seconds: number) => string;
  /** Offer routing: the row's state line while the flag is offered to someone else. */
  offeredTo: (name: string, seconds: number) => string;
  /** Announced once (not every second) when a flag is offered to this supervisor. */
  announceOffered: (flag: Flag, seconds: number) => string;
  /** The label of the supervisor's own status selector, and its choices. */
  status: string;
  statuses: Record<SupervisorStatus, string>;
}

export const defaultRaisedFlagsWidgetStrings: RaisedFlagsWidgetStrings = {
  title: 'Raised flags',
  count: (count) => (count === 1 ? '1 open flag' : `${count} open flags`),
  empty: 'No raised flags. When an agent raises one it shows here at once, urgent first, to acknowledge, chat about, join or lower.',
  listLabel: 'Open flags, urgent first, then longest waiting',
  teamFilter: 'Team',
  channelFilter: 'Channel',
  allTeams: 'All teams',
  allChannels: 'All channels',
  channels: {
    voice: 'Voice',
    'enhanced-messaging': 'Messaging',
    'enhanced-chat': 'Chat',
    'legacy-chat': 'Legacy chat',
  },
  urgent: 'Urgent',
  escalated: 'Escalated',
  acknowledgedBy: (name, formatted) => `Acknowledged by ${name} · ${formatted}`,
  joinRequested: 'Join requested',
  joined: (name, formatted) => `${name} joined · ${formatted}`,
  reason: (reason) => `Reason: ${reason}`,
  waiting: (formatted) => `Waiting ${formatted}`,
  unread: (count) => `${count} unread`,
  acknowledge: 'Acknowledge',
  openChat: 'Open chat',
  join: 'Join',
  decline: 'Decline',
  lower: 'Lower',
  chatTitle: (flag) => `Chat with ${flag.agent.name}`,
  closeChat: 'Close chat',
  alerts: defaultAlertStrings,
  announceRaised: (flag) =>
    `${flag.severity === 'urgent' ? 'Urgent flag' : 'New flag'} from ${flag.agent.name}: ${flag.message}`,
  announceEscalated: (flag) => `Flag from ${flag.agent.name} escalated`,
  announceMany: (count) => `${count} new or escalated flags`,
  offline: 'Offline: reconnecting…',
  automatic: 'Automatic',
  showContext: 'Show conversation',
  hideContext: 'Hide conversation',
  context: defaultContextStrings,
  groupTitle: (count, label) => `${count} similar flags — ${label}`,
  showGroup: (count) => `Show the ${count} flags`,
  hideGroup: 'Hide the flags',
  replyAll: 'Reply to all',
  replyAllLabel: (count) => `Message to the ${count} agents (one on each flag)`,
  sendToAll: (count) => `Send to ${count}`,
  cancelReply: 'Cancel',
  acknowledgeAll: (count) => `Acknowledge all ${count}`,
  lowerAll: (count) => `Lower all ${count}`,
  announceEach: (action, done, of) =>
    `${action === 'acknowledge' ? 'Acknowledged' : action === 'lower' ? 'Lowered' : 'Reply sent on'} ${done} of ${of} flags`,
  handOff: 'Hand off',
  handoffTitle: (flag) => `Hand off ${flag.agent.name}'s flag`,
  handoffTo: 'To',
  backToQueue: 'Back to the team queue',
  handoffLoading: 'Finding who is online…',
  noColleagues: 'No other supervisor of this team is online.',
  handoffNote: 'Note (optional)',
  handoffSubmit: 'Hand off',
  handoffCancel: 'Cancel',
  handoffOfferedToYou: (from) => `Offered to you by ${from}`,
  handoffOfferedTo: (to) => `Offered to ${to}`,
  acceptTransfer: 'Accept',
  declineTransfer: 'Decline hand-off',
  checkIn: 'Check-in',
  announceHandoffOffered: (flag, from) => `${from} offers you the flag from ${flag.agent.name}`,
  announceDeclined: (flag, by) => `${by} declined the flag from ${flag.agent.name}: it stays with you`,
  announceBackInQueue: (flag) => `The flag from ${flag.agent.name} is back in the team queue`,
  announceJoinRequested: (flag) => `${flag.agent.name} asks you to join the conversation`,
  announceLoweredByAgent: (flag) => `${flag.agent.name} lowered their flag`,
  offeredToYou: (seconds) => `Offered to you — ${seconds} s`,
  offeredTo: (name, seconds) => `Offered to ${name} — ${seconds} s`,
  announceOffered: (flag, seconds) => `Flag from ${flag.agent.name} offered to you for ${seconds} seconds: ${flag.message}`,
  status: 'My status',
  statuses: { available: 'Available', busy: 'Busy', away: 'Away' },
};
