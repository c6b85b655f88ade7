/**
 * The identity provider's key set as fetched (remote-keys.ts), against a plain HTTP server on
 * loopback that answers as told: a provider that is down is asked once per cooldown, not once
 * per token; a key set that is too large, or holds too many keys, is refused without being held.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { FlagError } from '@flagline/core';
import { MAX_BODY_BYTES, MAX_KEYS, remoteKeySet } from '../src/remote-keys.js';

let answer: () => { status: number; body: string } = () => ({ status: 503, body: '' });
let fetches = 0;
let server: Server;
let url: string;
let jwk: JWK;

/** A key set on this server, its first background fetch done; the error of that fetch, if any. */
async function keySet(cooldownMs: number) {
  let first!: (error?: string) => void;
  const settled = new Promise<string | undefined>((r) => (first = r));
  const set = remoteKeySet({ jwksUrl: url }, { refreshMs: 3_600_000, cooldownMs }, { fetched: () => first(), failed: ({ error }) => first(error) });
  return { set, firstError: await settled };
}

const unknownKid = { alg: 'RS256', kid: 'forged' };
const token = { payload: new Uint8Array(), signature: new Uint8Array() } as never;

describe('remote key set', () => {
  before(async () => {
    const { publicKey } = await generateKeyPair('RS256');
    jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    server = createServer((_req, res) => {
      fetches++;
      const { status, body } = answer();
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('a provider that is down is asked once per cooldown, not once per token with an unknown kid', async () => {
    answer = () => ({ status: 503, body: '' });
    fetches = 0;
    const { set, firstError } = await keySet(60_000);
    assert.match(firstError!, /HTTP 503/);
    for (let i = 0; i < 20; i++) await assert.rejects(async () => set.getKey(unknownKid, token), (err: unknown) => err instanceof FlagError && err.code === 'unavailable');
    assert.equal(fetches, 1);
    set.close();
  });

  it('once the provider answers, its keys are served', async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ keys: [jwk] }) });
    const { set, firstError } = await keySet(0);
    assert.equal(firstError, undefined);
    assert.ok(await set.getKey({ alg: 'RS256', kid: 'k1' }, token));
    set.close();
  });

  it(`refuses a key set larger than ${MAX_BODY_BYTES} bytes, or with more than ${MAX_KEYS} keys`, async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ keys: [jwk], padding: 'x'.repeat(MAX_BODY_BYTES) }) });
    const big = await keySet(0);
    assert.match(big.firstError!, /larger than 1000000 bytes/);
    await assert.rejects(async () => big.set.getKey({ alg: 'RS256', kid: 'k1' }, token), /could not be fetched .*larger than/);
    big.set.close();
    answer = () => ({ status: 200, body: JSON.stringify({ keys: Array.from({ length: MAX_KEYS + 1 }, (_, i) => ({ ...jwk, kid: `k${i}` })) }) });
    const many = await keySet(0);
    assert.match(many.firstError!, /holds 101 keys, more than 100/);
    many.set.close();
  });
});
