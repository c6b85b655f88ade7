import { isOpen, type Flag } from '../model.js';

/**
 * A supervisor's alert settings: how an unanswered flag keeps reaching them. Personal (one
 * document per supervisor); every field has a default (`DEFAULT_ALERT_SETTINGS`).
 */
export interface AlertSettings {
  /** How long after its last alert a flag nobody answered alerts again. */
  repeatMs: number;
  /** How many times a flag alerts again after the first (0: never repeats). */
  maxRepeats: number;
  /** Play the sound (where the host offers it). */
  sound: boolean;
  /** Show a desktop notification (where the host offers it and the browser allows it). */
  desktop: boolean;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = Object.freeze({ repeatMs: 30_000, maxRepeats: 5, sound: true, desktop: true });

/** The bounds a setting is held to: no alert storm, no silence by typo. */
export const ALERT_SETTINGS_LIMITS = Object.freeze({ minRepeatMs: 5_000, maxRepeatMs: 30 * 60_000, maxRepeats: 20 });

/**
 * Settings from any source (an attribute, local storage, the relay): known fields of the right
 * type, numbers held to `ALERT_SETTINGS_LIMITS`, the default for anything else.
 */
export function resolveAlertSettings(...inputs: (Partial<AlertSettings> | undefined)[]): AlertSettings {
  const out = { ...DEFAULT_ALERT_SETTINGS };
  const { minRepeatMs, maxRepeatMs, maxRepeats } = ALERT_SETTINGS_LIMITS;
  for (const input of inputs) {
    if (!input || typeof input !== 'object') continue;
    if (isNumber(input.repeatMs)) out.repeatMs = clamp(Math.round(input.repeatMs), minRepeatMs, maxRepeatMs);
    if (isNumber(input.maxRepeats)) out.maxRepeats = clamp(Math.floor(input.maxRepeats), 0, maxRepeats);
    if (typeof input.sound === 'boolean') out.sound = input.sound;
    if (typeof input.desktop === 'boolean') out.desktop = input.desktop;
  }
  return out;
}

/** Whether a flag waits for a supervisor's answer: open and nobody acknowledged it. */
export function awaitsAnswer(flag: Flag, meId?: string): boolean {
  // Offered by offer routing to someone else: theirs to answer for now, not this supervisor's.
  return isOpen(flag) && !flag.acknowledgedBy && (!flag.offer || flag.offer.to.id === meId);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
