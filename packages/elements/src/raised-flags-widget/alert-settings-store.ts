/**
 * This browser's copy of a supervisor's alert settings (localStorage, one entry per supervisor):
 * what applies where the source of truth keeps no settings (a transport without them), and until
 * it answered. Where it keeps them, its `alerts` document wins (see WidgetAlerts.settings).
 */
import type { AlertSettings } from '@flagline/core';
import { FlagError, resolveAlertSettings } from '@flagline/core/view';

const key = (supervisorId: string) => `flagline-alert-settings:${supervisorId}`;

/** What the supervisor chose, or nothing when they never chose (or the entry is unreadable). */
export function loadAlertSettings(supervisorId: string): Partial<AlertSettings> | undefined {
  const saved = localStorage.getItem(key(supervisorId));
  if (saved === null) return undefined;
  try {
    const parsed = JSON.parse(saved) as Partial<AlertSettings>;
    // Only the fields that hold up: a damaged or older entry still keeps what it can.
    const valid = resolveAlertSettings(parsed);
    return Object.fromEntries(Object.keys(valid).filter((k) => k in (parsed ?? {})).map((k) => [k, valid[k as keyof AlertSettings]]));
  } catch {
    // Not JSON (written by something else): the same as never chosen; the next save replaces it.
    return undefined;
  }
}

/** Throws a FlagError when the browser refuses (storage full or disabled). */
export function saveAlertSettings(supervisorId: string, chosen: Partial<AlertSettings>): void {
  try {
    localStorage.setItem(key(supervisorId), JSON.stringify(chosen));
  } catch (error) {
    throw new FlagError('unavailable', `The alert settings could not be saved in this browser (${String(error)}); they hold until the page closes.`);
  }
}
