/**
 * The valibot schemas of what crosses a boundary: participants, commands, events, outcomes and
 * errors. They are the one source of these types: model.ts, commands.ts and errors.ts derive
 * theirs with `InferOutput`, and protocol.ts builds its frames from them, so a type and the
 * check of it can never drift apart.
 */
import * as v from 'valibot';
import { RuleRefSchema, FlagContextSchema } from './context.js';
import { ERROR_CODES } from './errors.js';
import { MAX_FRAME_LENGTH } from './wire/frames.js';
import { CHANNELS, ROLES, SEVERITIES, SUPERVISOR_STATUSES } from './model.js';


export const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(128), v.regex(/^[\w.:@-]+$/, 'ids use letters, digits and _ . : @ -'));
export const Text = v.pipe(v.string(), v.maxLength(MAX_FRAME_LENGTH));
export const Count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
const Seq = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER));

const Channel = v.picklist(CHANNELS);
const Role = v.picklist(ROLES);
export const RefSchema = v.strictObject({ id: Id, name: Text, role: Role });
export const ParticipantSchema = v.strictObject({
  id: Id,
  name: Text,
  role: Role,
  /** Teams the participant belongs to (an agent's first team is where its flags go by default). */
  teams: v.pipe(v.array(Id), v.maxLength(256)),
});

/**
 * What conversation automation adds to a raise (issue 16), carried unchanged onto its `raised`
 * event and the Flag: the context the agent agreed to share, and the rule that raised the flag by
 * itself (`automatic`) or suggested it to the agent, who accepted (`suggested`). All optional:
 * everything works without them.
 */
const AutomationFields = {
  context: v.optional(FlagContextSchema),
  automatic: v.optional(RuleRefSchema),
  suggested: v.optional(RuleRefSchema),
};

export const CommandSchema = v.variant('type', [
  v.strictObject({
    type: v.literal('raise'),
    interactionId: Id,
    channel: Channel,
    customerLabel: v.optional(Text),
    message: Text,
    reason: v.optional(Text),
    severity: v.optional(v.picklist(SEVERITIES)),
    /** One of the agent's teams; defaults to the first. */
    team: v.optional(Id),
    ...AutomationFields,
  }),
  v.strictObject({ type: v.picklist(['acknowledge', 'request-join', 'accept-join', 'cancel-join']), flagId: Id }),
  v.strictObject({ type: v.picklist(['lower', 'decline-join']), flagId: Id, reason: v.optional(Text) }),
  v.strictObject({ type: v.literal('send-message'), flagId: Id, text: Text }),
  v.strictObject({ type: v.literal('end-interaction'), interactionId: Id }),
  /** Hand a flag off (issue 15): to a supervisor, who must accept, or back to the team queue (`to` absent). */
  v.strictObject({ type: v.literal('transfer'), flagId: Id, to: v.optional(Id), note: v.optional(Text) }),
  v.strictObject({ type: v.literal('accept-transfer'), flagId: Id }),
  v.strictObject({ type: v.literal('decline-transfer'), flagId: Id, reason: v.optional(Text) }),
  /**
   * A supervisor opens a private conversation with an agent on one of the agent's interactions,
   * with no flag raised (a check-in): it becomes a flag the supervisor already helps on.
   */
  v.strictObject({
    type: v.literal('check-in'),
    agentId: Id,
    interactionId: Id,
    channel: Channel,
    customerLabel: v.optional(Text),
    message: Text,
    /** A team of both the supervisor and the agent; defaults to the supervisor's first team the agent is in. */
    team: v.optional(Id),
  }),
  /** A supervisor sets their own presence status (offer routing skips busy and away). */
  v.strictObject({ type: v.literal('set-status'), status: v.picklist(SUPERVISOR_STATUSES) }),
]);

/**
 * A host backend (CRM, routing engine, softphone) that acted through the relay's service API,
 * authenticated by a service token. Recorded on the events it caused as `via`.
 */
export const ServiceRefSchema = v.strictObject({ id: Id, name: Text });

