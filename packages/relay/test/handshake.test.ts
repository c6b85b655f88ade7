/**
 * The connection's life as one state machine (awaiting hello → verifying → welcomed | refused →
 * closed), attacked the way a determined caller would: frames pipelined in one network write at
 * every stage of the handshake, refreshes with someone else's token, racing refreshes. Every
 * test here failed on the relay before the state machine existed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerFrame } from '@flagline/core';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { RawClient } from './helpers/raw-client.js';
import { ann, ben, sam } from './helpers/people.js';

type ErrorFrame = Extract<ServerFrame, { t: 'error' }>;
const kinds = (c: RawClient) => c.log.map((f) => (f.t === 'error' ? `error:${f.error.code}` : f.t));

describe('handshake state machine (real relay, pipelined frames)', () => {
  let relay: RelayProcess;
  before(async () => {
    relay = await RelayProcess.start({ args: ['--max-connections-per-user', '3'] });
  });
  after(() => relay.dispose());

  /** Resolves once the relay has logged `n` more closed connections than before the call. */
  const closedOnServer = () => {
    const before = relay.logs.filter((e) => e.msg === 'connection closed').length;
    return (n = 1) => relay.waitForLog('connection closed', before + n);
  };

  it('two hellos in one write: one welcome, the second is invalid-frame; no identity switch, no leaked slot or presence', async () => {
    const presence = async () =>
      ((await (await fetch(`${relay.url}/api/presence/billing`, { headers: { authorization: `Bearer ${await tokenFor(ann)}` } })).json()) as { supervisors: { id: string }[] }).supervisors.map((s) => s.id);
    for (let i = 0; i < 5; i++) {
      const closed = closedOnServer();
      const c = await RawClient.open(relay.wsUrl);
      c.sendPipelined([
        { t: 'hello', token: await tokenFor(sam, '10m'), resume: null },
        { t: 'hello', token: await tokenFor(sam, '9m'), resume: null },
        { t: 'snapshot', rid: 's1' },
      ]);
      await c.next((f) => f.t === 'snapshot');
      assert.deepEqual(kinds(c).sort(), ['error:invalid-frame', 'presence', 'snapshot', 'welcome'], `socket ${i}: ${kinds(c).join()}`);
      assert.deepEqual(await presence(), ['sam'], 'present while connected');
      c.close();
      await closed();
    }
    // Five double-hello sockets came and went: the participant's 3 slots are all free and
    // no ghost stays in presence.
    assert.deepEqual(await presence(), [], 'no ghost supervisor after the sockets closed');
    const all = await Promise.all([1, 2, 3].map(async () => RawClient.connect(relay.wsUrl, await tokenFor(sam))));
    const closed = closedOnServer();
    for (const c of all) c.close();
    await closed(3);
  });

  it('a refused hello followed by a good one in the same write: no welcome ever, error frame then close 4401', async () => {
    const c = await RawClient.open(relay.wsUrl);
    c.sendPipelined([
      { t: 'hello', token: 'not-a-jwt', resume: null },
      { t: 'hello', token: await tokenFor(ann), resume: null },
      { t: 'cmd', id: 'sneak', cmd: { type: 'raise', interactionId: 'sneak-1', channel: 'voice', message: 'x' } },
    ]);
    const closed = await c.closed;
    assert.equal(closed.code, 4401);
    assert.deepEqual(kinds(c), ['error:invalid-frame', 'error:unauthenticated']);
  });

  it('the error frame that says why always arrives before the close, with frames following a rejected hello', async () => {
    for (let i = 0; i < 20; i++) {
      const c = await RawClient.open(relay.wsUrl);
      c.sendPipelined([
        { t: 'hello', token: `garbage-${i}`, resume: null },
        { t: 'snapshot', rid: 'after' },
        { t: 'cmd', id: `c-${i}`, cmd: { type: 'end-interaction', interactionId: 'x' } },
      ]);
      const closed = await c.closed;
      assert.equal(closed.code, 4401, `socket ${i}`);
      assert.deepEqual(kinds(c), ['error:unauthenticated'], `socket ${i}: the refusal's error frame, and nothing answered after it`);
    }
  });

  it('frames pipelined behind a hello (commands, snapshot) are answered once welcomed, in order', async () => {
    const c = await RawClient.open(relay.wsUrl);
    c.sendPipelined([
      { t: 'hello', token: await tokenFor(ben), resume: null },
      { t: 'cmd', id: 'pipelined-raise', cmd: { type: 'raise', interactionId: 'pipelined-1', channel: 'voice', message: 'help' } },
      { t: 'snapshot', rid: 'snap' },
    ]);
    const result = await c.next((f) => f.t === 'result' && f.id === 'pipelined-raise');
    assert.ok(result.t === 'result' && result.outcome.ok);
    await c.next((f) => f.t === 'snapshot');
    assert.equal(kinds(c)[0], 'welcome');
    assert.deepEqual(kinds(c).filter((k) => k.startsWith('error')), []);
    c.close();
  });

  it('commands before the hello in the same write are refused; the hello after them still works', async () => {
    const c = await RawClient.open(relay.wsUrl);
    c.sendPipelined([
      { t: 'snapshot', rid: 'early' },
      { t: 'hello', token: await tokenFor(ann), resume: null },
      { t: 'snapshot', rid: 'late' },
    ]);
    await c.next((f) => f.t === 'snapshot' && f.rid === 'late');
    const early = c.log.find((f): f is ErrorFrame => f.t === 'error');
    assert.equal(early?.rid, 'early');
    assert.equal(early?.error.code, 'unauthenticated');
    c.close();
  });
});

describe('token refresh never extends a connection it does not authenticate', () => {
  let relay: RelayProcess;
  before(async () => {
    relay = await RelayProcess.start();
  });
  after(() => relay.dispose());

  it("a refresh with another user's valid token is refused and the connection still closes 4401 at the first token's exp", async () => {
    const c = await RawClient.connect(relay.wsUrl, await tokenFor(sam, '2s'));
    c.send({ t: 'refresh', token: await tokenFor(ann, '10m') });
    const refused = await c.next<ErrorFrame>((f) => f.t === 'error');
    assert.equal(refused.error.message, 'A refreshed token must be for the same participant.');
    const expired = await c.next<ErrorFrame>((f) => f.t === 'error');
    assert.equal(expired.error.message, 'Token expired; send a refresh frame before exp.');
    assert.equal((await c.closed).code, 4401);
  });

  it('pipelined refreshes (own, then someone else’s) and a hello: only the own token counts', async () => {
    const c = await RawClient.connect(relay.wsUrl, await tokenFor(ann, '2s'));
    const lapsed = await RawClient.connect(relay.wsUrl, await tokenFor(ann, '2s'));
    c.sendPipelined([
      { t: 'refresh', token: await tokenFor(ann, '10m') },
      { t: 'refresh', token: await tokenFor(sam, '10m') },
      { t: 'hello', token: await tokenFor(sam, '10m'), resume: null },
    ]);
    await c.until((log) => log.filter((f) => f.t === 'error').length === 2);
    assert.deepEqual(kinds(c).filter((k) => k.startsWith('error')).sort(), ['error:invalid-frame', 'error:unauthenticated']);
    // The lapsed connection is the clock: once it is closed for expiry, the first token is dead.
    assert.equal((await lapsed.closed).code, 4401);
    await c.ping();
    const me = c.log.find((f) => f.t === 'welcome');
    assert.equal(me?.t === 'welcome' && me.me.id, 'ann');
    c.close();
  });
});
