/**
 * The wire protocol (version 1): typed frames, checked at every boundary — in full with valibot
 * where a source of truth accepts them, by shape where a client reads them (decodeServerFrame).
 * A frame that does not validate is answered with `invalid-frame` and never changes state.
 */
import * as v from 'valibot';
import { AcceptedSchema, CommandSchema, ConfigSchema, Count, ErrorSchema, EventSchema, Id, OutcomeSchema, ParticipantSchema, PresenceSchema, ServiceRefSchema, Text } from './schemas.js';
import { CHANNELS, SEVERITIES } from './model.js';
import { HistoryQuerySchema } from './history.js';
import { SettingDocumentSchema, SettingSaveSchema } from './settings/schemas.js';
import { invalidFrame, MAX_FRAME_LENGTH, parseFrame, PROTOCOL_VERSION } from './wire/frames.js';

export { decodeServerFrame, encodeFrame, MAX_FRAME_LENGTH, MAX_SERVER_FRAME_LENGTH, PROTOCOL_VERSION, requestIdOf, type OutgoingServerFrame } from './wire/frames.js';

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

/** Exported for the generated client-side shape (wire/shape-source.ts) and the tests. */
export const ServerFrameSchema = v.variant('t', [
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

/** What a source of truth accepts from a client: every field checked, lengths and formats included. */
export function decodeClientFrame(raw: unknown): ClientFrame {
  const result = v.safeParse(ClientFrameSchema, parseFrame(raw, MAX_FRAME_LENGTH));
  if (!result.success) throw invalidFrame(result.issues[0].path?.map((p) => String(p.key)) ?? [], result.issues[0].message);
  return result.output;
}