const base = {
  flagId: Id,
  /** Per-flag sequence number, 1 for `raised`, strictly increasing by one. */
  seq: Seq,
  /** Milliseconds since the epoch, stamped by the source of truth. */
  at: Count,
  /** Who caused it; the system (escalation timer) acts as `{ id: 'system', role: 'supervisor' }`. */
  actor: RefSchema,
  /** The service that sent the command on the actor's behalf (service API), if any. */
  via: v.optional(ServiceRefSchema),
};
export const EventSchema = v.variant('type', [
  v.strictObject({
    ...base,
    type: v.literal('raised'),
    interactionId: Id,
    channel: Channel,
    customerLabel: Text,
    team: Id,
    message: Text,
    reason: v.optional(Text),
    severity: v.picklist(SEVERITIES),
    ...AutomationFields,
    /** Set on a check-in: the agent it is with (the actor is the supervisor who opened it). */
    agent: v.optional(RefSchema),
  }),
  v.strictObject({ ...base, type: v.literal('acknowledged') }),
  /** The helping supervisor offered the flag to another (`to`), who must accept within `transferTimeoutMs`. */
  v.strictObject({ ...base, type: v.literal('transfer-offered'), to: RefSchema, note: v.optional(Text) }),
  v.strictObject({ ...base, type: v.literal('transfer-accepted') }),
  v.strictObject({ ...base, type: v.literal('transfer-declined'), reason: v.optional(Text) }),
  /** The offer was not accepted in time (by the system): the flag went back to its team's queue. */
  v.strictObject({ ...base, type: v.literal('transfer-expired') }),
  /** The helping supervisor handed the flag back to its team's queue. */
  v.strictObject({ ...base, type: v.literal('handed-back'), note: v.optional(Text) }),
  v.strictObject({ ...base, type: v.literal('escalated'), level: v.picklist([1, 2]) }),
  v.strictObject({ ...base, type: v.literal('lowered'), cause: v.picklist(['agent', 'supervisor', 'interaction-ended']), reason: v.optional(Text) }),
  v.strictObject({ ...base, type: v.picklist(['join-requested', 'join-accepted', 'join-declined', 'join-cancelled']), reason: v.optional(Text) }),
  /** The host transferred the flag's interaction to another agent (`from`): the flag moves with it. */
  v.strictObject({ ...base, type: v.literal('assigned'), from: RefSchema, agent: RefSchema, team: Id }),
  /** Offer routing: the flag is offered to one supervisor, who alone may acknowledge it until `until`. */
  v.strictObject({ ...base, type: v.literal('offered'), to: RefSchema, until: Count }),
  /** Offer routing ran out of supervisors to offer it to: from now on the whole team may take it. */
  v.strictObject({ ...base, type: v.literal('offer-ended') }),
  v.strictObject({
    ...base,
    type: v.literal('message'),
    text: Text,
    /** The id of the command that sent it: lets a sender match its optimistic copy. */
    clientId: Id,
  }),
]);

/** How deep error details may nest: deeper values would overflow the stack of whoever stringifies them. */
const MAX_DETAILS_DEPTH = 8;
function depthWithin(value: unknown, budget: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return budget > 0 && Object.values(value).every((child) => depthWithin(child, budget - 1));
}
export const ErrorSchema = v.strictObject({
  code: v.picklist(ERROR_CODES),
  message: Text,
  details: v.optional(v.pipe(v.record(v.string(), v.unknown()), v.check((d) => depthWithin(d, MAX_DETAILS_DEPTH), `error details nest at most ${MAX_DETAILS_DEPTH} levels`))),
});
/** What a participant may learn of presence: per team of theirs, supervisors online and available; a supervisor's own status. */
export const PresenceSchema = v.strictObject({
  status: v.optional(v.picklist(SUPERVISOR_STATUSES)),
  available: v.pipe(v.record(Id, Count), v.check((r) => Object.keys(r).length <= 256, 'at most 256 teams')),
});

/** One team's offer routing (core's TeamRouting); validated by `resolveConfig` too. */
export const TeamRoutingSchema = v.strictObject({
  mode: v.literal('offer'),
  offerMs: v.pipe(Count, v.minValue(1_000)),
  maxPerSupervisor: v.pipe(Count, v.minValue(1)),
  /** Supervisor id → the reasons they take; a supervisor not listed takes any reason. */
  skills: v.optional(v.pipe(v.record(Id, v.pipe(v.array(Text), v.maxLength(64))), v.check((s) => Object.keys(s).length <= 1024, 'at most 1024 supervisors with skills'))),
});

/** The source of truth's rule configuration, as its welcome tells every client (core's FlagConfig). */
export const ConfigSchema = v.strictObject({
  legacyChatEnabled: v.boolean(),
  fallbackMode: v.boolean(),
  requireAssignment: v.boolean(),
  escalation: v.strictObject({ afterMs: Count, secondTierTeams: v.pipe(v.array(Id), v.maxLength(256)) }),
  limits: v.strictObject({ messageLength: Count, reasonLength: Count, labelLength: Count }),
  recentMs: Count,
  transferTimeoutMs: Count,
  routing: v.pipe(v.record(Id, TeamRoutingSchema), v.check((r) => Object.keys(r).length <= 256, 'at most 256 routed teams')),
});

/** An outcome with `ok: true`: the command was accepted. */
export const AcceptedSchema = v.strictObject({ ok: v.literal(true), flagId: v.nullable(Id), seq: Count, changed: v.boolean(), note: v.optional(Text) });
export const OutcomeSchema = v.union([AcceptedSchema, v.strictObject({ ok: v.literal(false), error: ErrorSchema })]);
