/**
 * The shared-secret fast path (`verifyHmac`, node:crypto HMAC) against what the relay ran before:
 * jose's `jwtVerify` with the secret imported as a CryptoKey per HS algorithm. For a few hundred
 * tokens and mutations both must accept the same tokens with the same payload, and refuse the rest
 * with the same error class, code, message and claim, so the relay's refusals read as before. The
 * one difference by design, a `crit` or `b64` header, is checked on its own.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { SignJWT, base64url, jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { FlagError } from '@flagline/core';
import { createVerifier, verifyHmac } from '../src/auth.js';
import { DEFAULT_CLAIMS } from '../src/claims.js';

const SECRET = 'test-secret-that-is-long-enough-0123456789';
const WRONG = 'another-secret-that-is-long-enough-012345';
const BYTES = new TextEncoder().encode(SECRET);
const ISSUER = 'flagline-test';
const AUDIENCE = 'flagline-test-aud';
// The options createVerifier builds; a wide clock tolerance keeps the near-boundary cases stable on a slow machine.
const base = { issuer: ISSUER, audience: AUDIENCE, maxTokenAge: '12h', clockTolerance: 30, requiredClaims: ['exp', 'iat', 'sub'] };
const OPTION_SETS: [string, JWTVerifyOptions][] = [
  ['HS256 and HS384 allowed', { ...base, algorithms: ['HS256', 'HS384'] }],
  ['every HS* allowed', { ...base, algorithms: ['HS256', 'HS384', 'HS512'] }],
];

/** The verifier before the fast path: the secret imported once per HS algorithm, the raw bytes for any other. */
function reference(token: string, options: JWTVerifyOptions) {
  const keys = new Map<string, Promise<CryptoKey>>();
  const key: JWTVerifyGetKey = ({ alg }) => {
    if (alg !== 'HS256' && alg !== 'HS384' && alg !== 'HS512') return BYTES;
    if (!keys.has(alg)) keys.set(alg, crypto.subtle.importKey('raw', BYTES, { name: 'HMAC', hash: `SHA-${alg.slice(2)}` }, false, ['verify']));
    return keys.get(alg)!;
  };
  return jwtVerify(token, key, options).then((r) => r.payload);
}

type Outcome = { ok: unknown } | { err: unknown[] };
async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await run() };
  } catch (err) {
    const e = err as Error & { code?: string; claim?: string };
    return { err: [e.constructor.name, e.code, e.message, e.claim] };
  }
}

const json = (value: unknown) => base64url.encode(JSON.stringify(value));
const text = (value: string) => base64url.encode(value);
const mac = (alg: string, secret: string, input: string) => createHmac(`sha${alg.slice(2)}`, secret).update(input).digest('base64url');
/** A compact token from encoded parts, signed with `signAlg` whatever its header says. */
const sign = (header: string, payload: string, signAlg: string, secret = SECRET) => `${header}.${payload}.${mac(signAlg, secret, `${header}.${payload}`)}`;

interface Case {
  name: string;
  token: string;
}

