/**
 * Webhooks end to end with real processes: a relay (SQLite outbox), the reference receiver
 * (examples/crm-webhook, its own SQLite table) behind a fault proxy. The flag story runs half
 * from browsers' clients and half from the service API while the receiver answers 500s, hangs,
 * is slow, loses answers, is killed and restarted, and the relay is killed -9 mid-delivery.
 * Then the receiver's table must equal the relay's transcript for every interaction.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import type { FlagClient } from '@flagline/core';
import { RelayProcess } from './helpers/relay-process.js';
import { clientFor } from './helpers/clients.js';
import { ann, ben, sam } from './helpers/people.js';
import { agentOf, onlineClient, serviceClient } from './helpers/service.js';
import { FaultProxy, ReceiverProcess, WEBHOOK_SECRET } from './helpers/receiver-process.js';
import { RedisServer } from './helpers/redis-server.js';
import * as S from '../src/service-schemas.js';
import type { ServiceClient } from '@flagline/relay/client';

const dir = mkdtempSync(join(tmpdir(), 'flagline-webhooks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function webhooksFile(name: string, url: string, extra: Record<string, unknown> = {}): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ endpoints: [{ id: 'crm', url, secret: WEBHOOK_SECRET }], initialBackoffMs: 20, maxBackoffMs: 300, timeoutMs: 400, ...extra }));
  return file;
}

/** A small seeded generator, so a failing run can be replayed exactly. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Resolves once every endpoint's outbox is empty (the test's timeout bounds the wait). */
async function drained(crm: ServiceClient): Promise<void> {
  for (;;) {
    const { endpoints } = v.parse(S.WebhookEndpoints, await crm.listWebhookEndpoints());
    if (endpoints.every((e) => e.queued === 0)) return;
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

async function receiverTranscript(receiver: ReceiverProcess, interactionId: string) {
  const res = await fetch(`${receiver.url}/interactions/${interactionId}/transcript`);
  return ((await res.json()) as { entries: { flagId: string; seq: number; text: string }[] }).entries;
}

describe('webhooks: at least once, in order, signed, through faults', () => {
  const proxy = { current: null as FaultProxy | null };
  before(async () => {
    proxy.current = await FaultProxy.start();
  });
  after(() => proxy.current?.close());

  it('the receiver ends with exactly the relay’s transcript: lost = 0, duplicated = 0, out of order = 0', { timeout: 120_000 }, async () => {
    const fault = proxy.current!;
    const crmDb = join(dir, 'crm.db');
    let receiver = await ReceiverProcess.start(crmDb);
    fault.target = receiver.port;
    const args = ['--webhooks', webhooksFile('faults', fault.url)];
    let relay = await RelayProcess.start({ args });
    const first = relay;
    const clients: FlagClient[] = [];
    const online = (p: typeof ann) => onlineClient(relay, p, clients);
    const interactions = Array.from({ length: 12 }, (_, i) => `call-${i + 1}`);
    try {
      // Phase 1: the first answers are lost after the receiver wrote them, then 30 % fail, 10 % hang, the rest are slow.
      const roll = random(14);
      fault.mode = (n) => (n <= 3 ? 'lose-answer' : ((r) => (r < 0.3 ? 'fail' : r < 0.4 ? 'hang' : 'slow'))(roll()));
      const agent = await online(ann);
      const supervisor = await online(sam);
      let crm = serviceClient(relay);
      const flags: string[] = [];
      for (const [i, interactionId] of interactions.entries()) {
        if (i % 2 === 0) flags.push((await agent.raise({ interactionId, channel: 'voice', message: `Help on ${interactionId}` })).flagId!);
        else flags.push((await crm.raiseFlag({ agent: agentOf(ben), interactionId, channel: 'voice', message: `Rule fired on ${interactionId}` })).outcome.flagId!);
      }
      for (const flagId of flags) await supervisor.sendMessage(flagId, `Looking at ${flagId}`);
      for (const flagId of flags.filter((_, i) => i % 2 === 0)) await agent.sendMessage(flagId, `Thanks for ${flagId}`);

      // The receiver dies mid-stream and comes back on its own file.
      const before = (await (await fetch(`${receiver.url}/stats`)).json()) as Record<string, number>;
      await receiver.kill9();
      for (const flagId of flags.slice(0, 6)) await supervisor.acknowledge(flagId);
      receiver = await ReceiverProcess.start(crmDb, receiver.port);

      // The relay is killed -9 while a delivery is in flight, then restarted on the same file.
      fault.mode = () => 'hang';
      await supervisor.sendMessage(flags[0]!, 'one more before the crash');
      await fault.hanging();
      for (const c of clients.splice(0)) c.close();
      await relay.kill9();
      fault.mode = (n) => (n % 5 === 0 ? 'fail' : 'slow');
      relay = await RelayProcess.start({ db: first.db, port: first.port, args });
      crm = serviceClient(relay);

      // Phase 2: the backend ends every interaction; the agent's browser is closed.
      for (const interactionId of interactions) await crm.endInteraction(interactionId);
      await drained(crm);

      let lost = 0;
      let duplicated = 0;
      let outOfOrder = 0;
      let entries = 0;
      for (const interactionId of interactions) {
        const expected = v.parse(S.TranscriptPage, await crm.getTranscript(interactionId, { limit: 500 })).entries.map((e) => `${e.flagId}:${e.seq} ${e.text}`);
        const got = (await receiverTranscript(receiver, interactionId)).map((e) => `${e.flagId}:${e.seq} ${e.text}`);
        entries += expected.length;
        lost += expected.filter((e) => !got.includes(e)).length;
        duplicated += got.length - new Set(got).size;
        // In order: rows were written in seq order within each flag (the table keeps write order).
        outOfOrder += got.filter((e, i) => i > 0 && e.split(':')[0] === got[i - 1]!.split(':')[0] && Number(e.split(':')[1]!.split(' ')[0]) !== Number(got[i - 1]!.split(':')[1]!.split(' ')[0]) + 1).length;
        assert.deepEqual(got, expected, interactionId);
      }
      const after = (await (await fetch(`${receiver.url}/stats`)).json()) as Record<string, number>;
      const stats = Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! + (before[k] ?? 0)]));
      console.log(`webhooks under faults: ${entries} transcript entries, ${fault.requests} deliveries attempted; lost = ${lost}, duplicated = ${duplicated}, out of order = ${outOfOrder} (receiver, both runs: ${JSON.stringify(stats)})`);
      assert.deepEqual({ lost, duplicated, outOfOrder }, { lost: 0, duplicated: 0, outOfOrder: 0 });
      assert.equal(stats['out-of-order'], 0, 'the relay never sent a flag’s next event before the previous one was acknowledged');
      assert.ok(stats.duplicate! > 0, 'answers were lost, so some events came twice and were deduped');
      assert.ok(entries >= 12 * 4);

      const metrics = await (await fetch(`${relay.url}/metrics`)).text();
      assert.match(metrics, /flagline_webhook_queued\{endpoint="crm"\} 0/);
      assert.match(metrics, /flagline_webhook_delivered_total\{endpoint="crm"\} [1-9]/);
      assert.match(metrics, /flagline_webhook_failed_total\{endpoint="crm"\} [1-9]/);
    } finally {
      for (const c of clients) c.close();
      await relay.stop();
      await first.dispose();
      await receiver.stop();
    }
  });

  it('an endpoint that keeps failing is paused and reported, keeps its events, and delivers them all once resumed; replay re-sends a range', { timeout: 60_000 }, async () => {
    const fault = proxy.current!;
    const receiver = await ReceiverProcess.start(join(dir, 'crm-paused.db'));
    fault.target = receiver.port;
    fault.mode = () => 'fail';
    const relay = await RelayProcess.start({ args: ['--webhooks', webhooksFile('pause', fault.url, { pauseAfterFailures: 3 })] });
    const crm = serviceClient(relay);
    try {
      const paused = relay.waitForLog('webhook endpoint paused: its events stay queued until an admin resumes it');
      const { outcome } = await crm.raiseFlag({ agent: agentOf(ann), interactionId: 'call-p', channel: 'voice', message: 'paused?' });
      await crm.endInteraction('call-p');
      const logged = await paused;
      assert.equal(logged.endpoint, 'crm');
      const [status] = v.parse(S.WebhookEndpoints, await crm.listWebhookEndpoints()).endpoints;
      assert.ok(status!.paused, 'paused');
      assert.equal(status!.queued, 2, 'nothing dropped');
      assert.match(await (await fetch(`${relay.url}/metrics`)).text(), /flagline_webhook_paused\{endpoint="crm"\} 1/);

      fault.mode = () => 'pass';
      await crm.resumeWebhooks('crm');
      await drained(crm);
      assert.deepEqual((await receiverTranscript(receiver, 'call-p')).map((e) => e.seq), [1, 2]);

      const { queued } = v.parse(S.ReplayResult, await crm.replayWebhooks('crm', 1, 2));
      assert.equal(queued, 2);
      await drained(crm);
      const stats = (await (await fetch(`${receiver.url}/stats`)).json()) as Record<string, number>;
      assert.deepEqual([stats.written, stats.duplicate], [2, 2], 'replayed with the same webhook-ids: the receiver deduped them');
      assert.equal(outcome.flagId !== null, true);
    } finally {
      await relay.dispose();
      await receiver.stop();
    }
  });
});

