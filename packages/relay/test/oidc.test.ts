/**
 * The relay trusting a real OpenID Connect provider (oidc-provider, in this process, on
 * loopback): discovery, claim mapping from Keycloak-shaped tokens, key rotation at the provider
 * with clients connected, the provider stopped and started again. No verifier is mocked: the
 * relay is a real process and finds the provider's keys over HTTP like in production.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, type JWK } from 'jose';
import type { ServerFrame } from '@flagline/core';
import { RelayProcess } from './helpers/relay-process.js';
import { RawClient } from './helpers/raw-client.js';
import { RELAY_AUDIENCE, TestIdp, relayArgsFor, signingKey, type IdpPerson } from './helpers/oidc-idp.js';

type ErrorFrame = Extract<ServerFrame, { t: 'error' }>;
type Welcome = Extract<ServerFrame, { t: 'welcome' }>;

const sam: IdpPerson = { id: 'sam', name: 'Sam Supervisor', roles: ['offline_access', 'flagline-supervisor'], groups: ['/flagline/billing', '/flagline/escalations', '/payroll'] };
const ann: IdpPerson = { id: 'ann', name: 'Ann Agent', roles: ['flagline-agent'], groups: ['/flagline/billing'] };
const ben: IdpPerson = { id: 'ben', name: 'Ben Agent', roles: ['flagline-agent'], groups: ['/flagline/billing'] };
const cara: IdpPerson = { id: 'cara', name: 'Cara Agent', roles: ['flagline-agent'], groups: ['/flagline/support'] };
const eve: IdpPerson = { id: 'eve', name: 'Eve Accountant', roles: ['payroll-clerk'], groups: ['/payroll'] };
const people = [sam, ann, ben, cara, eve];

/** Say hello; resolve with the welcome, or with the refusal and the close code. */
async function hello(relay: RelayProcess, token: string): Promise<{ welcome: Welcome; client: RawClient } | { error: ErrorFrame['error']; code: number }> {
  const c = await RawClient.open(relay.wsUrl);
  c.send({ t: 'hello', token, resume: null });
  const first = await c.next((f) => f.t === 'welcome' || f.t === 'error');
  if (first.t === 'welcome') return { welcome: first, client: c };
  return { error: (first as ErrorFrame).error, code: (await c.closed).code };
}

async function welcomed(relay: RelayProcess, token: string): Promise<{ welcome: Welcome; client: RawClient }> {
  const r = await hello(relay, token);
  assert.ok('welcome' in r, `expected a welcome, got ${JSON.stringify(r)}`);
  return r;
}

/** A refresh the relay accepts sends nothing back: prove it with a round trip and no error. */
async function refreshAccepted(c: RawClient, token: string): Promise<void> {
  const errors = c.log.filter((f) => f.t === 'error').length;
  c.send({ t: 'refresh', token });
  await c.ping();
  assert.equal(c.log.filter((f) => f.t === 'error').length, errors, `refresh refused: ${JSON.stringify(c.log.at(-2))}`);
}

