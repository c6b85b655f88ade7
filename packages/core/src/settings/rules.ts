/**
 * Who may read and write which settings, and what a value may hold: checked by the client before
 * sending and by the source of truth (the Authority's settings hub) before storing.
 */
import * as v from 'valibot';
import { FlagError } from '../errors.js';
import type { Participant } from '../model.js';
import { MAX_SETTING_LENGTH, SCOPE_KEYS, type SettingKey, type SettingValue } from './keys.js';
import { SETTING_SCHEMAS, type SettingsScope } from './schemas.js';

/** The storage key of a scope's documents: `team:<team>` or `person:<participant id>`. */
export function settingsOwner(p: Participant, scope: SettingsScope): string {
  return scope.kind === 'team' ? `team:${scope.team}` : `person:${p.id}`;
}

/** Every owner whose documents a participant reads: their teams' and their own. */
export function readableOwners(p: Participant): string[] {
  return [...p.teams.map((team) => `team:${team}`), `person:${p.id}`];
}

/** The team an agent's raise goes to when it names none (the state machine's default too): whose quick reasons the composer offers. */
export function defaultRaiseTeam(p: Participant): string | undefined {
  return p.teams[0];
}

/** A member of the team (any role) reads its documents; everyone reads their own. */
export function checkSettingsRead(p: Participant, scope: SettingsScope): FlagError | null {
  if (scope.kind === 'team' && !p.teams.includes(scope.team))
    return new FlagError('not-allowed', `Only members of team ${scope.team} can read its settings.`);
  return null;
}

/** A team's supervisors write its documents; everyone writes their own; each kind holds only its keys. */
export function checkSettingsWrite(p: Participant, scope: SettingsScope, key: SettingKey): FlagError | null {
  if (!(SCOPE_KEYS[scope.kind] as readonly string[]).includes(key))
    return new FlagError('invalid-input', `${scope.kind === 'team' ? 'Team' : 'Personal'} settings have no ${key} (they hold ${SCOPE_KEYS[scope.kind].join(', ')}).`);
  if (scope.kind === 'personal') return null;
  if (p.role !== 'supervisor') return new FlagError('not-allowed', `Only a supervisor can change team settings (you are an agent).`);
  if (!p.teams.includes(scope.team)) return new FlagError('not-allowed', `Only supervisors of team ${scope.team} can change its settings.`);
  return null;
}

/** A value checked against its key's schema and size: the parsed (trimmed) value, or `too-long` / `invalid-input`. */
export function validateSetting<K extends SettingKey>(key: K, value: unknown): SettingValue<K> | FlagError {
  const parsed = v.safeParse(SETTING_SCHEMAS[key], value);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    const at = `${key}${path ? `.${path}` : ''}`;
    const code = issue.type === 'max_length' || issue.type === 'max_value' ? 'too-long' : 'invalid-input';
    return new FlagError(code, `Invalid ${at}: ${issue.message}`, { key, path });
  }
  const length = JSON.stringify(parsed.output).length;
  if (length > MAX_SETTING_LENGTH)
    return new FlagError('too-long', `${key} is ${length} characters of JSON; the limit is ${MAX_SETTING_LENGTH}.`, { key, limit: MAX_SETTING_LENGTH });
  return parsed.output as SettingValue<K>;
}
