/** Service tokens (a backend's JWT: role `service`, OAuth-style `scope`) and a typed client for a test relay. */
import { SignJWT } from 'jose';
import type { FlagClient, Participant } from '@flagline/core';
import { clientFor, until } from './clients.js';
import { createServiceClient, type ServiceClient } from '@flagline/relay/client';
import type { Scope } from '../../src/claims.js';
import { AUDIENCE, ISSUER, SECRET, type RelayProcess } from './relay-process.js';

export const ALL_SCOPES: Scope[] = ['flags:read', 'flags:write', 'transcripts:read', 'admin'];

export function serviceToken(scopes: readonly string[] = ALL_SCOPES, id = 'crm', name = 'Acme CRM', claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ ...claims, name, role: 'service', scope: scopes.join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(id)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(SECRET));
}

export function serviceClient(relay: RelayProcess, scopes: readonly string[] = ALL_SCOPES, id?: string): ServiceClient {
  return createServiceClient({ baseUrl: relay.url, token: () => serviceToken(scopes, id) });
}

/** The FlagError code (and HTTP status) a client call rejected with. */
export async function failure(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: string; details?: { status?: number } };
    return `${e.details?.status} ${e.code}`;
  }
  throw new Error('expected the call to fail');
}

/** A participant as a backend names an agent: id, name, teams (the role is implied). */
export function agentOf(p: Participant): { id: string; name: string; teams: string[] } {
  return { id: p.id, name: p.name, teams: p.teams };
}

/** A browser-like client of `relay` once online, kept in `clients` for closing. */
export async function onlineClient(relay: RelayProcess, p: Participant, clients: FlagClient[]): Promise<FlagClient> {
  const c = clientFor(relay, p);
  clients.push(c);
  await until(c.$status, (s) => s === 'online');
  return c;
}