describe('relay with an OpenID Connect provider (oidc-provider)', () => {
  let idp: TestIdp;
  let relay: RelayProcess;
  let keyA: JWK;
  let keyB: JWK;
  before(async () => {
    keyA = await signingKey('key-a');
    idp = await TestIdp.start(people, [keyA]);
    relay = await RelayProcess.start({ noAuthArgs: true, args: relayArgsFor(idp.issuer) });
  });
  after(async () => {
    await relay?.dispose();
    await idp?.stop();
  });

  it('finds the keys by discovery and maps Keycloak-shaped claims to the participant', async () => {
    const supervisor = await welcomed(relay, await idp.token(sam));
    assert.deepEqual(supervisor.welcome.me, { id: 'sam', name: 'Sam Supervisor', role: 'supervisor', teams: ['billing', 'escalations'] });
    const agent = await welcomed(relay, await idp.token(ann));
    assert.deepEqual(agent.welcome.me, { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['billing'] });
    supervisor.client.close();
    agent.client.close();
  });

  it('refuses a person the provider knows but who has no Flagline role, and tokens it did not sign', async () => {
    const outsider = await hello(relay, await idp.token(eve));
    assert.ok('error' in outsider);
    assert.equal(outsider.code, 4401);
    assert.equal(outsider.error.message, 'Token claim realm_access.roles names neither a supervisor (flagline-supervisor) nor an agent (flagline-agent).');

    const claims = { preferred_username: 'Ann', realm_access: { roles: ['flagline-supervisor'] }, groups: ['/flagline/billing'] };
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: 'key-a' })
      .setSubject('ann')
      .setIssuer(idp.issuer)
      .setAudience(RELAY_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a-secret-an-attacker-chose-0123456789'));
    const hs = await hello(relay, forged);
    assert.ok('error' in hs);
    assert.equal(hs.error.message, 'Token algorithm is not allowed.');

    const stranger = await signingKey('key-a'); // same kid, another key
    const other = await TestIdp.start(people, [stranger]);
    try {
      const fromOther = await hello(relay, await other.token(ann));
      assert.ok('error' in fromOther);
      assert.equal(fromOther.error.code, 'unauthenticated');
      assert.equal(fromOther.error.message, 'Token signature is invalid.', 'a colliding kid from another provider');
    } finally {
      await other.stop();
    }
  });

  it('keys rotated at the provider: connected clients stay; tokens signed with the new key are accepted with no relay restart', async () => {
    const first = await welcomed(relay, await idp.token(ann));
    const port = idp.port;
    await idp.stop();
    keyB = await signingKey('key-b');
    idp = await TestIdp.start(people, [keyB, keyA], port);
    const rotated = await idp.token(ben);
    const second = await welcomed(relay, rotated);
    assert.equal(second.welcome.me.id, 'ben');
    await refreshAccepted(first.client, await idp.token(ann));
    assert.equal(first.client.log.some((f) => f.t === 'error'), false, 'the connected client was never refused');
    first.client.close();
    second.client.close();
  });

  it('a provider outage logs nobody out; a new user whose key is unknown is told "unavailable" (close 1013) and gets in once it is back', async () => {
    const connected = await welcomed(relay, await idp.token(ann));
    const knownKeyToken = await idp.token(ann);
    const port = idp.port;
    await idp.stop();
    const keyC = await signingKey('key-c');
    // key-b, which signed the connected user's token, stays published.
    const keys = [keyC, keyB, keyA];
    idp = await TestIdp.start(people, keys, port);
    const newKeyToken = await idp.token(cara);
    await idp.stop();

    // The provider is down: a connected user refreshes with a token of a key the relay knows.
    await refreshAccepted(connected.client, knownKeyToken);
    const refused = await hello(relay, newKeyToken);
    assert.ok('error' in refused, 'refused while the provider is down');
    assert.equal(refused.error.code, 'unavailable');
    assert.match(refused.error.message, /^The identity provider's signing keys could not be fetched \(.+\); try again shortly\.$/);
    assert.equal(refused.code, 1013);

    idp = await TestIdp.start(people, keys, port);
    const back = await welcomed(relay, newKeyToken);
    assert.equal(back.welcome.me.id, 'cara');
    await connected.client.ping();
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    assert.match(metrics, /flagline_idp_key_fetches_total\{result="failed"\} [1-9]/);
    connected.client.close();
    back.client.close();
  });

  it('a key withdrawn at the provider ends the connections it signed (4401) at the next fetch; the others stay', async () => {
    const port = idp.port;
    const signedByC = await welcomed(relay, await idp.token(ann)); // the provider signs with key-c now
    await idp.stop();
    idp = await TestIdp.start(people, [keyA], port);
    const signedByA = await welcomed(relay, await idp.token(ben));
    // key-c and key-b leave the set; key-d is new, so its first token makes the relay fetch the set.
    await idp.stop();
    idp = await TestIdp.start(people, [await signingKey('key-d'), keyA], port);
    const signedByD = await welcomed(relay, await idp.token(cara));
    const withdrawn = await signedByC.client.next((f) => f.t === 'error');
    assert.equal(withdrawn.t === 'error' && withdrawn.error.message, 'The identity provider withdrew the key that signed your token; sign in again.');
    assert.equal((await signedByC.client.closed).code, 4401);
    await signedByA.client.ping();
    await signedByD.client.ping();
    signedByA.client.close();
    signedByD.client.close();
  });
});

describe('a relay started while its identity provider is down', () => {
  it('starts, answers "unavailable" to hellos, and serves once the provider is up (no restart)', async () => {
    const probe = await TestIdp.start(people, [await signingKey('k')]);
    const { port } = probe;
    const token = await probe.token(ann);
    const keys = [await signingKey('k2')];
    await probe.stop();
    const relay = await RelayProcess.start({ noAuthArgs: true, args: relayArgsFor(`http://127.0.0.1:${port}`) });
    let idp: TestIdp | undefined;
    try {
      const early = await hello(relay, token);
      assert.ok('error' in early);
      assert.equal(early.error.code, 'unavailable');
      assert.match(early.error.message, /OpenID discovery|fetch failed|ECONNREFUSED/);
      idp = await TestIdp.start(people, keys, port);
      const later = await welcomed(relay, await idp.token(ann));
      assert.equal(later.welcome.me.id, 'ann');
      later.client.close();
      assert.ok(relay.logs.some((e) => e.msg === 'identity provider keys unavailable'), 'the outage was logged');
    } finally {
      await relay.dispose();
      await idp?.stop();
    }
  });
});
