/**
 * Transcript entries: every flag event and private message, in order, with a stable id so a
 * retried append is harmless. The host provides a TranscriptSink (e.g. writes into its CRM).
 */
import type { FlagEvent, ParticipantRef } from './model.js';

export interface TranscriptEntry {
  /** `${flagId}:${seq}`: stable; a sink should treat a repeated id as already written. */
  id: string;
  interactionId: string;
  flagId: string;
  seq: number;
  at: number;
  type: FlagEvent['type'];
  actor: ParticipantRef;
  /** One readable line, e.g. `Ann Agent raised a flag (urgent): "caller is angry"`. Plain text. */
  text: string;
}

export interface TranscriptSink {
  /** Append one entry. Rejecting makes the client retry the same entry later (in order). */
  append(entry: TranscriptEntry): void | Promise<void>;
}

/** One readable line for an event; one sent by a service on someone's behalf says which service. */
export function describeEvent(event: FlagEvent): string {
  const line = describeAction(event);
  return event.via ? `${line} (via ${event.via.name})` : line;
}

function describeAction(event: FlagEvent): string {
  const who = event.actor.name;
  switch (event.type) {
    case 'raised':
      return `${who} raised a flag${event.severity === 'urgent' ? ' (urgent)' : ''}${event.reason ? ` [${event.reason}]` : ''}: "${event.message}"`;
    case 'acknowledged':
      return `${who} acknowledged the flag`;
    case 'escalated':
      return event.level === 1 ? 'The flag escalated to the second tier' : 'The flag escalated to all supervisors';
    case 'lowered':
      return event.cause === 'interaction-ended'
        ? 'The flag was lowered because the interaction ended'
        : `${who} lowered the flag${event.reason ? `: ${event.reason}` : ''}`;
    case 'join-requested':
      return `${who} asked the supervisor to join`;
    case 'join-accepted':
      return `${who} joined the conversation`;
    case 'join-declined':
      return `${who} declined to join${event.reason ? `: ${event.reason}` : ''}`;
    case 'join-cancelled':
      return `${who} cancelled the join request`;
    case 'assigned':
      return `The interaction was transferred from ${event.from.name} to ${event.agent.name}`;
    case 'message':
      return `${who}: ${event.text}`;
  }
}

export function toTranscriptEntry(event: FlagEvent, interactionId: string): TranscriptEntry {
  return {
    id: `${event.flagId}:${event.seq}`,
    interactionId,
    flagId: event.flagId,
    seq: event.seq,
    at: event.at,
    type: event.type,
    actor: event.actor,
    text: describeEvent(event),
  };
}
