/**
 * Durability: kill -9 the relay in the middle of a burst of commands, restart it on the same
 * file, and check that every acknowledged command is there exactly once with its original
 * outcome, that clients resume from where they were, and that resending everything (as the
 * outbox does) leaves each command applied exactly once.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FlagEvent, Outcome, ServerFrame } from '@flagline/core';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { RawClient } from './helpers/raw-client.js';
import { ann, sam } from './helpers/people.js';

type ResultFrame = Extract<ServerFrame, { t: 'result' }>;
type EventFrame = Extract<ServerFrame, { t: 'event' }>;
const BURST = 3000;
const KILL_AFTER = 300;
const unlimited = ['--rate-per-connection', '0', '--rate-per-user', '0'];

describe('durability', () => {
  const relays: RelayProcess[] = [];
  after(async () => {
    for (const r of relays.reverse()) await r.dispose();
  });

  it('kill -9 mid-burst loses nothing acknowledged; restart, resume and resend apply each command once', async () => {
    const first = await RelayProcess.start({ args: unlimited });
    relays.push(first);
    const agent = await RawClient.connect(first.wsUrl, await tokenFor(ann));
    const supervisor = await RawClient.connect(first.wsUrl, await tokenFor(sam));
    const raised = (await agent.command('dur-raise', { type: 'raise', interactionId: 'i-dur', channel: 'voice', message: 'burst' })) as ResultFrame;
    assert.equal(raised.outcome.ok, true);
    const flagId = raised.outcome.ok ? raised.outcome.flagId! : '';
    const welcomeEpoch = first.logs.find((l) => l.msg === 'listening')!.epoch as string;

    const acked = new Map<string, Outcome>();
    agent.ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as ServerFrame;
      if (f.t === 'result') acked.set(f.id, f.outcome);
    });
    const cmd = (i: number) => ({ type: 'send-message', flagId, text: `burst ${i}` }) as const;
    const send = (from: number, to: number) => {
      for (let i = from; i < to; i++) agent.send({ t: 'cmd', id: `m${i}`, cmd: cmd(i) });
    };
    // The first half goes out; once some of it is answered the relay is frozen (SIGSTOP), the
    // second half is sent to it, and it is killed: commands are certainly in flight at the kill,
    // however fast the relay got through the first half.
    send(0, BURST / 2);
    await agent.until(() => acked.size >= KILL_AFTER);
    first.proc.kill('SIGSTOP');
    send(BURST / 2, BURST);
    assert.equal((await first.kill9()).signal, 'SIGKILL');
    await agent.closed;
    await supervisor.closed;
    assert.ok(acked.size < BURST, `the kill landed mid-burst (${acked.size} of ${BURST} acknowledged)`);
    const seen = supervisor.log.filter((f): f is EventFrame => f.t === 'event');
    const lastPos = seen.at(-1)!.pos;

    const second = await RelayProcess.start({ db: first.db, args: unlimited });
    relays.push(second);
    assert.equal(second.logs.find((l) => l.msg === 'listening')!.epoch, welcomeEpoch, 'same data, same epoch');

    // The supervisor resumes where it was: replay continues its log with no gap and no repeat.
    const resumed = await RawClient.open(second.wsUrl);
    resumed.send({ t: 'hello', token: await tokenFor(sam), resume: { epoch: welcomeEpoch, pos: lastPos } });
    const welcome = await resumed.next<Extract<ServerFrame, { t: 'welcome' }>>((f) => f.t === 'welcome');
    assert.equal(welcome.resumed, true);
    await resumed.until((log) => log.filter((f) => f.t === 'event').length === welcome.pos - lastPos);
    const replayed = resumed.log.filter((f): f is EventFrame => f.t === 'event');
    assert.deepEqual(
      [...seen, ...replayed].map((f) => f.pos),
      Array.from({ length: welcome.pos }, (_, i) => i + 1),
    );

    // Every acknowledged command is stored exactly once and retrying it returns its outcome.
    const again = await RawClient.connect(second.wsUrl, await tokenFor(ann));
    const messages = (events: FlagEvent[]) => events.flatMap((e) => (e.type === 'message' ? [e.clientId] : []));
    const stored = messages(await again.history(flagId));
    assert.equal(new Set(stored).size, stored.length, 'no command applied twice');
    for (const id of acked.keys()) assert.ok(stored.includes(id), `acknowledged ${id} survived the kill`);
    for (const [id, outcome] of acked) {
      const r = (await again.command(id, cmd(Number(id.slice(1))))) as ResultFrame;
      assert.deepEqual(r.outcome, outcome, `retrying ${id} returns its original outcome`);
    }

    // The outbox resends everything unacknowledged: afterwards each command is there once.
    const results = await Promise.all(Array.from({ length: BURST }, (_, i) => again.command(`m${i}`, cmd(i))));
    assert.ok(results.every((r) => r.t === 'result' && r.outcome.ok));
    const final = await again.history(flagId);
    assert.deepEqual(messages(final).sort(), Array.from({ length: BURST }, (_, i) => `m${i}`).sort());
    assert.deepEqual(final.map((e) => e.seq), Array.from({ length: BURST + 1 }, (_, i) => i + 1));
    for (const c of [again, resumed]) c.close();
  });
});
