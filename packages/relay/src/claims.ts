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
 * - `tenant` (multi-tenant relays only): a claim holding the contact center the token belongs
 *   to (see tenants.ts); empty = one tenant, `DEFAULT_TENANT`, for every token.
 *
 * - service tokens (the service API, never the WebSocket): the role claim holds one of
 *   `serviceValues`; `scopes` names the claim with the granted scopes (OAuth's space-separated
 *   `scope` string, or a list such as `scp`).
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
  serviceValues: string[];
  scopes: string;
  /** Claim naming the tenant; '' = a single-tenant relay. */
  tenant: string;
}

export const DEFAULT_CLAIMS: ClaimMapping = {
  id: 'sub',
  name: ['name'],
  role: 'role',
  supervisorValues: ['supervisor'],
  agentValues: ['agent'],
  teams: 'teams',
  teamPrefix: '',
  serviceValues: ['service'],
  scopes: 'scope',
  tenant: '',
};

/** The tenant of every token on a single-tenant relay (no tenant claim configured). */
export const DEFAULT_TENANT = 'default';
/** Tenant ids name files and Redis keys: lower-case letters, digits and dashes only. */
export const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The token's tenant: DEFAULT_TENANT without a tenant claim configured, else the claim's value. */
export function mapTenant(payload: JWTPayload, mapping: ClaimMapping): string {
  if (!mapping.tenant) return DEFAULT_TENANT;
  const tenant = claim(payload, mapping.tenant);
  if (typeof tenant !== 'string' || !TENANT_ID.test(tenant)) throw bad(mapping.tenant, 'is missing or is not a tenant id ([a-z0-9-], 1–63 characters, not starting with a dash)');
  return tenant;
}

/** What a service token grants on the service API. */
export const SCOPES = ['flags:read', 'flags:write', 'transcripts:read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** A host backend, from a verified service token. */
export interface ServiceIdentity {
  id: string;
  name: string;
  scopes: Scope[];
  /** The tenant whose flags, transcripts and webhooks the token reaches (and no other). */
  tenant: string;
}

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

/** Control characters (line breaks included), line and paragraph separators, bidi embeddings, overrides and isolates. */
const NAME_UNSAFE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const bad = (what: string, why: string) => new FlagError('unauthenticated', `Token claim ${what} ${why}.`, { reason: 'ERR_CLAIMS', claim: what });
const isService = (payload: JWTPayload, mapping: ClaimMapping) => strings(claim(payload, mapping.role))?.some((r) => mapping.serviceValues.includes(r)) === true;

export function mapClaims(payload: JWTPayload, mapping: ClaimMapping): Participant {
  if (isService(payload, mapping))
    throw new FlagError('unauthenticated', 'A service token is for the service API (/api/v1), not for participants.', { reason: 'ERR_SERVICE_TOKEN' });

  const id = claim(payload, mapping.id);
  if (typeof id !== 'string' || !ID.test(id)) throw bad(mapping.id, 'is missing or is not a participant id ([\\w.:@-], 1–128 characters)');

  const name = mapping.name.map((n) => claim(payload, n)).find((v) => typeof v === 'string' && v.trim().length > 0);
  if (typeof name !== 'string' || name.length > 200) throw bad(mapping.name.join(' | '), 'is missing or longer than 200 characters');
  // Shown to others on one line: no line breaks or other control characters, no bidi embeddings or overrides.
  if (NAME_UNSAFE.test(name)) throw bad(mapping.name.join(' | '), 'has control characters or bidi overrides');

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

/** A service token's identity and scopes; a participant's token (or any other) is refused. */
export function mapService(payload: JWTPayload, mapping: ClaimMapping): ServiceIdentity {
  if (!isService(payload, mapping))
    throw new FlagError('unauthenticated', `The service API needs a service token (claim ${mapping.role}: ${mapping.serviceValues.join(' | ')}).`, { reason: 'ERR_NOT_SERVICE' });
  const id = claim(payload, mapping.id);
  if (typeof id !== 'string' || !ID.test(id)) throw bad(mapping.id, 'is missing or is not a service id ([\\w.:@-], 1–128 characters)');
  const named = mapping.name.map((n) => claim(payload, n)).find((v) => typeof v === 'string' && v.trim().length > 0);
  if (named !== undefined && (named as string).length > 200) throw bad(mapping.name.join(' | '), 'is longer than 200 characters');
  const raw = claim(payload, mapping.scopes);
  const granted = typeof raw === 'string' ? raw.split(' ').filter(Boolean) : strings(raw);
  if (!granted) throw bad(mapping.scopes, 'is missing or not a space-separated string or a list of strings');
  // Scopes Flagline does not define (another API's) are ignored, not refused.
  const scopes = SCOPES.filter((s) => granted.includes(s));
  return { id, name: (named as string | undefined) ?? id, scopes, tenant: mapTenant(payload, mapping) };
}
