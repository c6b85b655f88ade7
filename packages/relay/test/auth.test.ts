/**
 * Authentication at a real relay: only a valid token for this issuer and audience, signed with
 * an allowed algorithm, gets a welcome; everything else gets a clear error frame and close 4401.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import type { ServerFrame } from '@flagline/core';
import { AUDIENCE, ISSUER, RelayProcess, SECRET, tokenFor } from './helpers/relay-process.js';
import { RawClient } from './helpers/raw-client.js';
import { ann, sam } from './helpers/people.js';

type ErrorFrame = Extract<ServerFrame, { t: 'error' }>;
const claims = { name: ann.name, role: ann.role, teams: ann.teams };

function jwt(overrides: { secret?: string; issuer?: string; audience?: string; exp?: number | string; iat?: number; alg?: string; claims?: object } = {}) {
  const builder = new SignJWT({ ...claims, ...overrides.claims })
    .setProtectedHeader({ alg: overrides.alg ?? 'HS256' })
    .setSubject(ann.id)
    .setIssuer(overrides.issuer ?? ISSUER)
    .setAudience(overrides.audience ?? AUDIENCE)
    .setIssuedAt(overrides.iat)
    .setExpirationTime(overrides.exp ?? '10m');
  return builder.sign(new TextEncoder().encode(overrides.secret ?? SECRET));
}

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Say hello with `token`; the relay must answer with an error frame and close 4401. */
async function refused(relay: RelayProcess, token: string | undefined): Promise<{ error: ErrorFrame['error']; code: number }> {
  const c = await RawClient.open(relay.wsUrl);
  c.send(token === undefined ? { t: 'hello', resume: null } : { t: 'hello', token, resume: null });
  const frame = await c.next<ErrorFrame>((f) => f.t === 'error');
  const closed = await c.closed;
  assert.equal(c.log.some((f) => f.t === 'welcome'), false, 'no welcome after a refused hello');
  return { error: frame.error, code: closed.code };
}

describe('authentication (HS256 relay)', () => {
  let relay: RelayProcess;
  before(async () => {
    relay = await RelayProcess.start({ args: ['--hello-timeout-ms', '300', '--origins', 'https://desk.example'] });
  });
  after(() => relay.dispose());

  it('a valid token is welcomed as the participant it names', async () => {
    const c = await RawClient.open(relay.wsUrl);
    c.send({ t: 'hello', token: await tokenFor(sam), resume: null });
    const welcome = await c.next<Extract<ServerFrame, { t: 'welcome' }>>((f) => f.t === 'welcome');
    assert.deepEqual(welcome.me, sam);
    await c.ping();
    c.close();
  });

  it('expired token', async () => {
    const r = await refused(relay, await jwt({ exp: Math.floor(Date.now() / 1000) - 60, iat: Math.floor(Date.now() / 1000) - 120 }));
    assert.deepEqual([r.error.code, r.error.message, r.error.details?.reason, r.code], ['unauthenticated', 'Token expired.', 'ERR_JWT_EXPIRED', 4401]);
  });

  it('forged signature', async () => {
    const r = await refused(relay, await jwt({ secret: 'another-secret-that-is-long-enough-000000' }));
    assert.deepEqual([r.error.code, r.error.message, r.code], ['unauthenticated', 'Token signature is invalid.', 4401]);
  });

  it('tampered payload (role raised to supervisor) fails the signature', async () => {
    const [header, , signature] = (await jwt()).split('.');
    const forged = `${header}.${b64({ ...claims, role: 'supervisor', sub: ann.id, iss: ISSUER, aud: AUDIENCE, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 })}.${signature}`;
    const r = await refused(relay, forged);
    assert.equal(r.error.message, 'Token signature is invalid.');
  });

  it('wrong audience', async () => {
    const r = await refused(relay, await jwt({ audience: 'someone-else' }));
    assert.equal(r.error.code, 'unauthenticated');
    assert.match(r.error.message, /unexpected "aud" claim value/);
    assert.equal(r.code, 4401);
  });

  it('wrong issuer', async () => {
    const r = await refused(relay, await jwt({ issuer: 'evil' }));
    assert.match(r.error.message, /unexpected "iss" claim value/);
  });

  it('alg: none (unsigned) is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, sub: ann.id, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600 })}.`;
    const r = await refused(relay, unsigned);
    assert.equal(r.error.code, 'unauthenticated');
    assert.equal(r.code, 4401);
  });

  it('an algorithm outside the allowlist (HS512) is refused', async () => {
    const r = await refused(relay, await jwt({ alg: 'HS512' }));
    assert.equal(r.error.message, 'Token algorithm is not allowed.');
  });

  it('a token older than the maximum age is refused even if not expired', async () => {
    const r = await refused(relay, await jwt({ iat: Math.floor(Date.now() / 1000) - 13 * 3600, exp: '1h' }));
    assert.equal(r.error.message, 'Token is older than the maximum age.');
  });

  it('claims that do not describe a participant are refused', async () => {
    const r = await refused(relay, await jwt({ claims: { role: 'admin' } }));
    assert.deepEqual([r.error.message, r.error.details?.reason], ['Token claim role names neither a supervisor (supervisor) nor an agent (agent).', 'ERR_CLAIMS']);
    const teams = await refused(relay, await jwt({ claims: { teams: ['billing', 'no spaces allowed'] } }));
    assert.equal(teams.error.message, 'Token claim teams holds "no spaces allowed", which is not a team id ([\\w.:@-], 1–128 characters).');
  });

  it('no token, garbage token', async () => {
    assert.equal((await refused(relay, undefined)).error.message, 'No token: send a signed JWT in the hello frame.');
    assert.equal((await refused(relay, 'garbage')).error.code, 'unauthenticated');
  });

  it('commands before hello are refused; no hello in time closes 4408', async () => {
    const c = await RawClient.open(relay.wsUrl);
    const r = await c.command('early', { type: 'acknowledge', flagId: 'x' });
    assert.equal(r.t === 'error' && r.error.code, 'unauthenticated');
    const err = await c.next<ErrorFrame>((f) => f.t === 'error');
    assert.equal(err.error.message, 'No hello frame within 300 ms.');
    assert.equal((await c.closed).code, 4408);
  });

  it('Origin allowlist: a foreign Origin is refused at upgrade (403), the allowed one connects', async () => {
    await assert.rejects(RawClient.open(relay.wsUrl, { Origin: 'https://evil.example' }), { status: 403 });
    const ok = await RawClient.open(relay.wsUrl, { Origin: 'https://desk.example' });
    ok.close();
  });

  it('token refresh in-band keeps a connection past the first token’s expiry; without it the relay closes 4401', async () => {
    const short = await tokenFor(ann, '2s');
    const refreshed = await RawClient.connect(relay.wsUrl, short);
    const lapsed = await RawClient.connect(relay.wsUrl, short);
    refreshed.send({ t: 'refresh', token: await tokenFor(ann, '10m') });
    // The lapsed connection is the clock: once it is closed for expiry, the first token is dead.
    const expiry = await lapsed.next<ErrorFrame>((f) => f.t === 'error');
    assert.equal(expiry.error.message, 'Token expired; send a refresh frame before exp.');
    assert.equal((await lapsed.closed).code, 4401);
    await refreshed.ping();
    refreshed.close();
  });

  it('a refresh token for someone else is refused and changes nothing', async () => {
    const c = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    c.send({ t: 'refresh', token: await tokenFor(sam) });
    const err = await c.next<ErrorFrame>((f) => f.t === 'error');
    assert.equal(err.error.message, 'A refreshed token must be for the same participant.');
    const r = await c.command('still-ann', { type: 'acknowledge', flagId: 'nope' });
    assert.equal(r.t === 'result' && !r.outcome.ok && r.outcome.error.code, 'not-allowed', 'still an agent');
    c.close();
  });
});

