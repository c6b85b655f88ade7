/**
 * Resume after a reconnect (authorized per participant), "snapshot needed" when the relay cannot
 * replay, and graceful shutdown: SIGTERM answers what is in flight, says bye with a reconnect
 * hint, exits 0, and a restart on the same file resumes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerFrame } from '@flagline/core';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { RawClient } from './helpers/raw-client.js';
import { ann, ben, sam, sue } from './helpers/people.js';

type Welcome = Extract<ServerFrame, { t: 'welcome' }>;
type EventFrame = Extract<ServerFrame, { t: 'event' }>;
type ResultFrame = Extract<ServerFrame, { t: 'result' }>;

async function hello(url: string, token: string, resume: { epoch: string; pos: number } | null) {
  const c = await RawClient.open(url);
  c.send({ t: 'hello', token, resume });
  const welcome = await c.next<Welcome>((f) => f.t === 'welcome');
  return { c, welcome };
}

describe('resume', () => {
  let relay: RelayProcess;
  before(async () => {
    relay = await RelayProcess.start();
  });
  after(() => relay.dispose());

  it('a reconnecting client gets exactly what it missed, then live events', async () => {
    const sup = await hello(relay.wsUrl, await tokenFor(sam), null);
    const point = { epoch: sup.welcome.epoch, pos: sup.welcome.pos };
    sup.c.close();
    await sup.c.closed;

    const agent = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    const raised = (await agent.command('res-raise', { type: 'raise', interactionId: 'i-res', channel: 'voice', message: 'missed?' })) as ResultFrame;
    const flagId = raised.outcome.ok ? raised.outcome.flagId! : '';
    await agent.command('res-msg', { type: 'send-message', flagId, text: 'while you were away' });

    const back = await hello(relay.wsUrl, await tokenFor(sam), point);
    assert.equal(back.welcome.resumed, true);
    await back.c.until((log) => log.filter((f) => f.t === 'event').length === 2);
    await agent.command('res-live', { type: 'send-message', flagId, text: 'live' });
    await back.c.until((log) => log.filter((f) => f.t === 'event').length === 3);
    const events = back.c.log.filter((f): f is EventFrame => f.t === 'event');
    assert.deepEqual(events.map((e) => [e.event.type, e.event.seq]), [['raised', 1], ['message', 2], ['message', 3]]);
    assert.deepEqual(events.map((e) => e.pos), [point.pos + 1, point.pos + 2, point.pos + 3]);
    agent.close();
    back.c.close();
  });

  it('replay is authorized: another agent and another team’s supervisor get none of it', async () => {
    const start = await hello(relay.wsUrl, await tokenFor(ben), null);
    const point = { epoch: start.welcome.epoch, pos: start.welcome.pos };
    start.c.close();
    const agent = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    await agent.command('auth-raise', { type: 'raise', interactionId: 'i-auth', channel: 'voice', message: 'private' });
    for (const who of [ben, sue]) {
      const back = await hello(relay.wsUrl, await tokenFor(who), point);
      assert.equal(back.welcome.resumed, true);
      assert.ok(back.welcome.pos > point.pos);
      await back.c.ping();
      assert.equal(back.c.log.filter((f) => f.t === 'event').length, 0, `${who.id} sees nothing of ann's flag`);
      back.c.close();
    }
    agent.close();
  });

  it('an unknown epoch or a point beyond the log says resumed: false (snapshot needed)', async () => {
    const other = await hello(relay.wsUrl, await tokenFor(sam), { epoch: 'some-other-epoch', pos: 3 });
    assert.equal(other.welcome.resumed, false);
    const ahead = await hello(relay.wsUrl, await tokenFor(sam), { epoch: other.welcome.epoch, pos: other.welcome.pos + 100 });
    assert.equal(ahead.welcome.resumed, false);
    ahead.c.send({ t: 'snapshot', rid: 'snap' });
    const snap = await ahead.c.next<Extract<ServerFrame, { t: 'snapshot' }>>((f) => f.t === 'snapshot');
    assert.equal(snap.snapshot.epoch, other.welcome.epoch);
    assert.ok(snap.snapshot.events.some((e) => e.type === 'raised' && e.interactionId === 'i-res'));
    other.c.close();
    ahead.c.close();
  });
});

describe('graceful shutdown', () => {
  const relays: RelayProcess[] = [];
  after(async () => {
    for (const r of relays.reverse()) await r.dispose();
  });

  it('SIGTERM: answers in-flight commands, sends bye with a reconnect hint, exits 0; restart resumes', async () => {
    const relay = await RelayProcess.start({ args: ['--reconnect-hint-ms', '1234', '--rate-per-connection', '0', '--rate-per-user', '0'] });
    relays.push(relay);
    const agent = await hello(relay.wsUrl, await tokenFor(ann), null);
    const raised = (await agent.c.command('sd-raise', { type: 'raise', interactionId: 'i-sd', channel: 'voice', message: 'bye?' })) as ResultFrame;
    const flagId = raised.outcome.ok ? raised.outcome.flagId! : '';
    for (let i = 0; i < 50; i++) agent.c.send({ t: 'cmd', id: `sd-${i}`, cmd: { type: 'send-message', flagId, text: `m${i}` } });
    // Stop as soon as the first of them is answered: the rest are in flight or not yet read.
    await agent.c.until((log) => log.some((f) => f.t === 'result' && f.id === 'sd-0'));
    const exit = relay.stop();
    const bye = await agent.c.next<Extract<ServerFrame, { t: 'bye' }>>((f) => f.t === 'bye');
    assert.equal(bye.reconnectInMs, 1234);
    assert.equal((await agent.c.closed).code, 1012);
    assert.deepEqual(await exit, { code: 0, signal: null }, relay.output.slice(-3000));
    const byeAt = agent.c.log.indexOf(bye);
    assert.ok(agent.c.log.slice(byeAt + 1).length === 0, 'nothing after bye');
    const answered = agent.c.log.filter((f): f is ResultFrame => f.t === 'result' && f.id.startsWith('sd-'));

    const again = await RelayProcess.start({ db: relay.db, args: ['--rate-per-connection', '0', '--rate-per-user', '0'] });
    relays.push(again);
    const back = await hello(again.wsUrl, await tokenFor(ann), { epoch: agent.welcome.epoch, pos: agent.welcome.pos });
    assert.equal(back.welcome.resumed, true);
    // What was answered before bye is stored; retrying any id (answered or not) applies it once.
    for (const r of answered) assert.deepEqual(await back.c.command(r.id, { type: 'send-message', flagId, text: 'ignored on retry' }), r);
    for (let i = 0; i < 50; i++) await back.c.command(`sd-${i}`, { type: 'send-message', flagId, text: `m${i}` });
    assert.equal((await back.c.history(flagId)).length, 51);
    back.c.close();
  });
});
