/**
 * `--settings-seed FILE`: team settings a deployment starts with (the demo's canned replies and
 * quick reasons), validated at start with core's settings rules and written only where a team
 * has no document of that key yet — supervisors' edits always win.
 *
 * ```json
 * { "billing": { "quickReasons": ["Refund above my limit"], "cannedReplies": [{ "id": "hold", "title": "Hold", "text": "Hi {agent}…" }] } }
 * ```
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { FlagError, SCOPE_KEYS, schemas, validateSetting, type TeamSettingKey } from '@flagline/core';
import type { SettingsHub } from '@flagline/core/authority';

const FileSchema = v.record(schemas.Id, v.record(v.picklist(SCOPE_KEYS.team), v.unknown()));

export interface SeedEntry {
  team: string;
  key: TeamSettingKey;
  value: unknown;
}

/** Read and check the file; throws with what is wrong (the relay refuses to start). */
export function loadSettingsSeed(file: string): SeedEntry[] {
  const parsed = v.safeParse(FileSchema, JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.issues[0].message} at ${parsed.issues[0].path?.map((p) => String(p.key)).join('.') ?? ''}`);
  const entries = Object.entries(parsed.output).flatMap(([team, docs]) => Object.entries(docs).map(([key, value]) => ({ team, key: key as TeamSettingKey, value })));
  for (const { team, key, value } of entries) {
    const checked = validateSetting(key, value);
    if (checked instanceof FlagError) throw new Error(`${file}: ${team}: ${checked.message}`);
  }
  return entries;
}

/** Write each seed document a team does not have yet; resolves with how many were written and kept. */
export async function applySettingsSeed(hub: SettingsHub, entries: readonly SeedEntry[]): Promise<{ written: number; kept: number }> {
  let written = 0;
  for (const { team, key, value } of entries) if (await hub.seed(team, key, value)) written++;
  return { written, kept: entries.length - written };
}
