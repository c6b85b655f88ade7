/**
 * The service API's request and response bodies as valibot schemas: requests are validated
 * with them, the OpenAPI document is generated from them, and the tests check responses
 * against them. Ids, events, errors and outcomes are core's protocol schemas, so a flag event
 * has one definition on the WebSocket and on HTTP.
 */
import * as v from 'valibot';
import { CHANNELS, ERROR_CODES, EVENT_TYPES, SEVERITIES, schemas } from '@flagline/core';
import { FlagContextSchema, RuleRefSchema } from '@flagline/core/automation';

const { Id, Text, Participant, ServiceRef, Event, Error: ErrorSchema, Accepted } = schemas;
const Name = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const Count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
const Ref = v.strictObject({ id: Id, name: Text, role: v.picklist(['agent', 'supervisor']) });
const Teams = v.pipe(v.array(Id), v.minLength(1), v.maxLength(256));

/** An agent as the host's directory knows them: the relay has no directory of its own. */
export const Agent = v.strictObject({ id: Id, name: Name, teams: Teams });

export const RaiseBody = v.strictObject({
  agent: Agent,
  interactionId: Id,
  channel: v.picklist(CHANNELS),
  message: Text,
  customerLabel: v.optional(Text),
  reason: v.optional(Text),
  severity: v.optional(v.picklist(SEVERITIES)),
  team: v.optional(Id),
  /** The customer conversation the host shares with the supervisor (last turns, summary). */
  context: v.optional(FlagContextSchema),
  /** The host's own rule that raised it (e.g. keyword spotting on the call): shown as automatic. */
  automatic: v.optional(RuleRefSchema),
});

export const LowerBody = v.strictObject({ as: Participant, reason: v.optional(Text) });
export const AssignBody = v.strictObject({ agent: Agent, team: v.optional(Id) });
/** The largest time a JS Date can hold (ms since the epoch, ±100,000,000 days): `until` must be formattable. */
export const MAX_DATE_MS = 8.64e15;
export const DisconnectBody = v.strictObject({
  until: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_DATE_MS, `until must be a time in ms since the epoch, at most ${MAX_DATE_MS} (the largest date)`)),
});

export const ErrorBody = v.strictObject({ error: ErrorSchema });
/** A command answers 200 only when accepted; a refused one is an error response. */
export const CommandResult = v.strictObject({ outcome: Accepted });
export const AssignResult = v.strictObject({ interactionId: Id, agentId: Id, outcome: Accepted });

export const Flag = v.strictObject({
  id: Id,
  interactionId: Id,
  channel: v.picklist(CHANNELS),
  customerLabel: Text,
  team: Id,
  agent: Ref,
  raisedVia: v.optional(ServiceRef),
  message: Text,
  reason: v.optional(Text),
  severity: v.picklist(SEVERITIES),
  status: v.picklist(['raised', 'acknowledged', 'lowered']),
  raisedAt: Count,
  acknowledgedBy: v.optional(Ref),
  acknowledgedAt: v.optional(Count),
  escalation: v.picklist([0, 1, 2]),
  escalatedAt: v.optional(Count),
  join: v.picklist(['none', 'requested', 'accepted', 'declined', 'cancelled']),
  joinBy: v.optional(Ref),
  joinAt: v.optional(Count),
  lowered: v.optional(
    v.strictObject({ by: Ref, at: Count, reason: v.optional(Text), cause: v.picklist(['agent', 'supervisor', 'interaction-ended']) }),
  ),
  seq: Count,
});

export const FlagResult = v.strictObject({ flag: Flag });

/** Pages: `next` is the cursor for the following page, null on the last one. */
const next = v.nullable(v.string());
export const FlagPage = v.strictObject({ flags: v.array(Flag), next });
export const EventPage = v.strictObject({ events: v.array(Event), next });
export const TranscriptEntry = v.strictObject({
  id: v.string(),
  interactionId: Id,
  flagId: Id,
  seq: Count,
  at: Count,
  type: v.picklist(EVENT_TYPES),
  actor: Ref,
  text: v.string(),
});
export const TranscriptPage = v.strictObject({ entries: v.array(TranscriptEntry), next });
export const AuditRecord = v.strictObject({
  id: Count,
  at: Count,
  serviceId: Id,
  operation: v.string(),
  target: v.nullable(v.string()),
  idempotencyKey: v.nullable(v.string()),
  status: Count,
  code: v.nullable(v.picklist(ERROR_CODES)),
});
export const AuditPage = v.strictObject({ records: v.array(AuditRecord), next });
export const DeleteResult = v.strictObject({ interactionId: Id, flagsDeleted: Count, eventsDeleted: Count });
export const DisconnectResult = v.strictObject({ participantId: Id, until: Count, connectionsClosed: Count });

export const ReplayBody = v.strictObject({ from: Count, to: Count });
export const ReplayResult = v.strictObject({ queued: Count });
export const WebhookEndpoints = v.strictObject({
  endpoints: v.array(
    v.strictObject({
      id: Id,
      url: v.string(),
      queued: Count,
      paused: v.nullable(v.strictObject({ at: Count, reason: v.string() })),
      delivered: Count,
      failed: Count,
      retried: Count,
    }),
  ),
});
