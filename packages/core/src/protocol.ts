/**
 * The wire protocol (version 1): typed frames, validated with valibot at every boundary.
 * A frame that does not validate is answered with `invalid-frame` and never changes state.
 */
import * as v from 'valibot';
import type { Outcome } from './commands.js';
import { ERROR_CODES, FlagError } from './errors.js';
import { CHANNELS, ROLES, SEVERITIES } from './model.js';
import type { FlagEvent, Participant, ResumePoint, Snapshot } from './model.js';
import type { Command } from './commands.js';

export const PROTOCOL_VERSION = 1;
/** Largest frame accepted, in UTF-16 code units of its JSON text (the relay also caps bytes). */
export const MAX_FRAME_LENGTH = 64 * 1024;
/**
 * Largest frame a client accepts from its source of truth. Far above MAX_FRAME_LENGTH because a
 * snapshot or history frame carries every event a supervisor may see (10,000 open flags ≈ 3 MB).
 */
export const MAX_SERVER_FRAME_LENGTH = 64 * 1024 * 1024;

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(128), v.regex(/^[\w.:@-]+$/, 'ids use letters, digits and _ . : @ -'));
const Text = v.pipe(v.string(), v.maxLength(MAX_FRAME_LENGTH));
const Count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
const Seq = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER));

const Channel = v.picklist(CHANNELS);
const Role = v.picklist(ROLES);
const Ref = v.strictObject({ id: Id, name: Text, role: Role });
const ParticipantSchema = v.strictObject({ id: Id, name: Text, role: Role, teams: v.pipe(v.array(Id), v.maxLength(256)) });

const CommandSchema = v.variant('type', [
  v.strictObject({
    type: v.literal('raise'),
    interactionId: Id,
    channel: Channel,
    customerLabel: v.optional(Text),
    message: Text,
    reason: v.optional(Text),
    severity: v.optional(v.picklist(SEVERITIES)),
    team: v.optional(Id),
  }),
  v.strictObject({ type: v.picklist(['acknowledge', 'request-join', 'accept-join', 'cancel-join']), flagId: Id }),
  v.strictObject({ type: v.picklist(['lower', 'decline-join']), flagId: Id, reason: v.optional(Text) }),
  v.strictObject({ type: v.literal('send-message'), flagId: Id, text: Text }),
  v.strictObject({ type: v.literal('end-interaction'), interactionId: Id }),
]);

const ServiceRefSchema = v.strictObject({ id: Id, name: Text });
const base = { flagId: Id, seq: Seq, at: Count, actor: Ref, via: v.optional(ServiceRefSchema) };
const EventSchema = v.variant('type', [
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
  }),
  v.strictObject({ ...base, type: v.literal('acknowledged') }),
  v.strictObject({ ...base, type: v.literal('escalated'), level: v.picklist([1, 2]) }),
  v.strictObject({ ...base, type: v.literal('lowered'), cause: v.picklist(['agent', 'supervisor', 'interaction-ended']), reason: v.optional(Text) }),
  v.strictObject({ ...base, type: v.picklist(['join-requested', 'join-accepted', 'join-declined', 'join-cancelled']), reason: v.optional(Text) }),
  v.strictObject({ ...base, type: v.literal('assigned'), from: Ref, agent: Ref, team: Id }),
  v.strictObject({ ...base, type: v.literal('message'), text: Text, clientId: Id }),
]);

/** How deep error details may nest: deeper values would overflow the stack of whoever stringifies them. */
const MAX_DETAILS_DEPTH = 8;
function depthWithin(value: unknown, budget: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return budget > 0 && Object.values(value).every((child) => depthWithin(child, budget - 1));
}
const ErrorSchema = v.strictObject({
  code: v.picklist(ERROR_CODES),
  message: Text,
  details: v.optional(v.pipe(v.record(v.string(), v.unknown()), v.check((d) => depthWithin(d, MAX_DETAILS_DEPTH), `error details nest at most ${MAX_DETAILS_DEPTH} levels`))),
});
const AcceptedSchema = v.strictObject({ ok: v.literal(true), flagId: v.nullable(Id), seq: Count, changed: v.boolean(), note: v.optional(Text) });
const OutcomeSchema = v.union([AcceptedSchema, v.strictObject({ ok: v.literal(false), error: ErrorSchema })]);
const Resume = v.strictObject({ epoch: Id, pos: Count });
const V = { v: v.literal(PROTOCOL_VERSION) };

/**
 * The schemas other boundaries reuse (the relay's service API and its OpenAPI document), so a
 * command, an event or an error has one definition on every wire.
 */
export const schemas = {
  Id,
  Text,
  Channel,
  Severity: v.picklist(SEVERITIES),
  Participant: ParticipantSchema,
  ServiceRef: ServiceRefSchema,
  Event: EventSchema,
  Error: ErrorSchema,
  Outcome: OutcomeSchema,
  /** An outcome with `ok: true`: the command was accepted. */
  Accepted: AcceptedSchema,
} as const;

