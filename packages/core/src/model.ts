/**
 * The Flagline domain model: plain data, shared by clients, transports and the relay. What
 * crosses a boundary (participants, events) is typed by its schema in schemas.ts.
 */
import type { InferOutput } from 'valibot';
import type { RuleRef, FlagContext } from './context.js';
import type { EventSchema, ParticipantSchema, PresenceSchema, RefSchema, ServiceRefSchema } from './schemas.js';

export const ROLES = ['agent', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

export const CHANNELS = ['voice', 'enhanced-messaging', 'enhanced-chat', 'legacy-chat'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A supervisor's own presence status: offer routing offers flags only to `available` ones who are online. */
export const SUPERVISOR_STATUSES = ['available', 'busy', 'away'] as const;
export type SupervisorStatus = (typeof SUPERVISOR_STATUSES)[number];

export const SEVERITIES = ['normal', 'urgent'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Someone using Flagline (`id`, `name`, `role`, `teams`). Identity always comes from authentication, never from a payload. */
export type Participant = InferOutput<typeof ParticipantSchema>;

/**
 * A host backend (CRM, routing engine, softphone) that acted through the relay's service API,
 * authenticated by a service token. Recorded on the events it caused as `via`.
 */
export type ServiceRef = InferOutput<typeof ServiceRefSchema>;

/** Presence as one participant may see it: supervisors online and available per team of theirs, and a supervisor's own status. */
export type PresenceView = InferOutput<typeof PresenceSchema>;

/** The part of a participant recorded on events: who did it. */
export type ParticipantRef = InferOutput<typeof RefSchema>;

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

/** A hand-off waiting for its receiver: it expires `transferTimeoutMs` after `at`. */
export interface Transfer {
  from: ParticipantRef;
  to: ParticipantRef;
  at: number;
  note?: string;
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
  /** The conversation the agent shared when raising it: last turns and a summary. */
  context?: FlagContext;
  /** Set when a rule raised it by itself (`auto-raise`): which rule. */
  automatic?: RuleRef;
  /** Set when the agent raised it from a rule's suggestion: which rule. */
  suggested?: RuleRef;
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
  /** Set on a check-in (a flag a supervisor opened with the agent): that supervisor. */
  checkInBy?: ParticipantRef;
  /** A pending hand-off: who offered it to whom, when, with what note. */
  transfer?: Transfer;
  /** When it last went back to its team's queue (handed back or an offer expired): escalation counts from then. */
  queuedAt?: number;
  /** Offer routing: the pending offer (only `to` may acknowledge until `until`). */
  offer?: { to: ParticipantRef; until: number };
  /** Offer routing: who it was offered to so far, in order (each is offered a flag once). */
  offeredTo?: string[];
  /** Offer routing: when the offers ended and the whole team could take it (the escalation clock starts here). */
  teamSince?: number;
  /** Sequence number of the last event applied. */
  seq: number;
}

/**
 * One event of a flag: `flagId`, `seq` (per flag, from 1), `at` (stamped by the source of
 * truth), `actor`, `type` and the type's fields.
 */
export type FlagEvent = InferOutput<typeof EventSchema>;
export type RaisedEvent = Extract<FlagEvent, { type: 'raised' }>;
export type AcknowledgedEvent = Extract<FlagEvent, { type: 'acknowledged' }>;
export type EscalatedEvent = Extract<FlagEvent, { type: 'escalated' }>;
export type LoweredEvent = Extract<FlagEvent, { type: 'lowered' }>;
export type JoinEvent = Extract<FlagEvent, { type: `join-${string}` }>;
export type MessageEvent = Extract<FlagEvent, { type: 'message' }>;
export type AssignedEvent = Extract<FlagEvent, { type: 'assigned' }>;
export type TransferEvent = Extract<FlagEvent, { type: `transfer-${string}` | 'handed-back' }>;
export type OfferedEvent = Extract<FlagEvent, { type: 'offered' }>;
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

/**
 * Whether the participant's flags would reach nobody now: presence is known and no supervisor
 * of `team` (default: their first team, where a raise goes) is online and available.
 */
export function noSupervisorAvailable(presence: PresenceView | null, me: Participant, team = me.teams[0]): boolean {
  return presence !== null && team !== undefined && presence.available[team] === 0;
}
