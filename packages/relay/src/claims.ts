/**
 * From a verified token's claims to a Participant. Real identity providers do not issue
 * `role` and `teams` in Flagline's shape, so where each comes from is configurable:
 *
 * - `id`: a claim holding the participant id (default `sub`);
 * - `name`: claims tried in order for the display name (default `name`);
 * - `role`: a claim holding a string or an array of strings (e.g. `groups`, `roles`,
 *   `realm_access.roles`); the participant is a supervisor if any value is one of
 *   `supervisorValues`, else an agent if any is one of `agentValues`, else refused;
 * - `teams`: a claim holding an array of strings (or one string); with `teamPrefix`, only the
 *   values that start with it count, with the prefix removed (e.g. `flagline-team-billing` →
 *   `billing`, Keycloak's `/flagline/billing` → `billing`).
 *
 * A claim name is looked up as it is first (namespaced claims such as
 * `https://example.com/roles` contain dots), then as a dotted path into nested objects.
 */
import type { JWTPayload } from 'jose';
import { FlagError, type Participant } from '@flagline/core';

export interface ClaimMapping {
  id: string;
  name: string[];
  role: string;
  supervisorValues: string[];
  agentValues: string[];
  teams: string;
  teamPrefix: string;
}

export const DEFAULT_CLAIMS: ClaimMapping = {
  id: 'sub',
  name: ['name'],
  role: 'role',
  supervisorValues: ['supervisor'],
  agentValues: ['agent'],
  teams: 'teams',
  teamPrefix: '',
};

const ID = /^[\w.:@-]{1,128}$/;
const MAX_TEAMS = 256;

export function claim(payload: JWTPayload, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const strings = (value: unknown): string[] | null =>
  typeof value === 'string' ? [value] : Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : null;

export function mapClaims(payload: JWTPayload, mapping: ClaimMapping): Participant {
  const bad = (what: string, why: string) => new FlagError('unauthenticated', `Token claim ${what} ${why}.`, { reason: 'ERR_CLAIMS', claim: what });

  const id = claim(payload, mapping.id);
  if (typeof id !== 'string' || !ID.test(id)) throw bad(mapping.id, 'is missing or is not a participant id ([\\w.:@-], 1–128 characters)');

  const name = mapping.name.map((n) => claim(payload, n)).find((v) => typeof v === 'string' && v.trim().length > 0);
  if (typeof name !== 'string' || name.length > 200) throw bad(mapping.name.join(' | '), 'is missing or longer than 200 characters');

  const roles = strings(claim(payload, mapping.role));
  if (!roles) throw bad(mapping.role, 'is missing or not a string or a list of strings');
  const role = roles.some((r) => mapping.supervisorValues.includes(r)) ? 'supervisor' : roles.some((r) => mapping.agentValues.includes(r)) ? 'agent' : null;
  if (!role) throw bad(mapping.role, `names neither a supervisor (${mapping.supervisorValues.join(', ')}) nor an agent (${mapping.agentValues.join(', ')})`);

  const rawTeams = claim(payload, mapping.teams);
  const listed = rawTeams === undefined && mapping.teamPrefix ? [] : strings(rawTeams);
  if (!listed) throw bad(mapping.teams, 'is missing or not a list of strings');
  const teams = [...new Set(mapping.teamPrefix ? listed.filter((t) => t.startsWith(mapping.teamPrefix)).map((t) => t.slice(mapping.teamPrefix.length)) : listed)];
  if (teams.length > MAX_TEAMS) throw bad(mapping.teams, `lists more than ${MAX_TEAMS} teams`);
  const invalid = teams.find((t) => !ID.test(t));
  if (invalid !== undefined) throw bad(mapping.teams, `holds ${JSON.stringify(invalid.slice(0, 40))}, which is not a team id ([\\w.:@-], 1–128 characters)`);

  return { id, name, role, teams };
}
