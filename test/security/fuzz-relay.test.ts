/**
 * Fuzzing a live relay: thousands of generated bad frames (malformed JSON, wrong types, deep and
 * huge values, unknown versions, random bytes, torn frames, binary frames, fragment floods) on
 * authenticated and unauthenticated connections. The relay must answer every one with an
 * `invalid-frame` error, keep serving, leave its state exactly as it was, and keep its memory.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeClientFrame, type ServerFrame } from '@flagline/core';
import { RelayProcess, tokenFor } from '../../packages/relay/test/helpers/relay-process.js';
import { RawClient } from '../../packages/relay/test/helpers/raw-client.js';
import { ann, sam } from '../../packages/relay/test/helpers/people.js';
import { clientFrame, deepFrame, garbage, huge, mutated, truncated, unknownVersion, wrongType } from './frames.js';
import { rssMiB } from './relay-memory.js';
import { report, scale } from '../reliability/support/scale.js';

type Snapshot = Extract<ServerFrame, { t: 'snapshot' }>['snapshot'];
const FRAMES = scale(2_000, 60_000);
const BATCH = 250;
const MAX_PAYLOAD = 64 * 1024;

/** Bad frames only: whatever the decoder would accept is left out, so no state may change. */
function badFrames(n: number, seed: number): string[] {
  const text = fc.oneof(
    { weight: 3, arbitrary: mutated(clientFrame).map((f) => JSON.stringify(f)) },
    { weight: 3, arbitrary: wrongType(clientFrame).map((f) => JSON.stringify(f)) },
    { weight: 2, arbitrary: unknownVersion.map((f) => JSON.stringify(f)) },
    { weight: 3, arbitrary: garbage },
    { weight: 2, arbitrary: truncated(clientFrame) },
    { weight: 1, arbitrary: deepFrame },
    { weight: 1, arbitrary: huge },
  );
  const out: string[] = [];
  for (let s = seed; out.length < n; s++) {
    for (const raw of fc.sample(text, { numRuns: n, seed: s })) {
      // Over maxPayload the socket is closed (1009) rather than answered: tested on its own below.
      if (Buffer.byteLength(raw) > MAX_PAYLOAD) continue;
      try {
        decodeClientFrame(raw);
      } catch {
        out.push(raw);
      }
    }
  }
  return out.slice(0, n);
}

const invalidAnswers = (log: readonly ServerFrame[]) => log.filter((f) => f.t === 'error' && f.error.code === 'invalid-frame').length;

async function snapshotOf(c: RawClient, rid: string): Promise<Snapshot> {
  c.send({ t: 'snapshot', rid });
  return (await c.next<Extract<ServerFrame, { t: 'snapshot' }>>((f) => f.t === 'snapshot' && f.rid === rid)).snapshot;
}

/** Sends frames in batches, waiting for each batch's answers (bounded by the test timeout). */
async function blast(c: RawClient, frames: (string | Buffer)[]): Promise<void> {
  const start = invalidAnswers(c.log);
  for (let i = 0; i < frames.length; i += BATCH) {
    const batch = frames.slice(i, i + BATCH);
    for (const raw of batch) c.sendRaw(raw);
    const closed = c.closed.then((e) => assert.fail(`the relay closed the connection (${e.code} ${e.reason})`));
    await Promise.race([c.until((log) => invalidAnswers(log) >= start + i + batch.length), closed]);
  }
  assert.equal(invalidAnswers(c.log) - start, frames.length, 'every bad frame was answered with invalid-frame');
  assert.equal(c.log.filter((f) => f.t === 'error' && f.error.code !== 'invalid-frame').length, 0, 'no other error (e.g. internal) was answered');
}

describe('fuzz: live relay', { timeout: scale(120_000, 1_800_000) }, () => {
  let relay: RelayProcess;
  let agent: RawClient;
  let supervisor: RawClient;
  before(async () => {
    relay = await RelayProcess.start({ args: ['--rate-per-connection', '0', '--rate-per-user', '0', '--hello-timeout-ms', '600000'] });
    agent = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    supervisor = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    const raised = await agent.command('fz-raise', { type: 'raise', interactionId: 'fz-i', channel: 'voice', message: 'before the fuzz' });
    const flagId = raised.t === 'result' && raised.outcome.ok ? raised.outcome.flagId! : assert.fail('raise failed');
    await supervisor.command('fz-ack', { type: 'acknowledge', flagId });
    await agent.command('fz-msg', { type: 'send-message', flagId, text: 'still here' });
  });
  after(async () => {
    agent?.close();
    supervisor?.close();
    await relay?.dispose();
  });

  it('answers every bad frame with invalid-frame, changes nothing, stays up and keeps its memory', async () => {
    const before = { agent: await snapshotOf(agent, 'before-a'), supervisor: await snapshotOf(supervisor, 'before-s') };
    const rssBefore = rssMiB(relay.proc.pid!);
    const frames = badFrames(FRAMES, 42);
    const third = Math.floor(frames.length / 3);
    const binary = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 256 }), { numRuns: Math.ceil(FRAMES / 50), seed: 7 }).map((b) => Buffer.from(b));
    const stranger = await RawClient.open(relay.wsUrl);
    await Promise.all([
      blast(agent, frames.slice(0, third)),
      blast(supervisor, [...frames.slice(third, 2 * third), ...binary]),
      // Before hello: the decoder answers first, authentication never comes into it.
      blast(stranger, frames.slice(2 * third)),
    ]);
    stranger.close();
    const rssAfter = rssMiB(relay.proc.pid!);

    assert.deepEqual(await snapshotOf(agent, 'after-a'), before.agent, "the agent's view is unchanged");
    assert.deepEqual(await snapshotOf(supervisor, 'after-s'), before.supervisor, "the supervisor's view is unchanged");
    assert.equal(relay.proc.exitCode, null);
    report('fuzz', { 'relay frames': frames.length + binary.length, 'invalid-frame answers': frames.length + binary.length, 'rss before MiB': rssBefore, 'rss after MiB': rssAfter });
    assert.ok(rssAfter < rssBefore + 64, `relay memory grew from ${rssBefore} to ${rssAfter} MiB`);
  });

  it('fragment floods: many small fragments make one frame (answered); past maxPayload the socket closes 1009, past the fragment cap 1008; the relay stays up', async () => {
    const c = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    const floods = scale(20, 200);
    for (let i = 0; i < floods; i++) {
      // 2,000 fragments of 8 bytes, then the final one: 16 KB of garbage in one message.
      for (let k = 0; k < 2_000; k++) c.ws.send('{"v":1,"', { fin: false });
      c.ws.send('}', { fin: true });
    }
    await c.until((log) => invalidAnswers(log) === floods);
    await c.ping();

    const cut = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    // Endless fragments: the relay must count their total, not each one, and cut at maxPayload (64 KB).
    const chunk = 'x'.repeat(1024);
    for (let k = 0; k < 100; k++) cut.ws.send(chunk, { fin: false });
    assert.equal((await cut.closed).code, 1009);

    const empty = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    // 20,000 empty fragments: no bytes, yet each one costs the parser; the relay's cap (16,384) closes 1008.
    for (let k = 0; k < 20_000; k++) empty.ws.send('', { fin: false });
    assert.equal((await empty.closed).code, 1008);
    await c.ping();
    report('fuzz', { 'fragment floods': floods, 'fragments sent': floods * 2_001 + 100 + 20_000 });
    c.close();
  });
});
