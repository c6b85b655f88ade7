/**
 * Hardening at a real relay: bad frames get error frames and change nothing, limits answer with
 * rate-limited, oversize messages are cut off, and through it all the connection and the server
 * stay healthy.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerFrame } from '@flagline/core';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { RawClient } from './helpers/raw-client.js';
import { ann, ben, sam } from './helpers/people.js';

type ErrorFrame = Extract<ServerFrame, { t: 'error' }>;
type ResultFrame = Extract<ServerFrame, { t: 'result' }>;
const isError = (f: ServerFrame): f is ErrorFrame => f.t === 'error';

describe('frames and rules', () => {
  let relay: RelayProcess;
  before(async () => {
    relay = await RelayProcess.start({ args: ['--rate-per-connection', '0', '--rate-per-user', '0'] });
  });
  after(() => relay.dispose());

  it('an agent sending supervisor-only commands gets not-allowed, and nothing changes', async () => {
    const agent = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    const raised = (await agent.command('r-own', { type: 'raise', interactionId: 'i-own', channel: 'voice', message: 'help' })) as ResultFrame;
    assert.equal(raised.outcome.ok, true);
    const flagId = raised.outcome.ok ? raised.outcome.flagId! : '';
    for (const cmd of [
      { type: 'acknowledge', flagId },
      { type: 'accept-join', flagId },
      { type: 'decline-join', flagId },
    ] as const) {
      const r = (await agent.command(`bad-${cmd.type}`, cmd)) as ResultFrame;
      assert.equal(!r.outcome.ok && r.outcome.error.code, 'not-allowed', cmd.type);
    }
    assert.deepEqual((await agent.history(flagId)).map((e) => e.type), ['raised']);
    agent.close();
  });

  it('identity in a payload is refused as an invalid frame, never trusted', async () => {
    const agent = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    agent.send({ t: 'cmd', id: 'spoof', cmd: { type: 'raise', interactionId: 'i-spoof', channel: 'voice', message: 'x', actor: { id: 'sam', name: 'Sam', role: 'supervisor' } } });
    const err = await agent.next(isError);
    assert.equal(err.error.code, 'invalid-frame');
    const again = (await agent.command('spoof-2', { type: 'raise', interactionId: 'i-spoof', channel: 'voice', message: 'x' })) as ResultFrame;
    assert.equal(again.outcome.ok, true, 'the refused frame raised nothing: the interaction is still free');
    const h = await agent.history(again.outcome.ok ? again.outcome.flagId! : '');
    assert.equal(h[0]!.actor.id, 'ann');
    agent.close();
  });

  it('malformed frames get invalid-frame errors; the connection keeps working', async () => {
    const c = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    const cases: [string | Buffer, RegExp][] = [
      ['{not json', /not valid JSON/],
      ['[]', /Invalid frame/],
      [JSON.stringify({ v: 2, t: 'snapshot', rid: 'x' }), /Unsupported protocol version 2/],
      [JSON.stringify({ v: 1, t: 'cmd', id: 'x', cmd: { type: 'launch-missiles' } }), /Invalid frame/],
      [JSON.stringify({ v: 1, t: 'cmd', id: 'bad id with spaces', cmd: { type: 'acknowledge', flagId: 'f' } }), /Invalid frame at id/],
      [Buffer.from([1, 2, 3]), /not binary/],
    ];
    for (const [raw, message] of cases) {
      c.sendRaw(raw);
      const err = await c.next(isError);
      assert.equal(err.error.code, 'invalid-frame');
      assert.match(err.error.message, message);
    }
    await c.ping();
    c.close();
  });

  it('a frame over the frame limit gets an error and the connection stays; over maxPayload the socket closes 1009 and the server stays up', async () => {
    const c = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    const big = JSON.stringify({ v: 1, t: 'snapshot', rid: 'pad', pad: 'x'.repeat(40 * 1024) });
    c.sendRaw(big);
    const err = await c.next(isError);
    assert.deepEqual([err.error.code, err.error.message], ['invalid-frame', `Frame of ${Buffer.byteLength(big)} bytes exceeds the 32768-byte limit.`]);
    // Answered with its request id, so a waiting sender settles instead of hanging.
    assert.equal(err.rid, 'pad');
    await c.ping();

    c.sendRaw('x'.repeat(100 * 1024));
    assert.equal((await c.closed).code, 1009);
    const next = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    await next.ping();
    next.close();
  });

  it('a message over the text limit is refused with too-long', async () => {
    const agent = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    const r = (await agent.command('long', { type: 'raise', interactionId: 'i-long', channel: 'voice', message: 'x'.repeat(1001) })) as ResultFrame;
    assert.equal(!r.outcome.ok && r.outcome.error.code, 'too-long');
    agent.close();
  });

  it('retrying a command id returns the original outcome and adds no event; another user cannot reuse it', async () => {
    const agent = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    const supervisor = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    const raise = { type: 'raise', interactionId: 'i-idem', channel: 'voice', message: 'once' } as const;
    const first = (await agent.command('idem-1', raise)) as ResultFrame;
    const second = (await agent.command('idem-1', raise)) as ResultFrame;
    assert.deepEqual(second.outcome, first.outcome);
    const flagId = first.outcome.ok ? first.outcome.flagId! : '';
    const msg = { type: 'send-message', flagId, text: 'only once' } as const;
    const sent = await Promise.all([agent.command('idem-m', msg), agent.command('idem-m', msg)]);
    assert.deepEqual(sent[0], sent[1]);
    // A fresh connection (as after a reload) retrying the same id: still the original outcome.
    const reloaded = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    assert.deepEqual(await reloaded.command('idem-m', msg), sent[0]);

    const stolen = (await supervisor.command('idem-1', { type: 'acknowledge', flagId })) as ResultFrame;
    assert.equal(!stolen.outcome.ok && stolen.outcome.error.message, 'Command id idem-1 was already used by someone else.');
    assert.deepEqual((await supervisor.history(flagId)).map((e) => e.type), ['raised', 'message']);
    for (const c of [agent, supervisor, reloaded]) c.close();
  });

  it('two supervisors racing to acknowledge: exactly one wins, the other is told who', async () => {
    const agent = await RawClient.connect(relay.wsUrl, await tokenFor(ben));
    const raised = (await agent.command('race-raise', { type: 'raise', interactionId: 'i-race', channel: 'voice', message: 'race' })) as ResultFrame;
    const flagId = raised.outcome.ok ? raised.outcome.flagId! : '';
    const [s1, s2] = await Promise.all([RawClient.connect(relay.wsUrl, await tokenFor(sam)), RawClient.connect(relay.wsUrl, await tokenFor({ ...sam, id: 'sid', name: 'Sid Supervisor' }))]);
    const results = (await Promise.all([s1.command('ack-sam', { type: 'acknowledge', flagId }), s2.command('ack-sid', { type: 'acknowledge', flagId })])) as ResultFrame[];
    const winners = results.filter((r) => r.outcome.ok);
    const losers = results.filter((r) => !r.outcome.ok);
    assert.equal(winners.length, 1);
    assert.equal(losers.length, 1);
    const winner = winners[0] === results[0] ? 'Sam Supervisor' : 'Sid Supervisor';
    const lost = losers[0]!.outcome;
    assert.equal(!lost.ok && lost.error.code, 'already-acknowledged');
    assert.match(!lost.ok ? lost.error.message : '', new RegExp(winner));
    assert.deepEqual((await s1.history(flagId)).map((e) => e.type), ['raised', 'acknowledged']);
    for (const c of [agent, s1, s2]) c.close();
  });
});

describe('limits', () => {
  const relays: RelayProcess[] = [];
  /** Answers to snapshot requests: the snapshot, or a refusal for the rate. */
  const answers = (log: readonly ServerFrame[]) => log.filter((f) => f.t === 'snapshot' || (f.t === 'error' && f.error.code === 'rate-limited'));
  after(async () => {
    for (const r of relays) await r.dispose();
  });

  it('per-connection rate limit answers rate-limited with a retry hint; the connection survives', async () => {
    const relay = await RelayProcess.start({ args: ['--rate-per-connection', '5', '--rate-per-user', '0'] });
    relays.push(relay);
    const c = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    for (let i = 0; i < 30; i++) c.send({ t: 'snapshot', rid: `s${i}` });
    await c.until((log) => answers(log).length === 30);
    const limited = c.log.find(isError)!;
    assert.equal(limited.error.message, 'Too many frames on this connection; slow down.');
    assert.equal(typeof limited.error.details?.retryAfterMs, 'number');
    // Every frame was answered (none dropped silently); about the burst of 10, less hello, got through.
    const served = c.log.filter((f) => f.t === 'snapshot').length;
    assert.ok(served >= 9 && served < 30, `${served} served`);
    c.close();
  });

  it('frames that cannot be read count against the rate limit, and a connection flooding far past it is closed 1008', async () => {
    const relay = await RelayProcess.start({ args: ['--rate-per-connection', '1', '--rate-per-user', '0'] });
    relays.push(relay);
    const c = await RawClient.open(relay.wsUrl);
    for (let i = 0; i < 520; i++) c.sendRaw('{not json');
    const closed = await c.closed;
    const codes = c.log.filter(isError).map((f) => f.error.code);
    // The burst of 2 is read and refused as invalid; after it, unread frames are refused for the rate.
    assert.deepEqual(codes.slice(0, 3), ['invalid-frame', 'invalid-frame', 'rate-limited']);
    assert.equal(closed.code, 1008);
    assert.equal(c.log.filter(isError).at(-1)!.error.message, 'More than 500 frames in a row over the rate limit.');
    // Others are served meanwhile.
    const other = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    await other.ping();
    other.close();
  });

  it('per-user rate limit applies across connections', async () => {
    const relay = await RelayProcess.start({ args: ['--rate-per-connection', '0', '--rate-per-user', '3'] });
    relays.push(relay);
    const a = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    const b = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    for (let i = 0; i < 4; i++) a.send({ t: 'snapshot', rid: `a${i}` });
    // b shares what is left of the burst of 6 (3/s): 20 frames outrun the refill however slowly
    // the relay gets to them (it would take over 4 s), and every one is answered either way.
    for (let i = 0; i < 20; i++) b.send({ t: 'snapshot', rid: `b${i}` });
    await b.until((log) => answers(log).length === 20);
    const err = b.log.find(isError);
    assert.deepEqual([err?.error.code, err?.error.message], ['rate-limited', 'Too many frames for this participant; slow down.']);
    a.close();
    b.close();
  });

  it('per-user rate limit: closing every connection and opening new ones does not refill it', async () => {
    const relay = await RelayProcess.start({ args: ['--rate-per-connection', '0', '--rate-per-user', '2'] });
    relays.push(relay);
    const token = await tokenFor(sam);
    // A burst of 4 (2/s): each socket's hello and snapshot take two. Cycling sockets used to get a
    // fresh bucket each time the last one closed; now the fifth socket in a row finds it empty.
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await RawClient.open(relay.wsUrl);
      c.send({ t: 'hello', token, resume: null });
      c.send({ t: 'snapshot', rid: `s${i}` });
      const first = await c.next((f) => f.t === 'welcome' || isError(f));
      outcomes.push(first.t === 'welcome' ? 'welcome' : first.error.code);
      c.close();
      await c.closed;
    }
    assert.equal(outcomes[0], 'welcome');
    assert.ok(outcomes.includes('rate-limited'), `a hello was refused once the bucket was empty: ${outcomes.join(', ')}`);
  });

  it('connection caps: per participant (close 4429) and in total (HTTP 503)', async () => {
    const relay = await RelayProcess.start({ args: ['--max-connections-per-user', '2', '--max-connections', '3'] });
    relays.push(relay);
    const token = await tokenFor(ann);
    const a = await RawClient.connect(relay.wsUrl, token);
    const b = await RawClient.connect(relay.wsUrl, token);
    const c = await RawClient.open(relay.wsUrl);
    c.send({ t: 'hello', token, resume: null });
    const err = await c.next(isError);
    assert.deepEqual([err.error.code, err.error.message], ['rate-limited', 'Too many connections for ann (limit 2).']);
    assert.equal((await c.closed).code, 4429);
    const d = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    await assert.rejects(RawClient.open(relay.wsUrl), { status: 503 });
    b.close();
    await b.closed;
    await (await RawClient.connect(relay.wsUrl, token)).ping();
    for (const x of [a, d]) x.close();
  });

  it('admission control: beyond the burst, each new connection is told its own later slot (bye + 1013), not refused', async () => {
    const relay = await RelayProcess.start({ args: ['--admit-per-second', '1', '--admit-burst', '2'] });
    relays.push(relay);
    const sockets = [];
    for (let i = 0; i < 5; i++) sockets.push(await RawClient.open(relay.wsUrl));
    const [first, second, ...deferred] = sockets;
    for (const c of [first!, second!]) c.send({ t: 'hello', token: await tokenFor(sam), resume: null });
    await first!.next((f) => f.t === 'welcome');
    await second!.next((f) => f.t === 'welcome');
    const slots: number[] = [];
    for (const c of deferred) {
      const bye = await c.next((f) => f.t === 'bye');
      assert.ok(bye.t === 'bye');
      assert.equal(bye.reason, 'The relay is admitting connections gradually.');
      assert.equal((await c.closed).code, 1013);
      slots.push(bye.reconnectInMs);
    }
    // One second apart at 1 per second (less the time the sockets took to open).
    assert.ok(slots.every((ms, i) => ms > 0 && (i === 0 || ms > slots[i - 1]!)), `increasing slots: ${slots.join(', ')}`);
    assert.ok(slots[2]! - slots[0]! > 1_500, `spread at the admission rate: ${slots.join(', ')}`);
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    assert.match(metrics, /^flagline_admissions_deferred_total 3$/m);
    first!.close();
    second!.close();
  });

  it('heartbeat: a peer that stops answering pings is cut off', async () => {
    const relay = await RelayProcess.start({ args: ['--heartbeat-ms', '100'] });
    relays.push(relay);
    const c = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    // Stop reading: pings go unanswered, as with a vanished laptop.
    (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const entry = await relay.waitForLog('heartbeat missed');
    assert.equal(entry.participant, 'sam');
    (c.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    assert.equal((await c.closed).code, 1006);
  });

  it('slow consumer: a client that does not read while frames pile up is disconnected', async () => {
    const relay = await RelayProcess.start({ args: ['--slow-consumer-bytes', '65536', '--rate-per-connection', '0', '--rate-per-user', '0', '--heartbeat-ms', '600000'] });
    relays.push(relay);
    const agent = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    const raised = (await agent.command('slow-r', { type: 'raise', interactionId: 'i-slow', channel: 'voice', message: 'm' })) as ResultFrame;
    const flagId = raised.outcome.ok ? raised.outcome.flagId! : '';
    for (let i = 0; i < 40; i++) await agent.command(`slow-m${i}`, { type: 'send-message', flagId, text: 'y'.repeat(1000) });
    const slow = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    // Each snapshot is ~45 KB; 400 of them overflow the socket buffers and then our limit.
    for (let i = 0; i < 400; i++) slow.send({ t: 'snapshot', rid: `s${i}` });
    const entry = await relay.waitForLog('slow consumer disconnected');
    assert.equal(entry.participant, 'ann');
    await agent.ping();
    agent.close();
    slow.ws.terminate();
  });
});
