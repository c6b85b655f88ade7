/** Service tokens through the claim mapping: which role values make a service, and its scopes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FlagError } from '@flagline/core';
import { DEFAULT_CLAIMS, mapClaims, mapService, mapTenant } from '../src/claims.js';

const reason = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof FlagError && err.code === 'unauthenticated');
    return err.details?.reason;
  }
  throw new Error('expected a refusal');
};

describe('service claims', () => {
  it('a service token: OAuth scope string, unknown scopes ignored, name defaults to the id', () => {
    assert.deepEqual(mapService({ sub: 'crm', role: 'service', scope: 'openid flags:read flags:write' }, DEFAULT_CLAIMS), { id: 'crm', name: 'crm', scopes: ['flags:read', 'flags:write'], tenant: 'default' });
  });

  it('Entra ID shape: app roles list, scopes in scp as a list', () => {
    const mapping = { ...DEFAULT_CLAIMS, id: 'azp', role: 'roles', serviceValues: ['Flagline.Service'], scopes: 'scp' };
    const payload = { sub: 'x', azp: 'routing-engine', roles: ['Flagline.Service'], scp: ['admin'] };
    assert.deepEqual(mapService(payload, mapping), { id: 'routing-engine', name: 'routing-engine', scopes: ['admin'], tenant: 'default' });
  });

  it('a participant token is not a service token, and a service token is not a participant', () => {
    assert.equal(reason(() => mapService({ sub: 'ann', name: 'Ann', role: 'agent', teams: ['billing'] }, DEFAULT_CLAIMS)), 'ERR_NOT_SERVICE');
    assert.equal(reason(() => mapClaims({ sub: 'crm', name: 'CRM', role: ['service', 'supervisor'], teams: ['billing'] }, DEFAULT_CLAIMS)), 'ERR_SERVICE_TOKEN');
  });

  it('refuses a service token without scopes claim or with a bad id', () => {
    assert.equal(reason(() => mapService({ sub: 'crm', role: 'service' }, DEFAULT_CLAIMS)), 'ERR_CLAIMS');
    assert.equal(reason(() => mapService({ sub: 'auth0|crm', role: 'service', scope: 'admin' }, DEFAULT_CLAIMS)), 'ERR_CLAIMS');
  });

  it('the tenant: default without a tenant claim configured; with one, its value, and a token without a valid one is refused', () => {
    const mapping = { ...DEFAULT_CLAIMS, tenant: 'org.id' };
    assert.equal(mapTenant({ sub: 'ann', tenant: 'north' }, DEFAULT_CLAIMS), 'default');
    assert.equal(mapTenant({ sub: 'ann', org: { id: 'north-2' } }, mapping), 'north-2');
    assert.equal(mapService({ sub: 'crm', role: 'service', scope: 'admin', org: { id: 'south' } }, mapping).tenant, 'south');
    for (const org of [undefined, { id: '' }, { id: 'North' }, { id: '../x' }, { id: '-x' }, { id: 7 }, { id: 'x'.repeat(64) }])
      assert.equal(reason(() => mapTenant({ sub: 'ann', ...(org ? { org } : {}) }, mapping)), 'ERR_CLAIMS', JSON.stringify(org));
  });
});
