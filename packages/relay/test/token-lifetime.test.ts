/**
 * How long a connection's token is honoured: until `exp`, or until the token is older than
 * `--jwt-max-age` (plus the clock tolerance), whichever comes first. A token with a far `exp`
 * and a recent `iat` used to keep its connection open past the maximum age, while a new hello
 * with the same token was already refused.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { createVerifier, durationSeconds } from '../src/auth.js';
import { DEFAULT_CLAIMS } from '../src/claims.js';

const SECRET = 'test-secret-that-is-long-enough-0123456789';
const ISSUER = 'flagline-test';
const AUDIENCE = 'flagline-test-aud';

function sign(iat: number, exp: number): Promise<string> {
  return new SignJWT({ name: 'Ann Agent', role: 'agent', teams: ['billing'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('ann')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(SECRET));
}

const verifier = (maxTokenAge: string) =>
  createVerifier({ secret: SECRET, algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, maxTokenAge, clockToleranceSec: 30, claims: DEFAULT_CLAIMS });

describe('token lifetime on an open connection', () => {
  it('ends at iat + max age (+ tolerance) when exp is later, at exp when it is sooner', async () => {
    const verify = await verifier('1h');
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await verify(await sign(now, now + 10 * 365 * 86_400))).expiresAt, (now + 3_600 + 30) * 1000);
    assert.equal((await verify(await sign(now, now + 600))).expiresAt, (now + 600) * 1000);
    verify.close();
  });

  it('reads durations as jose does, and refuses to start on one it cannot read', async () => {
    for (const [text, seconds] of [['12h', 43_200], ['30m', 1_800], ['90 seconds', 90], ['7 days', 604_800], ['1.5 hours', 5_400], ['2w', 1_209_600]] as const)
      assert.equal(durationSeconds(text), seconds, text);
    for (const text of ['', '12', 'forever', '-1h', '1 month']) assert.throws(() => durationSeconds(text), /Not a duration/, text);
    await assert.rejects(verifier('soon'), /Not a duration: 'soon'/);
  });
});
