/**
 * Settings: small JSON documents the source of truth keeps for a team (edited by its
 * supervisors, read by its members) or for one person (only they read or write it). Each key has
 * one valibot schema here; the protocol, the Authority's settings hub, the client and the relay's
 * stores all check against these.
 */
import * as v from 'valibot';
import { Count, Id, RefSchema } from '../schemas.js';
import { ALERT_SETTINGS_LIMITS, DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../alerts/settings.js';

/** Bounds of every setting value (a document is also at most MAX_SETTING_LENGTH characters of JSON). */
export const SETTINGS_LIMITS = {
  cannedReplies: 50,
  replyTitle: 60,
  replyText: 500,
  quickReasons: 20,
  quickReason: 80,
} as const;

/** Largest setting value, in characters of its JSON text. */
export const MAX_SETTING_LENGTH = 32 * 1024;

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
} as const;
export type SettingKey = keyof typeof SETTING_SCHEMAS;
export type SettingValue<K extends SettingKey> = v.InferOutput<(typeof SETTING_SCHEMAS)[K]>;
export const SETTING_KEYS = Object.keys(SETTING_SCHEMAS) as SettingKey[];

/** Which keys each kind of document holds. */
export const SCOPE_KEYS = {
  team: ['cannedReplies', 'quickReasons'],
  personal: ['cannedReplies', 'alerts'],
} as const satisfies Record<SettingsScope['kind'], readonly SettingKey[]>;
export type TeamSettingKey = (typeof SCOPE_KEYS.team)[number];
export type PersonalSettingKey = (typeof SCOPE_KEYS.personal)[number];

/** The value a key has before anyone saved it (version 0). */
export const SETTING_DEFAULTS: { [K in SettingKey]: SettingValue<K> } = {
  cannedReplies: [],
  quickReasons: [],
  alerts: DEFAULT_ALERT_SETTINGS,
};

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
