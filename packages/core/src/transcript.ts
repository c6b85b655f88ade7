/**
 * Transcript entries: every flag event and private message, in order, with a stable id so a
 * retried append is harmless. The host provides a TranscriptSink (e.g. writes into its CRM).
 */
import type { FlagContext } from './context.js';
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
  /**
   * Readable plain text, e.g. `Ann Agent raised a flag (urgent): "caller is angry"` (`describeEvent`):
   * one line, but a raise that shares the conversation adds it on the lines after (`describeContext`).
   */
  text: string;
}

export interface TranscriptSink {
  /** Append one entry. Rejecting makes the client retry the same entry later (in order). */
  append(entry: TranscriptEntry): void | Promise<void>;
}

/**
 * What a person typed or is called, as a part of a line: on one line (a line break shows as ` ¶ `,
 * so a message cannot start a line that reads like someone else's), without the invisible bidi
 * embeddings, overrides and isolates (U+202A–202E, U+2066–2069: a right-to-left override would
 * reverse the words after it, the product's included). Text in any script reads the same.
 */
export function userText(text: string): string {
  return text.replace(/[\u202a-\u202e\u2066-\u2069]/g, '').replace(/\s*(?:\r\n|[\n\r\v\f\u0085\u2028\u2029])\s*/g, ' ¶ ');
}

/** One readable line for an event; one sent by a service on someone's behalf says which service. */
export function describeEvent(event: FlagEvent): string {
  const line = describeAction(event);
  return event.via ? `${line} (via ${userText(event.via.name)})` : line;
}

function describeAction(event: FlagEvent): string {
  const who = userText(event.actor.name);
  switch (event.type) {
    case 'raised': {
      if (event.agent) return `${who} opened a check-in with ${userText(event.agent.name)}: "${userText(event.message)}"`;
      const auto = event.automatic
        ? ` (raised automatically by the rule "${userText(event.automatic.ruleName)}")`
        : event.suggested
          ? ` (suggested by the rule "${userText(event.suggested.ruleName)}")`
          : '';
      return `${who} raised a flag${event.severity === 'urgent' ? ' (urgent)' : ''}${event.reason ? ` [${userText(event.reason)}]` : ''}: "${userText(event.message)}"${auto}`;
    }
    case 'acknowledged':
      return `${who} acknowledged the flag`;
    case 'escalated':
      return event.level === 1 ? 'The flag escalated to the second tier' : 'The flag escalated to all supervisors';
    case 'lowered':
      return event.cause === 'interaction-ended'
        ? 'The flag was lowered because the interaction ended'
        : `${who} lowered the flag${event.reason ? `: ${userText(event.reason)}` : ''}`;
    case 'join-requested':
      return `${who} asked the supervisor to join`;
    case 'join-accepted':
      return `${who} joined the conversation`;
    case 'join-declined':
      return `${who} declined to join${event.reason ? `: ${userText(event.reason)}` : ''}`;
    case 'join-cancelled':
      return `${who} cancelled the join request`;
    case 'assigned':
      return `The interaction was transferred from ${userText(event.from.name)} to ${userText(event.agent.name)}`;
    case 'transfer-offered':
      return `${who} offered the flag to ${userText(event.to.name)}${note(event.note)}`;
    case 'transfer-accepted':
      return `${who} took over the flag`;
    case 'transfer-declined':
      return `${who} declined the hand-off${event.reason ? `: ${userText(event.reason)}` : ''}`;
    case 'transfer-expired':
      return 'The hand-off was not accepted in time: the flag went back to the team queue';
    case 'handed-back':
      return `${who} handed the flag back to the team queue${note(event.note)}`;
    case 'offered':
      return `The flag was offered to ${userText(event.to.name)}`;
    case 'offer-ended':
      return 'The flag was offered to the whole team';
    case 'message':
      return `${who}: ${userText(event.text)}`;
  }
}

function note(text: string | undefined): string {
  return text ? ` (note: "${userText(text)}")` : '';
}

/** A shared context as transcript lines: `Summary: …`, then `Customer: …` / `Agent: …` per turn. */
export function describeContext(context: FlagContext): string {
  const lines = context.summary.length > 0 ? [`Summary: ${userText(context.summary.join(' '))}`] : [];
  for (const turn of context.turns) lines.push(`${turn.from === 'customer' ? 'Customer' : 'Agent'}: ${userText(turn.text)}`);
  return lines.join('\n');
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
    // The shared conversation is part of the one raise entry, on the lines after it.
    text: event.type === 'raised' && event.context ? `${describeEvent(event)}\n${describeContext(event.context)}` : describeEvent(event),
  };
}