function cases(): Case[] {
  const now = Math.floor(Date.now() / 1000);
  const good = { sub: 'ann', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600, name: 'Ann', role: 'agent', teams: ['billing'] };
  const { exp: _exp, iat: _iat, sub: _sub, ...bare } = good;
  const claimSets: [string, unknown][] = [
    ['valid', good],
    ['expired', { ...good, exp: now - 120 }],
    ['expired within the clock tolerance', { ...good, exp: now - 10 }],
    ['not yet valid (nbf)', { ...good, nbf: now + 120 }],
    ['nbf within the clock tolerance', { ...good, nbf: now + 10 }],
    ['iat older than maxTokenAge', { ...good, iat: now - 13 * 3600 }],
    ['iat in the future', { ...good, iat: now + 120 }],
    ['missing exp', { ...bare, iat: now, sub: 'ann' }],
    ['missing iat', { ...bare, exp: now + 600, sub: 'ann' }],
    ['missing sub', { ...bare, iat: now, exp: now + 600 }],
    ['wrong iss', { ...good, iss: 'evil' }],
    ['wrong aud', { ...good, aud: 'other' }],
    ['aud array holding ours', { ...good, aud: ['other', AUDIENCE] }],
    ['aud array without ours', { ...good, aud: ['other'] }],
    ['exp a string', { ...good, exp: String(now + 600) }],
    ['iat a string', { ...good, iat: String(now) }],
    ['iss a number', { ...good, iss: 7 }],
    ['payload a JSON array', [good]],
    ['payload a number', 42],
    ['payload null', null],
    ['payload a string', 'ann'],
  ];
  const rawPayloads: [string, string][] = [
    ['payload not JSON', text('not json')],
    ['payload truncated JSON', text(JSON.stringify(good).slice(0, -1))],
    ['payload invalid UTF-8', base64url.encode(new Uint8Array([0x7b, 0xff, 0x7d]))],
    ['payload empty', ''],
    ['payload with a non-base64url character', `${json(good)}!`],
    ['payload with a non-ASCII character', `${json(good)}é`],
    ['payload with padding', `${json(good)}==`],
  ];
  const out: Case[] = [];
  for (const alg of ['HS256', 'HS384', 'HS512']) {
    const header = json({ alg, typ: 'JWT' });
    const payloads: [string, string][] = [...claimSets.map(([n, c]): [string, string] => [n, json(c)]), ...rawPayloads];
    for (const [what, payload] of payloads) {
      const name = `${alg} ${what}`;
      const token = sign(header, payload, alg);
      const [h, p, s] = token.split('.') as [string, string, string];
      out.push(
        { name, token },
        { name: `${name}, wrong secret`, token: sign(header, payload, alg, WRONG) },
        { name: `${name}, payload swapped after signing`, token: `${h}.${json({ ...good, role: 'supervisor' })}.${s}` },
        { name: `${name}, header swapped after signing`, token: `${json({ alg, typ: 'JWT', kid: 'x' })}.${p}.${s}` },
        { name: `${name}, signature truncated`, token: `${h}.${p}.${s.slice(0, -2)}` },
        { name: `${name}, signature with a non-base64url character`, token: `${h}.${p}.${s.slice(0, -1)}+` },
        { name: `${name}, signature with a character appended`, token: `${h}.${p}.${s}A` },
        { name: `${name}, empty signature`, token: `${h}.${p}.` },
        { name: `${name}, extra dot`, token: `${token}.` },
        { name: `${name}, two parts`, token: `${h}.${p}` },
      );
    }
  }
  const payload = json(good);
  const headers: [string, string, string][] = [
    ['alg none', json({ alg: 'none' }), 'HS256'],
    ['alg RS256', json({ alg: 'RS256' }), 'HS256'],
    ['alg unknown', json({ alg: 'HS999' }), 'HS256'],
    ['alg empty', json({ alg: '' }), 'HS256'],
    ['alg a number', json({ alg: 256 }), 'HS256'],
    ['no alg', json({ typ: 'JWT' }), 'HS256'],
    ['alg HS256 signed with SHA-512', json({ alg: 'HS256' }), 'HS512'],
    ['typ at+jwt', json({ alg: 'HS256', typ: 'at+jwt' }), 'HS256'],
    ['header a JSON array', json([{ alg: 'HS256' }]), 'HS256'],
    ['header null', json(null), 'HS256'],
    ['header a string', json('HS256'), 'HS256'],
    ['header not JSON', text('{alg:HS256}'), 'HS256'],
    ['header invalid UTF-8', base64url.encode(new Uint8Array([0x7b, 0xff, 0x7d])), 'HS256'],
    ['header empty', '', 'HS256'],
    ['header with a non-base64url character', `${json({ alg: 'HS256' })}*`, 'HS256'],
    ['header with whitespace', ` ${json({ alg: 'HS256' })}`, 'HS256'],
  ];
  for (const [name, header, signAlg] of headers) out.push({ name, token: sign(header, payload, signAlg) });
  out.push(
    { name: 'alg none, unsigned', token: `${json({ alg: 'none' })}.${payload}.` },
    { name: 'empty token', token: '' },
    { name: 'one part', token: 'garbage' },
    { name: 'four parts', token: `${sign(json({ alg: 'HS256' }), payload, 'HS256')}.x` },
    { name: 'only dots', token: '..' },
    { name: 'leading dot', token: `.${sign(json({ alg: 'HS256' }), payload, 'HS256')}` },
  );
  return out;
}

