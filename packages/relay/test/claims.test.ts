/**
 * Claim mapping for the token shapes real identity providers issue (see the README's
 * "Production identity"): each example is the documented mapping applied to that provider's
 * token shape, and each refusal names the claim and why.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FlagError } from '@flagline/core';
import { DEFAULT_CLAIMS, mapClaims, type ClaimMapping } from '../src/claims.js';

function refusal(payload: Record<string, unknown>, mapping: ClaimMapping): void {
  assert.throws(() => mapClaims(payload, mapping), (err: unknown) => err instanceof FlagError && err.code === 'unauthenticated' && err.details?.reason === 'ERR_CLAIMS');
}

describe('claim mapping', () => {
  it("Flagline's own shape with the defaults", () => {
    assert.deepEqual(mapClaims({ sub: 'ann', name: 'Ann', role: 'agent', teams: ['billing'] }, DEFAULT_CLAIMS), { id: 'ann', name: 'Ann', role: 'agent', teams: ['billing'] });
  });

  it('Keycloak: realm roles and group paths', () => {
    const keycloak: ClaimMapping = { ...DEFAULT_CLAIMS, name: ['name', 'preferred_username'], role: 'realm_access.roles', supervisorValues: ['flagline-supervisor'], agentValues: ['flagline-agent'], teams: 'groups', teamPrefix: '/flagline/' };
    const token = { sub: '4d5c1c0e-9f1a-4b53-a1a4-2a8f0c7b6d11', preferred_username: 'sam', realm_access: { roles: ['offline_access', 'flagline-agent', 'flagline-supervisor'] }, groups: ['/flagline/billing', '/hr'] };
    assert.deepEqual(mapClaims(token, keycloak), { id: '4d5c1c0e-9f1a-4b53-a1a4-2a8f0c7b6d11', name: 'sam', role: 'supervisor', teams: ['billing'] });
  });

  it('Microsoft Entra ID: app roles in roles, the object id as participant id, teams as app roles with a prefix', () => {
    const entra: ClaimMapping = { ...DEFAULT_CLAIMS, id: 'oid', name: ['name', 'preferred_username'], role: 'roles', supervisorValues: ['Flagline.Supervisor'], agentValues: ['Flagline.Agent'], teams: 'roles', teamPrefix: 'Flagline.Team.' };
    const token = { sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ', oid: '00000000-0000-0000-66f3-3332eca7ea81', name: 'Ann Agent', roles: ['Flagline.Agent', 'Flagline.Team.billing', 'Flagline.Team.support'] };
    assert.deepEqual(mapClaims(token, entra), { id: '00000000-0000-0000-66f3-3332eca7ea81', name: 'Ann Agent', role: 'agent', teams: ['billing', 'support'] });
  });

  it('Auth0 / Okta: namespaced custom claims (names with dots are claims first, paths second)', () => {
    const auth0: ClaimMapping = { ...DEFAULT_CLAIMS, id: 'https://flagline.example/id', role: 'https://flagline.example/role', teams: 'https://flagline.example/teams' };
    const token = { sub: 'auth0|64f0c1', name: 'Sue', 'https://flagline.example/id': 'sue', 'https://flagline.example/role': 'supervisor', 'https://flagline.example/teams': ['support'] };
    assert.deepEqual(mapClaims(token, auth0), { id: 'sue', name: 'Sue', role: 'supervisor', teams: ['support'] });
    // The provider's own sub (with "|") is not a participant id: refused with the claim named.
    refusal(token, DEFAULT_CLAIMS);
  });

  it('refuses what does not describe a participant, naming the claim', () => {
    const err = (payload: Record<string, unknown>, mapping = DEFAULT_CLAIMS) => {
      try {
        mapClaims(payload, mapping);
      } catch (e) {
        return (e as FlagError).message;
      }
      return 'accepted';
    };
    const good = { sub: 'ann', name: 'Ann', role: 'agent', teams: ['billing'] };
    assert.equal(err({ ...good, sub: 'a b' }), 'Token claim sub is missing or is not a participant id ([\\w.:@-], 1–128 characters).');
    assert.equal(err({ ...good, name: '   ' }), 'Token claim name is missing or longer than 200 characters.');
    for (const name of ['Mallory \u202Erosivrepus\u202C', 'Ann\nSam Supervisor', 'Ann\u2028B', 'A\u0000', 'Eve \u2067x\u2069'])
      assert.equal(err({ ...good, name }), 'Token claim name has control characters or bidi overrides.', JSON.stringify(name));
    assert.equal(err({ ...good, name: 'سارة أحمد' }), 'accepted', 'right-to-left names need no overrides');
    assert.equal(err({ ...good, role: ['admin'] }), 'Token claim role names neither a supervisor (supervisor) nor an agent (agent).');
    assert.equal(err({ ...good, role: 7 }), 'Token claim role is missing or not a string or a list of strings.');
    assert.equal(err({ ...good, teams: 'billing' }), 'accepted', 'one team as a string');
    assert.equal(err({ ...good, teams: [1] }), 'Token claim teams is missing or not a list of strings.');
    assert.equal(err({ ...good, teams: Array.from({ length: 257 }, (_, i) => `t${i}`) }), 'Token claim teams lists more than 256 teams.');
    // With a prefix, no matching group means no team (the agent then cannot raise: a clear rule error later).
    assert.equal(err({ ...good, teams: undefined, groups: ['/hr'] }, { ...DEFAULT_CLAIMS, teams: 'groups', teamPrefix: '/flagline/' }), 'accepted');
  });
});