describe('default Origin rule (no allowlist configured)', () => {
  it('a browser page of the relay’s own host may connect; any other Origin is refused', async () => {
    const relay = await RelayProcess.start();
    try {
      (await RawClient.open(relay.wsUrl, { Origin: relay.url })).close();
      await assert.rejects(RawClient.open(relay.wsUrl, { Origin: 'http://localhost:1' }), { status: 403 });
      await assert.rejects(RawClient.open(relay.wsUrl, { Origin: 'null' }), { status: 403 });
    } finally {
      await relay.dispose();
    }
  });
});

describe('authentication with public keys', () => {
  const relays: RelayProcess[] = [];
  const keyDir = mkdtempSync(join(tmpdir(), 'flagline-keys-'));
  after(async () => {
    for (const r of relays) await r.dispose();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('ES256 public key file: ES256 tokens accepted, HS256 refused', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const pem = join(keyDir, 'es256.pem');
    writeFileSync(pem, await exportSPKI(publicKey));
    const relay = await RelayProcess.start({
      noAuthArgs: true,
      args: ['--jwt-public-key', pem, '--jwt-algorithms', 'ES256', '--jwt-issuer', ISSUER, '--jwt-audience', AUDIENCE],
    });
    relays.push(relay);
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setSubject(ann.id).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(privateKey);
    (await RawClient.connect(relay.wsUrl, token)).close();
    const r = await refused(relay, await jwt());
    assert.equal(r.error.message, 'Token algorithm is not allowed.');
  });

  it('JWKS file with EdDSA keys, matched by kid', async () => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const { privateKey: strangerKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const jwks = join(keyDir, 'jwks.json');
    writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA' }] }));
    const relay = await RelayProcess.start({
      noAuthArgs: true,
      args: ['--jwks', jwks, '--jwt-algorithms', 'EdDSA', '--jwt-issuer', ISSUER, '--jwt-audience', AUDIENCE],
    });
    relays.push(relay);
    const sign = (key: CryptoKey, kid: string) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid }).setSubject(ann.id).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(key);
    (await RawClient.connect(relay.wsUrl, await sign(privateKey, 'k1'))).close();
    assert.equal((await refused(relay, await sign(strangerKey, 'k1'))).error.message, 'Token signature is invalid.');
    assert.equal((await refused(relay, await sign(privateKey, 'k2'))).error.message, 'No configured key matches the token.');
  });
});
