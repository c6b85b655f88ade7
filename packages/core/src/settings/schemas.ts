/**
 * Settings: small JSON documents the source of truth keeps for a team (edited by its
 * supervisors, read by its members) or for one person (only they read or write it). Each key has
 * one valibot schema here; the protocol, the Authority's settings hub, the client and the relay's
 * stores all check against these.
 */
import * as v from 'valibot';
import { Count, Id, RefSchema } from '../schemas.js';
import { ALERT_SETTINGS_LIMITS, type AlertSettings } from '../alerts/settings.js';
import { SETTING_KEYS, SETTINGS_LIMITS, type SettingKey } from './keys.js';

export * from './keys.js';

const Line = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max));

export const CannedReplySchema = v.strictObject({
  id: Id,
  title: Line(SETTINGS_LIMITS.replyTitle),
  /** May hold placeholders: {agent}, {customer}, {supervisor} (see fillPlaceholders). */
  text: Line(SETTINGS_LIMITS.replyText),
});
export type CannedReply = v.InferOutput<typeof CannedReplySchema>;

const CannedRepliesSchema = v.pipe(
  v.array(CannedReplySchema),
  v.maxLength(SETTINGS_LIMITS.cannedReplies),
  v.check((list) => new Set(list.map((r) => r.id)).size === list.length, 'reply ids must be unique'),
);
const QuickReasonsSchema = v.pipe(v.array(Line(SETTINGS_LIMITS.quickReason)), v.maxLength(SETTINGS_LIMITS.quickReasons));

/** How a supervisor's wallboard keeps alerting about an unanswered flag (the type, defaults and bounds: alerts/settings.ts). */
export const AlertSettingsSchema = v.strictObject({
  /** Time between repeated alerts. */
  repeatMs: v.pipe(v.number(), v.integer(), v.minValue(ALERT_SETTINGS_LIMITS.minRepeatMs), v.maxValue(ALERT_SETTINGS_LIMITS.maxRepeatMs)),
  /** Repeats after the first alert; 0 alerts once. */
  maxRepeats: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(ALERT_SETTINGS_LIMITS.maxRepeats)),
  sound: v.boolean(),
  desktop: v.boolean(),
}) satisfies v.GenericSchema<AlertSettings>;

/** Each key's value schema. */
export const SETTING_SCHEMAS = {
  cannedReplies: CannedRepliesSchema,
  quickReasons: QuickReasonsSchema,
  alerts: AlertSettingsSchema,
} as const satisfies Record<SettingKey, v.GenericSchema>;

/** A team's documents, or the authenticated participant's own (never anybody else's). */
export const SettingsScopeSchema = v.variant('kind', [v.strictObject({ kind: v.literal('team'), team: Id }), v.strictObject({ kind: v.literal('personal') })]);
export type SettingsScope = v.InferOutput<typeof SettingsScopeSchema>;

const Version = v.pipe(Count, v.minValue(1));
const documentOf = <K extends SettingKey>(key: K) =>
  v.strictObject({
    scope: SettingsScopeSchema,
    key: v.literal(key),
    value: SETTING_SCHEMAS[key],
    /** 1 for the first save, one more for each save after it. */
    version: Version,
    updatedAt: Count,
    updatedBy: RefSchema,
  });

/** A stored setting as the source of truth sends it. */
export const SettingDocumentSchema = v.variant('key', [documentOf('cannedReplies'), documentOf('quickReasons'), documentOf('alerts')]);
export type SettingDocument = v.InferOutput<typeof SettingDocumentSchema>;

/**
 * A save request. `version` is the version the writer's edit started from (0: none saved yet):
 * compare-and-set, so an edit based on an older version is refused with `conflict`, never
 * silently overwrites. `value` is checked by the settings rules (to answer `too-long` or
 * `invalid-input` rather than reject the frame); `id` makes a resent save idempotent.
 */
export const SettingSaveSchema = v.strictObject({
  id: Id,
  scope: SettingsScopeSchema,
  key: v.picklist(SETTING_KEYS),
  value: v.unknown(),
  version: Count,
});
export type SettingSave = v.InferOutput<typeof SettingSaveSchema>;
