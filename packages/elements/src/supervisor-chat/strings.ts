import type { Flag, FlagEvent } from '@flagline/core';
import { describeEvent } from '@flagline/core/view';
import { defaultContextStrings, type ContextStrings } from '../internal/context-strings.js';
import { defaultCannedStrings, type CannedStrings } from './canned-strings.js';

/** Every visible or announced string of <supervisor-chat>, English by default. */
export interface SupervisorChatStrings {
  /** The log's accessible name: whose chat it is, as the reader sees it (the flag's agent or someone else). */
  logLabel: (flag: Flag | undefined, readerIsAgent: boolean) => string;
  /** A flag event shown as a system line (default: the transcript's wording). */
  systemLine: (event: FlagEvent) => string;
  sending: string;
  sent: string;
  failed: (message: string) => string;
  retry: string;
  discard: string;
  newMessages: (count: number) => string;
  messageLabel: string;
  send: string;
  counter: (length: number, max: number) => string;
  readOnly: (flag: Flag) => string;
  unknownFlag: string;
  noFlag: string;
  offline: string;
  /** The shared conversation pinned at the top. */
  context: ContextStrings;
  /** Quick replies (supervisors): the picker and its editor. */
  canned: CannedStrings;
}

export const defaultSupervisorChatStrings: SupervisorChatStrings = {
  logLabel: (flag, readerIsAgent) =>
    !flag ? 'Private chat' : readerIsAgent ? 'Private chat with the supervisor' : `Private chat with ${flag.agent.name}`,
  systemLine: (event) => describeEvent(event),
  sending: 'Sending…',
  sent: 'Sent',
  failed: (message) => `Not sent: ${message}`,
  retry: 'Retry',
  discard: 'Discard',
  newMessages: (count) => (count === 1 ? '1 new message' : `${count} new messages`),
  messageLabel: 'Message',
  send: 'Send',
  counter: (length, max) => `${length} / ${max}`,
  readOnly: (flag) =>
    flag.lowered?.cause === 'interaction-ended'
      ? 'The interaction ended and its flag was lowered: this conversation is read-only.'
      : `${flag.lowered?.by.name ?? 'Someone'} lowered the flag: this conversation is read-only.`,
  unknownFlag: 'This flag is not available.',
  noFlag: 'No conversation selected.',
  offline: 'Offline: messages will be sent when the connection returns.',
  context: defaultContextStrings,
  canned: defaultCannedStrings,
};