/** The cases above and tokens signed by jose itself, not only by this file's HMAC. */
async function withJoseSigned(): Promise<Case[]> {
  const all = cases();
  for (const alg of ['HS256', 'HS384', 'HS512']) {
    const builder = () => new SignJWT({ name: 'Ann', role: 'agent', teams: ['billing'] }).setSubject('ann').setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('10m');
    all.push({ name: `${alg} signed by jose`, token: await builder().setProtectedHeader({ alg, typ: 'JWT' }).sign(BYTES) });
    all.push({ name: `${alg} signed by jose, expired`, token: await builder().setProtectedHeader({ alg }).setExpirationTime(Math.floor(Date.now() / 1000) - 120).sign(BYTES) });
  }
  return all;
}

describe('HS* fast path against jwtVerify', () => {
  for (const [label, options] of OPTION_SETS) {
    it(`the same tokens accepted, the same refused the same way (${label})`, async () => {
      const all = await withJoseSigned();
      const refusals = new Set<string>();
      let accepted = 0;
      for (const c of all) {
        const want = await outcome(() => reference(c.token, options));
        const got = await outcome(() => verifyHmac(c.token, BYTES, options));
        assert.deepEqual(got, want, c.name);
        if ('ok' in want) accepted++;
        else refusals.add(String(want.err[0]));
      }
      assert.ok(all.length > 300, `${all.length} cases`);
      // The cases reach every refusal jose has on this path, and acceptance.
      assert.ok(accepted >= 10, `${accepted} accepted`);
      const expected = ['JWSInvalid', 'JOSEAlgNotAllowed', 'JWSSignatureVerificationFailed', 'JWTExpired', 'JWTClaimValidationFailed', 'JWTInvalid'];
      for (const cls of expected) assert.ok(refusals.has(cls), `no ${cls} among ${[...refusals]}`);
    });
  }

  it('createVerifier with a secret: accepted as jwtVerify accepts, refused with its error code as the reason', async () => {
    const [, options] = OPTION_SETS[0]!;
    const verify = await createVerifier({
      secret: SECRET,
      algorithms: options.algorithms!,
      issuer: ISSUER,
      audience: AUDIENCE,
      maxTokenAge: '12h',
      clockToleranceSec: 30,
      claims: DEFAULT_CLAIMS,
    });
    for (const c of await withJoseSigned()) {
      if (!c.token) continue;
      const want = await outcome(() => reference(c.token, options));
      const got = await outcome(() => verify(c.token));
      if ('ok' in want) {
        assert.ok('ok' in got, `${c.name}: ${JSON.stringify(got)}`);
        continue;
      }
      assert.ok('err' in got && got.err[0] === 'FlagError', c.name);
      const reason = await verify(c.token).catch((err: unknown) => (err instanceof FlagError ? err.details?.reason : undefined));
      assert.equal(reason, want.err[0] === 'TypeError' ? 'ERR_INVALID' : want.err[1], c.name);
    }
    verify.close();
  });

  it('createVerifier refuses a secret next to algorithms a secret cannot verify', async () => {
    for (const algorithms of [['HS256', 'RS256'], ['none'], ['HS256', 'ES256', 'EdDSA']])
      await assert.rejects(
        createVerifier({ secret: SECRET, algorithms, issuer: ISSUER, audience: AUDIENCE, maxTokenAge: '12h', clockToleranceSec: 30, claims: DEFAULT_CLAIMS }),
        { message: `A JWT secret verifies HS256, HS384 or HS512 tokens only; --jwt-algorithms also lists ${algorithms.filter((a) => !a.startsWith('HS')).join(', ')}.` },
      );
  });

  // jose refuses an unknown critical extension with the same class (another message), and honours
  // b64 when critical; the fast path refuses any of these.
  it('refuses a crit or b64 header, even those jose would accept', async () => {
    const [, options] = OPTION_SETS[0]!;
    const now = Math.floor(Date.now() / 1000);
    const payload = json({ sub: 'ann', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600 });
    const headers = [
      { alg: 'HS256', crit: ['b64'], b64: true },
      { alg: 'HS256', b64: false },
      { alg: 'HS256', b64: true },
      { alg: 'HS256', crit: 'b64', b64: true },
      { alg: 'HS256', crit: ['nope'], nope: 1 },
    ];
    const jose: boolean[] = [];
    for (const header of headers) {
      const token = sign(json(header), payload, 'HS256');
      jose.push('ok' in (await outcome(() => reference(token, options))));
      const got = await outcome(() => verifyHmac(token, BYTES, options));
      assert.ok('err' in got && got.err[0] === 'JOSENotSupported', JSON.stringify(header));
    }
    // What jose does with the same tokens: honours b64 when critical, ignores it when not.
    assert.deepEqual(jose, [true, true, true, false, false]);
  });
});
