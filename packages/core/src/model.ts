/** The Flagline domain model: plain data, shared by clients, transports and the relay. */

export const ROLES = ['agent', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

export const CHANNELS = ['voice', 'enhanced-messaging', 'enhanced-chat', 'legacy-chat'] as const;
export type Channel = (typeof CHANNELS)[number];

export const SEVERITIES = ['normal', 'urgent'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Someone using Flagline. Identity always comes from authentication, never from a payload. */
export interface Participant {
  id: string;
  name: string;
  role: Role;
  /** Teams the participant belongs to (an agent's first team is where its flags go by default). */
  teams: string[];
}

/**
 * A host backend (CRM, routing engine, softphone) that acted through the relay's service API,
 * authenticated by a service token. Recorded on the events it caused as `via`.
 */
export interface ServiceRef {
  id: string;
  name: string;
}

/** The part of a participant recorded on events: who did it. */
export interface ParticipantRef {
  id: string;
  name: string;
  role: Role;
}

export type FlagStatus = 'raised' | 'acknowledged' | 'lowered';
export type JoinStatus = 'none' | 'requested' | 'accepted' | 'declined' | 'cancelled';
/** 0: the flag's team; 1: the second tier; 2: every supervisor. */
export type EscalationLevel = 0 | 1 | 2;
export type LowerCause = 'agent' | 'supervisor' | 'interaction-ended';

export interface Lowering {
  by: ParticipantRef;
  at: number;
  reason?: string;
  cause: LowerCause;
}

/** A flag as every participant who can see it sees it: the result of reducing its events. */
export interface Flag {
  id: string;
  interactionId: string;
  channel: Channel;
  customerLabel: string;
  team: string;
  /** The agent the flag belongs to: who raised it, or whom its interaction was transferred to. */
  agent: ParticipantRef;
  /** The service that raised it on the agent's behalf, if one did. */
  raisedVia?: ServiceRef;
  message: string;
  reason?: string;
  severity: Severity;
  status: FlagStatus;
  raisedAt: number;
  acknowledgedBy?: ParticipantRef;
  acknowledgedAt?: number;
  escalation: EscalationLevel;
  escalatedAt?: number;
  join: JoinStatus;
  joinBy?: ParticipantRef;
  joinAt?: number;
  lowered?: Lowering;
  /** Sequence number of the last event applied. */
  seq: number;
}

interface EventBase {
  flagId: string;
  /** Per-flag sequence number, 1 for `raised`, strictly increasing by one. */
  seq: number;
  /** Milliseconds since the epoch, stamped by the source of truth. */
  at: number;
  /** Who caused it; the system (escalation timer) acts as `{ id: 'system', role: 'supervisor' }`. */
  actor: ParticipantRef;
  /** The service that sent the command on the actor's behalf (service API), if any. */
  via?: ServiceRef;
}

export interface RaisedEvent extends EventBase {
  type: 'raised';
  interactionId: string;
  channel: Channel;
  customerLabel: string;
  team: string;
  message: string;
  reason?: string;
  severity: Severity;
}
export interface AcknowledgedEvent extends EventBase {
  type: 'acknowledged';
}
export interface EscalatedEvent extends EventBase {
  type: 'escalated';
  level: 1 | 2;
}
export interface LoweredEvent extends EventBase {
  type: 'lowered';
  cause: LowerCause;
  reason?: string;
}
export interface JoinEvent extends EventBase {
  type: 'join-requested' | 'join-accepted' | 'join-declined' | 'join-cancelled';
  reason?: string;
}
/** The host transferred the flag's interaction to another agent: the flag moves with it. */
export interface AssignedEvent extends EventBase {
  type: 'assigned';
  /** The agent it belonged to until now. */
  from: ParticipantRef;
  agent: ParticipantRef;
  team: string;
}
export interface MessageEvent extends EventBase {
  type: 'message';
  text: string;
  /** The id of the command that sent it: lets a sender match its optimistic copy. */
  clientId: string;
}

export type FlagEvent =
  | RaisedEvent
  | AcknowledgedEvent
  | EscalatedEvent
  | LoweredEvent
  | JoinEvent
  | AssignedEvent
  | MessageEvent;
export type FlagEventType = FlagEvent['type'];

/** An event with its position in the source of truth's log (used to resume). */
export interface PositionedEvent {
  pos: number;
  event: FlagEvent;
}

/** Where a client stands in the source of truth's log. */
export interface ResumePoint {
  epoch: string;
  pos: number;
}

/** Everything a client needs to rebuild its view when it cannot resume. */
export interface Snapshot extends ResumePoint {
  /** Every event of every flag the participant may see that is open or recently lowered, in order per flag. */
  events: FlagEvent[];
}

export const SYSTEM_ACTOR: ParticipantRef = Object.freeze({
  id: 'system',
  name: 'Flagline',
  role: 'supervisor',
});

export function refOf(p: Participant | ParticipantRef): ParticipantRef {
  return { id: p.id, name: p.name, role: p.role };
}

export function isOpen(flag: Flag): boolean {
  return flag.status !== 'lowered';
}

/** Service metrics derivable from a flag: how long until someone acknowledged it, and until it was lowered. */
export function flagMetrics(flag: Flag): { timeToAcknowledgeMs?: number; timeToLowerMs?: number } {
  return {
    ...(flag.acknowledgedAt !== undefined ? { timeToAcknowledgeMs: flag.acknowledgedAt - flag.raisedAt } : {}),
    ...(flag.lowered ? { timeToLowerMs: flag.lowered.at - flag.raisedAt } : {}),
  };
}