const ClientFrameSchema = v.variant('t', [
  v.strictObject({ ...V, t: v.literal('hello'), token: v.optional(v.pipe(v.string(), v.maxLength(8192))), resume: v.nullable(Resume) }),
  v.strictObject({ ...V, t: v.literal('cmd'), id: Id, cmd: CommandSchema }),
  v.strictObject({ ...V, t: v.literal('history'), rid: Id, flagId: Id, afterSeq: Count }),
  v.strictObject({ ...V, t: v.literal('snapshot'), rid: Id }),
  v.strictObject({ ...V, t: v.literal('refresh'), token: v.pipe(v.string(), v.maxLength(8192)) }),
]);

const ServerFrameSchema = v.variant('t', [
  v.strictObject({ ...V, t: v.literal('welcome'), me: ParticipantSchema, epoch: Id, pos: Count, resumed: v.boolean() }),
  v.strictObject({ ...V, t: v.literal('event'), pos: Count, event: EventSchema }),
  v.strictObject({ ...V, t: v.literal('result'), id: Id, outcome: OutcomeSchema }),
  v.strictObject({ ...V, t: v.literal('history'), rid: Id, events: v.array(EventSchema) }),
  v.strictObject({ ...V, t: v.literal('snapshot'), rid: Id, snapshot: v.strictObject({ epoch: Id, pos: Count, events: v.array(EventSchema) }) }),
  v.strictObject({ ...V, t: v.literal('error'), rid: v.optional(Id), error: ErrorSchema }),
  v.strictObject({ ...V, t: v.literal('bye'), reason: Text, reconnectInMs: Count }),
]);

/** Frames a client sends. */
export type ClientFrame =
  | { v: 1; t: 'hello'; token?: string; resume: ResumePoint | null }
  | { v: 1; t: 'cmd'; id: string; cmd: Command }
  | { v: 1; t: 'history'; rid: string; flagId: string; afterSeq: number }
  | { v: 1; t: 'snapshot'; rid: string }
  | { v: 1; t: 'refresh'; token: string };

/** Frames a source of truth sends. */
export type ServerFrame =
  | { v: 1; t: 'welcome'; me: Participant; epoch: string; pos: number; resumed: boolean }
  | { v: 1; t: 'event'; pos: number; event: FlagEvent }
  | { v: 1; t: 'result'; id: string; outcome: Outcome }
  | { v: 1; t: 'history'; rid: string; events: FlagEvent[] }
  | { v: 1; t: 'snapshot'; rid: string; snapshot: Snapshot }
  | { v: 1; t: 'error'; rid?: string; error: import('./errors.js').FlagErrorData }
  | { v: 1; t: 'bye'; reason: string; reconnectInMs: number };

/**
 * A foreign version as shown in an error: a primitive as (at most 40 characters of) JSON, a
 * structure by its kind only — stringifying a hostile one could overflow the stack or echo 64 KB.
 */
function shownVersion(version: unknown): string {
  if (typeof version === 'object' && version !== null) return Array.isArray(version) ? 'an array' : 'an object';
  return JSON.stringify(version).slice(0, 40);
}

function decode<T>(schema: v.GenericSchema<unknown, unknown>, raw: unknown, maxLength: number): T {
  if (typeof raw !== 'string') throw new FlagError('invalid-frame', 'A frame must be JSON text.');
  if (raw.length > maxLength)
    throw new FlagError('invalid-frame', `Frame of ${raw.length} characters exceeds the ${maxLength} limit.`);
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new FlagError('invalid-frame', 'Frame is not valid JSON.');
  }
  if (typeof data === 'object' && data !== null && 'v' in data && data.v !== PROTOCOL_VERSION)
    throw new FlagError('invalid-frame', `Unsupported protocol version ${shownVersion(data.v)}; this side speaks ${PROTOCOL_VERSION}.`);
  const result = v.safeParse(schema, data);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new FlagError('invalid-frame', `Invalid frame${path ? ` at ${path}` : ''}: ${issue.message}`);
  }
  return result.output as T;
}

export function decodeClientFrame(raw: unknown): ClientFrame {
  return decode<ClientFrame>(ClientFrameSchema, raw, MAX_FRAME_LENGTH);
}

export function decodeServerFrame(raw: unknown): ServerFrame {
  return decode<ServerFrame>(ServerFrameSchema, raw, MAX_SERVER_FRAME_LENGTH);
}

/** Distributes over the frame union so object literals keep their discriminant. */
type WithoutV<T> = T extends unknown ? Omit<T, 'v'> : never;

export function encodeFrame(frame: WithoutV<ClientFrame> | WithoutV<ServerFrame>): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, ...frame });
}
