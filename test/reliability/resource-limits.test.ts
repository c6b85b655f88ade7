/**
 * Resource limits at a real relay: a client sending ten times its rate limit is throttled with
 * clear rate-limited errors while another client is unaffected; thousands of idle connections
 * cost bounded memory; a consumer that stops reading is cut off while the others get every event.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Participant, ServerFrame } from '@flagline/core';
import { RelayProcess, tokenFor } from '../../packages/relay/test/helpers/relay-process.js';
import { RawClient } from '../../packages/relay/test/helpers/raw-client.js';
import { ann, ben, sam, sid } from '../../packages/relay/test/helpers/people.js';
import { rssMiB } from '../security/relay-memory.js';
import { report, scale } from './support/scale.js';

const IDLE = scale(500, 5_000);
const relays: RelayProcess[] = [];
async function relayWith(args: string[]): Promise<RelayProcess> {
  const relay = await RelayProcess.start({ args });
  relays.push(relay);
  return relay;
}

async function raise(c: RawClient, interactionId: string): Promise<string> {
  const r = await c.command(`raise-${interactionId}`, { type: 'raise', interactionId, channel: 'voice', message: 'limits' });
  assert.ok(r.t === 'result' && r.outcome.ok);
  return r.outcome.flagId!;
}

describe('resource limits', { timeout: scale(90_000, 600_000) }, () => {
  after(async () => {
    for (const r of relays) await r.dispose();
  });

  it('10× the rate limit from one client: it gets rate-limited errors, every frame answered; another client is unaffected', async () => {
    const RATE = 10;
    const relay = await relayWith(['--rate-per-connection', String(RATE), '--rate-per-user', String(RATE)]);
    const noisy = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    const calm = await RawClient.connect(relay.wsUrl, await tokenFor(ben));
    const noisyFlag = await raise(noisy, 'rl-noisy');
    const calmFlag = await raise(calm, 'rl-calm');
    const SECONDS = 2;
    const sent = RATE * 10 * SECONDS;
    const started = Date.now();
    const calmResults: Promise<Extract<ServerFrame, { t: 'result' | 'error' }>>[] = [];
    // The noisy client sends 100 frames a second; the calm one 2 a second, within its limit.
    for (let i = 0; i < sent; i++) {
      noisy.send({ t: 'cmd', id: `noisy-${i}`, cmd: { type: 'send-message', flagId: noisyFlag, text: `flood ${i}` } });
      if (i % 50 === 0) calmResults.push(calm.command(`calm-${i}`, { type: 'send-message', flagId: calmFlag, text: `calm ${i}` }));
      await new Promise((r) => setTimeout(r, 1000 / (RATE * 10)));
    }
    const answered = (log: readonly ServerFrame[]) => log.filter((f) => (f.t === 'result' && f.id.startsWith('noisy-')) || (f.t === 'error' && f.rid?.startsWith('noisy-')));
    await noisy.until((log) => answered(log).length === sent);
    const elapsed = (Date.now() - started) / 1000;
    const limited = noisy.log.filter((f): f is Extract<ServerFrame, { t: 'error' }> => f.t === 'error' && f.error.code === 'rate-limited');
    const accepted = noisy.log.filter((f) => f.t === 'result' && f.id.startsWith('noisy-') && f.outcome.ok).length;
    const calmDone = await Promise.all(calmResults);

    report('limits', { 'rate limit /s': RATE, 'frames sent': sent, accepted, 'rate-limited': limited.length, seconds: elapsed.toFixed(1), 'sent per second': (sent / elapsed).toFixed(0), 'calm client ok': `${calmDone.filter((r) => r.t === 'result' && r.outcome.ok).length}/${calmDone.length}` });
    assert.equal(accepted + limited.length, sent, 'every frame was answered: accepted or rate-limited, none dropped');
    assert.ok(limited.length > 0, 'the excess was refused');
    // Burst (2× rate) plus the rate over the elapsed time, and one token of rounding.
    assert.ok(accepted <= 2 * RATE + RATE * elapsed + 1, `${accepted} accepted in ${elapsed}s`);
    assert.match(limited[0]!.error.message, /slow down/);
    assert.equal(typeof limited[0]!.error.details?.retryAfterMs, 'number');
    assert.ok(calmDone.every((r) => r.t === 'result' && r.outcome.ok), 'the calm client was never limited');
    // Refused commands changed nothing: the flag holds exactly the accepted messages.
    // Checked from a supervisor's connection: the noisy one's own bucket may still be empty.
    const supervisor = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    supervisor.send({ t: 'history', rid: 'rl-h', flagId: noisyFlag, afterSeq: 0 });
    const history = await supervisor.next<Extract<ServerFrame, { t: 'history' }>>((f) => f.t === 'history' && f.rid === 'rl-h');
    assert.equal(history.events.filter((e) => e.type === 'message').length, accepted);
    supervisor.close();
    noisy.close();
    calm.close();
  });

  it(`${IDLE} idle connections: memory reported and bounded; the relay still answers`, async () => {
    const relay = await relayWith(['--max-connections', String(IDLE + 100), '--heartbeat-ms', '600000', '--hello-timeout-ms', '600000']);
    const baseline = rssMiB(relay.proc.pid!);
    const idle: RawClient[] = [];
    const started = Date.now();
    for (let i = 0; i < IDLE; i += 100) {
      const batch = Array.from({ length: Math.min(100, IDLE - i) }, async (_, k): Promise<RawClient> => {
        const p: Participant = { id: `idle-${i + k}`, name: `Idle ${i + k}`, role: i % 2 ? 'agent' : 'supervisor', teams: [`team-${k % 10}`] };
        return RawClient.connect(relay.wsUrl, await tokenFor(p));
      });
      idle.push(...(await Promise.all(batch)));
    }
    const connectSeconds = (Date.now() - started) / 1000;
    const loaded = rssMiB(relay.proc.pid!);
    const perConnectionKiB = ((loaded - baseline) * 1024) / IDLE;
    // Still serving: a flag raised now reaches its supervisor at once.
    const agent = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    const supervisor = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    const flagId = await raise(agent, 'idle-check');
    await supervisor.next((f) => f.t === 'event' && f.event.flagId === flagId);
    report('limits', { 'idle connections': IDLE, 'rss baseline MiB': baseline, 'rss loaded MiB': loaded, 'KiB per connection': perConnectionKiB.toFixed(1), 'connect seconds': connectSeconds.toFixed(1) });
    assert.ok(perConnectionKiB < 64, `each idle connection costs ${perConnectionKiB.toFixed(1)} KiB`);
    for (const c of [...idle, agent, supervisor]) c.ws.terminate();
  });

  it('a consumer that stops reading is disconnected; the others get every event and keep working', async () => {
    const relay = await relayWith(['--slow-consumer-bytes', '262144', '--rate-per-connection', '0', '--rate-per-user', '0', '--message-length', '30000', '--heartbeat-ms', '600000']);
    const agent = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    const reader = await RawClient.connect(relay.wsUrl, await tokenFor(sid));
    const slow = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    const flagId = await raise(agent, 'slow-consumer');
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    // 600 messages of 30,000 characters, one after another: 18 MB of events the slow one does not read.
    const MESSAGES = 600;
    const text = 'z'.repeat(30_000);
    let accepted = 0;
    for (let i = 0; i < MESSAGES; i++) {
      const r = await agent.command(`big-${i}`, { type: 'send-message', flagId, text });
      if (r.t === 'result' && r.outcome.ok) accepted++;
    }
    assert.equal(accepted, MESSAGES, "the sender's commands all succeeded");
    const cut = relay.logs.filter((l) => l.msg === 'slow consumer disconnected').map((l) => l.participant);
    assert.deepEqual(cut, ['sam'], 'only the consumer that stopped reading was cut off');
    const entry = relay.logs.find((l) => l.msg === 'slow consumer disconnected')!;
    await reader.until((log) => log.filter((f) => f.t === 'event' && f.event.type === 'message').length === MESSAGES);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await slow.closed;
    report('limits', { 'slow consumer': 'disconnected', 'close code': closed.code, 'events to the reader': MESSAGES, 'buffered when cut (bytes)': String(entry.buffered) });
    assert.ok([1013, 1006].includes(closed.code), `closed with ${closed.code}`);
    await reader.ping();
    for (const c of [agent, reader]) c.close();
  });
});