describe('webhooks configuration', () => {
  it('a relay refuses to start on a webhooks file it cannot use, saying where', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ endpoints: [{ id: 'crm', url: 'https://crm.example.com/hook', secret: 'not-a-whsec-secret' }] }));
    const refused = await RelayProcess.refuse({ args: ['--jwt-secret', 'x'.repeat(32), '--webhooks', bad] });
    assert.equal(refused.code, 2);
    assert.match(refused.output, /bad\.json at endpoints\.0\.secret: a secret is whsec_/);
  });
});

describe('webhooks with two relay processes on Redis', () => {
  const redis = new RedisServer();
  before(() => redis.start('always'));
  after(() => redis.dispose());

  it('one process delivers; killed -9 mid-delivery, the other takes over: lost = 0, duplicated = 0, out of order = 0', { timeout: 120_000 }, async () => {
    const fault = await FaultProxy.start();
    const receiver = await ReceiverProcess.start(join(dir, 'crm-redis.db'));
    fault.target = receiver.port;
    fault.mode = () => 'slow';
    const args = ['--webhooks', webhooksFile('redis', fault.url, { leaseMs: 1000 })];
    const relays = [await RelayProcess.start({ store: redis.url, args }), await RelayProcess.start({ store: redis.url, args })];
    const leader = () => Promise.race(relays.map((r, i) => r.waitForLog('webhook delivery: this process delivers').then(() => i)));
    const clients: FlagClient[] = [];
    const interactions = Array.from({ length: 8 }, (_, i) => `call-r${i + 1}`);
    try {
      const first = await leader();
      const agent = clientFor(relays[0]!, ann);
      const supervisor = clientFor(relays[1]!, sam);
      clients.push(agent, supervisor);
      const flags: string[] = [];
      for (const [i, interactionId] of interactions.entries()) {
        const crm = serviceClient(relays[i % 2]!);
        if (i % 2 === 0) flags.push((await agent.raise({ interactionId, channel: 'voice', message: `Help on ${interactionId}` })).flagId!);
        else flags.push((await crm.raiseFlag({ agent: agentOf(ben), interactionId, channel: 'voice', message: `Rule on ${interactionId}` })).outcome.flagId!);
      }
      for (const flagId of flags) await supervisor.sendMessage(flagId, `Looking at ${flagId}`);

      // Kill -9 the delivering process while its deliveries hang; the other one takes over.
      fault.mode = () => 'hang';
      await agent.sendMessage(flags[0]!, 'before the crash');
      await fault.hanging();
      for (const c of clients.splice(0)) c.close();
      const survivor = relays[1 - first]!;
      const takeover = survivor.waitForLog('webhook delivery: this process delivers');
      await relays[first]!.kill9();
      fault.mode = (n) => (n % 4 === 0 ? 'fail' : 'slow');
      await takeover;
      const crm = serviceClient(survivor);
      for (const interactionId of interactions) await crm.endInteraction(interactionId);
      await drained(crm);

      let lost = 0;
      let outOfOrder = 0;
      let entries = 0;
      for (const interactionId of interactions) {
        const expected = (await crm.getTranscript(interactionId, { limit: 500 })).entries.map((e) => `${e.flagId}:${e.seq} ${e.text}`);
        const got = (await receiverTranscript(receiver, interactionId)).map((e) => `${e.flagId}:${e.seq} ${e.text}`);
        entries += expected.length;
        lost += expected.filter((e) => !got.includes(e)).length;
        assert.deepEqual(got, expected, interactionId);
      }
      const stats = (await (await fetch(`${receiver.url}/stats`)).json()) as Record<string, number>;
      outOfOrder = stats['out-of-order']!;
      const duplicated = stats.written! - entries;
      console.log(`webhooks, 2 relays on Redis, the delivering one killed -9: ${entries} entries; lost = ${lost}, duplicated = ${duplicated}, out of order = ${outOfOrder}; re-sent after the takeover and deduped: ${stats.duplicate}`);
      assert.deepEqual({ lost, duplicated, outOfOrder }, { lost: 0, duplicated: 0, outOfOrder: 0 });
      // At least once, not more: only what was in flight at the kill is sent again.
      assert.ok(stats.duplicate! <= 8, `re-sent ${stats.duplicate}`);

      // A replay asked of any process is delivered by the one that delivers, with the same ids.
      fault.mode = () => 'pass';
      const { queued } = await crm.replayWebhooks('crm', 1, 5);
      assert.equal(queued, 5);
      await drained(crm);
      const replayed = (await (await fetch(`${receiver.url}/stats`)).json()) as Record<string, number>;
      assert.deepEqual([replayed.written, replayed.duplicate! - stats.duplicate!], [stats.written, 5]);
    } finally {
      for (const c of clients) c.close();
      for (const r of relays) await r.dispose();
      await receiver.stop();
      await fault.close();
    }
  });
});
