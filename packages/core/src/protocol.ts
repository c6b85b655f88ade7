/**
 * The wire protocol (version 1): typed frames, validated with valibot at every boundary.
 * A frame that does not validate is answered with `invalid-frame` and never changes state.
 */
import * as v from 'valibot';
import { FlagError } from './errors.js';
import { AcceptedSchema, CommandSchema, ConfigSchema, Count, ErrorSchema, EventSchema, Id, MAX_FRAME_LENGTH, OutcomeSchema, ParticipantSchema, PresenceSchema, ServiceRefSchema, Text } from './schemas.js';
import { CHANNELS, SEVERITIES } from './model.js';
import { HistoryQuerySchema } from './history.js';
import { SettingDocumentSchema, SettingSaveSchema } from './settings/schemas.js';

export const PROTOCOL_VERSION = 1;
export { MAX_FRAME_LENGTH };
/**
 * Largest frame a client accepts from its source of truth. Far above MAX_FRAME_LENGTH because a
 * snapshot or history frame carries every event a supervisor may see (10,000 open flags ≈ 3 MB).
 */
export const MAX_SERVER_FRAME_LENGTH = 64 * 1024 * 1024;

const Resume = v.strictObject({ epoch: Id, pos: Count });
/** Most documents in one settings frame: every team's and the participant's own (256 teams × 2 keys, and a margin). */
const MAX_SETTINGS_DOCS = 1024;
const V = { v: v.literal(PROTOCOL_VERSION) };

/**
 * The schemas other boundaries reuse (the relay's service API and its OpenAPI document), so a
 * command, an event or an error has one definition on every wire.
 */
export const schemas = {
  Id,
  Text,
  Channel: v.picklist(CHANNELS),
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
  v.strictObject({ ...V, t: v.literal('lowered'), rid: Id, query: HistoryQuerySchema }),
  v.strictObject({ ...V, t: v.literal('refresh'), token: v.pipe(v.string(), v.maxLength(8192)) }),
  /** The settings documents this participant may read (answered with a `settings` frame). */
  v.strictObject({ ...V, t: v.literal('settings'), rid: Id }),
  /** Save one setting (compare-and-set on `save.version`); answered with the stored document or an error. */
  v.strictObject({ ...V, t: v.literal('save-settings'), rid: Id, save: SettingSaveSchema }),
]);

const ServerFrameSchema = v.variant('t', [
  v.strictObject({ ...V, t: v.literal('welcome'), me: ParticipantSchema, epoch: Id, pos: Count, resumed: v.boolean(), config: v.optional(ConfigSchema) }),
  v.strictObject({ ...V, t: v.literal('event'), pos: Count, event: EventSchema }),
  v.strictObject({ ...V, t: v.literal('result'), id: Id, outcome: OutcomeSchema }),
  v.strictObject({ ...V, t: v.literal('history'), rid: Id, events: v.array(EventSchema) }),
  v.strictObject({ ...V, t: v.literal('lowered'), rid: Id, flags: v.array(v.array(EventSchema)), next: v.nullable(v.string()) }),
  v.strictObject({ ...V, t: v.literal('snapshot'), rid: Id, snapshot: v.strictObject({ epoch: Id, pos: Count, events: v.array(EventSchema) }) }),
  v.strictObject({ ...V, t: v.literal('error'), rid: v.optional(Id), error: ErrorSchema }),
  v.strictObject({ ...V, t: v.literal('bye'), reason: Text, reconnectInMs: Count }),
  /** Presence as this participant may see it: sent after the welcome and on each change. */
  v.strictObject({ ...V, t: v.literal('presence'), presence: PresenceSchema }),
  /** Settings documents: with `rid`, the answer to a request or save; without, another session saved them. */
  v.strictObject({ ...V, t: v.literal('settings'), rid: v.optional(Id), docs: v.pipe(v.array(SettingDocumentSchema), v.maxLength(MAX_SETTINGS_DOCS)) }),
]);

/** Frames a client sends (the schema's output: one source for the type and the check). */
export type ClientFrame = v.InferOutput<typeof ClientFrameSchema>;

/** Frames a source of truth sends. */
export type ServerFrame = v.InferOutput<typeof ServerFrameSchema>;

/**
 * A foreign version as shown in an error: a primitive as (at most 40 characters of) JSON, a
 * structure by its kind only — stringifying a hostile one could overflow the stack or echo 64 KB.
 */
function shownVersion(version: unknown): string {
  if (typeof version === 'object' && version !== null) return Array.isArray(version) ? 'an array' : 'an object';
  return JSON.stringify(version).slice(0, 40);
}

function decode<S extends v.GenericSchema>(schema: S, raw: unknown, maxLength: number): v.InferOutput<S> {
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
  return result.output;
}

export function decodeClientFrame(raw: unknown): ClientFrame {
  return decode(ClientFrameSchema, raw, MAX_FRAME_LENGTH);
}

export function decodeServerFrame(raw: unknown): ServerFrame {
  return decode(ServerFrameSchema, raw, MAX_SERVER_FRAME_LENGTH);
}

/** Distributes over the frame union so object literals keep their discriminant. */
type WithoutV<T> = T extends unknown ? Omit<T, 'v'> : never;
/** A server frame as code builds it, before `encodeFrame` adds the version. */
export type OutgoingServerFrame = WithoutV<ServerFrame>;

export function encodeFrame(frame: WithoutV<ClientFrame> | OutgoingServerFrame): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, ...frame });
}
