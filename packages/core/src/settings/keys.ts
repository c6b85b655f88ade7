/**
 * The settings' keys, bounds and defaults, without their schemas (schemas.ts): what a client
 * needs to read and offer settings, so it carries no schema library.
 */
import { DEFAULT_ALERT_SETTINGS } from '../alerts/settings.js';
import type { SETTING_SCHEMAS, SettingsScope } from './schemas.js';
import type { InferOutput } from 'valibot';

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

export const SETTING_KEYS = ['cannedReplies', 'quickReasons', 'alerts'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];
export type SettingValue<K extends SettingKey> = InferOutput<(typeof SETTING_SCHEMAS)[K]>;

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
