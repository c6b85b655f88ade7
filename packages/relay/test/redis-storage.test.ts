/**
 * The Redis store under the core Authority, as several relay processes use it: one real
 * redis-server, several Authorities (one per "process"), each with its own connection.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Authority } from '@flagline/core/authority';
import type { FlagEvent, PositionedEvent } from '@flagline/core';
import type { StoredOutcome } from '@flagline/core/authority';
import { Redis } from 'ioredis';
import { RedisStorage } from '../src/redis-storage.js';
import { RedisServer } from './helpers/redis-server.js';
import { ann, sam, sid } from './helpers/people.js';

describe('RedisStorage (shared log for several relay processes)', () => {
  const redis = new RedisServer();
  const open: Authority[] = [];
  let ns = 0;
  const namespace = () => `t${++ns}-${process.pid}`;
  const authority = async (name: string, warnings: string[] = []) => {
    const a = await Authority.open({ storage: new RedisStorage({ url: redis.url, namespace: name, warn: (w) => warnings.push(w) }) });
    open.push(a);
    return a;
  };
  before(() => redis.start('always'));
  after(async () => {
    for (const a of open) await a.close();
    await redis.dispose();
  });

  it('orders one flag story written from two processes identically for both', async () => {
    const name = namespace();
    const [a, b] = [await authority(name), await authority(name)];
    const onA: PositionedEvent[] = [];
    const onB: PositionedEvent[] = [];
    a.subscribe(sam, (pe) => onA.push(pe));
    b.subscribe(sam, (pe) => onB.push(pe));
    await a.execute(ann, { id: 'f1', command: { type: 'raise', interactionId: 'i1', channel: 'voice', message: 'help' } });
    await b.execute(sam, { id: 'c2', command: { type: 'acknowledge', flagId: 'f1' } });
    await a.execute(ann, { id: 'c3', command: { type: 'send-message', flagId: 'f1', text: 'thanks' } });
    await b.execute(sam, { id: 'c4', command: { type: 'lower', flagId: 'f1' } });
    // The other process learns of each write through the stream: wait until it has all four.
    while (onA.length < 4 || onB.length < 4) await new Promise((r) => setImmediate(r));
    const order = (l: PositionedEvent[]) => l.map((pe) => `${pe.pos}:${pe.event.type}`);
    assert.deepEqual(order(onA), ['1:raised', '2:acknowledged', '3:message', '4:lowered']);
    assert.deepEqual(order(onB), order(onA));
  });

  it('lets one of two supervisors on two processes acknowledge and returns a retried command’s original outcome anywhere', async () => {
    const name = namespace();
    const [a, b] = [await authority(name), await authority(name)];
    const raise = { id: 'f1', command: { type: 'raise', interactionId: 'i1', channel: 'voice', message: 'help' } } as const;
    const first = await a.execute(ann, raise);
    assert.deepEqual(await b.execute(ann, raise), first);
    const outcomes = await Promise.all([
      a.execute(sam, { id: 'ack-a', command: { type: 'acknowledge', flagId: 'f1' } }),
      b.execute(sid, { id: 'ack-b', command: { type: 'acknowledge', flagId: 'f1' } }),
    ]);
    assert.equal(outcomes.filter((o) => o.ok).length, 1);
    const loser = outcomes.find((o) => !o.ok);
    assert.equal(loser && !loser.ok && loser.error.code, 'already-acknowledged');
  });

  it('loses nothing acknowledged when Redis is killed (-9) and restarted with the append-only file', async () => {
    const name = namespace();
    const a = await authority(name);
    const acknowledged: string[] = [];
    for (let i = 0; i < 50; i++) {
      const o = await a.execute(ann, { id: `r${i}`, command: { type: 'raise', interactionId: `i${i}`, channel: 'voice', message: `m${i}` } });
      if (o.ok) acknowledged.push(`r${i}`);
    }
    await redis.kill();
    await redis.start('always');
    const fresh = await authority(name);
    assert.equal(fresh.pos, 50);
    for (const id of acknowledged) assert.equal(fresh.flag(id)?.id, id);
    // The old process keeps working once Redis is back (its connection reconnects).
    const more = await a.execute(ann, { id: 'after', command: { type: 'raise', interactionId: 'i-after', channel: 'voice', message: 'still here' } });
    assert.equal(more.ok, true);
  });

  it('appends a group in one step: one position check, every outcome stored, duplicates reported with nothing written', async () => {
    const storage = new RedisStorage({ url: redis.url, namespace: namespace() });
    await storage.load();
    const actor = { id: 'ann', name: 'Ann', role: 'agent' } as const;
    const raised = (flagId: string, pos: number): PositionedEvent => {
      const event: FlagEvent = { type: 'raised', flagId, seq: 1, at: 1, actor, interactionId: `i-${flagId}`, channel: 'voice', customerLabel: '', team: 'blue', message: 'm', severity: 'normal' };
      return { pos, event };
    };
    const said = (flagId: string, seq: number, pos: number): PositionedEvent => ({ pos, event: { type: 'message', flagId, seq, at: 2, actor, text: 't', clientId: `c${pos}` } });
    const stored = (id: string, seq: number): StoredOutcome => ({ id, actorId: 'ann', outcome: { ok: true, flagId: 'f1', seq, changed: true } });
    try {
      assert.equal(await storage.commit({ events: [raised('f1', 1), said('f1', 2, 2)], outcomes: [stored('c1', 1), stored('c2', 2)], expectedPos: 0 }), undefined);
      const retry = { events: [said('f1', 3, 3), said('f1', 4, 4)], outcomes: [stored('c3', 3), stored('c1', 9), stored('c2', 9)], expectedPos: 2 };
      assert.deepEqual(await storage.commit(retry), { duplicates: [stored('c1', 1), stored('c2', 2)] });
      assert.deepEqual(await storage.commit({ events: [said('f1', 3, 2)], outcomes: [stored('c3', 3)], expectedPos: 1 }), { conflict: true });
      assert.equal(await storage.outcome('c3'), undefined);
      assert.deepEqual((await storage.shared.since(0)).map((pe) => pe.pos), [1, 2]);
      assert.equal(await storage.commit({ events: [said('f1', 3, 3)], outcomes: [stored('c3', 3)], expectedPos: 2 }), undefined);
      assert.deepEqual(await storage.outcome('c3'), stored('c3', 3));
      assert.deepEqual((await storage.interactionEvents('i-f1')).map((e) => e.seq), [1, 2, 3]);
    } finally {
      await storage.close();
    }
  });

  it('warns at start when Redis persistence is weaker than acknowledged ⇒ durable', async () => {
    const weak = new RedisServer();
    await weak.start('none');
    try {
      const warnings: string[] = [];
      const storage = new RedisStorage({ url: weak.url, namespace: 'w', warn: (w) => warnings.push(w) });
      await storage.load();
      await storage.close();
      assert.match(warnings.join('\n'), /appendonly no/);
    } finally {
      await weak.dispose();
    }
  });

  it('serves a log written before confirmations and chained hashes, and chains new entries onto it', async () => {
    const name = namespace();
    const writer = await authority(name);
    await writer.execute(ann, { id: 'old', command: { type: 'raise', interactionId: 'i-old', channel: 'voice', message: 'from the old version' } });
    // What the previous version left: entries without a hash, no confirmed position.
    const raw = new Redis(redis.url);
    const tag = `{flagline:${name}}`;
    const [[, fields]] = (await raw.xrange(`${tag}:log`, '1-0', '1-0')) as [[string, string[]]];
    await raw.multi().del(`${tag}:log`, `${tag}:confirmed-pos`, `${tag}:confirmed`).xadd(`${tag}:log`, '1-0', 'e', fields[1]!).exec();
    const upgraded = await authority(name);
    assert.equal(upgraded.pos, 1);
    assert.equal(upgraded.flag('old')?.interactionId, 'i-old');
    const next = await upgraded.execute(sam, { id: 'ack', command: { type: 'acknowledge', flagId: 'old' } });
    assert.equal(next.ok, true);
    assert.equal(await raw.get(`${tag}:confirmed-pos`), '2');
    raw.disconnect();
  });
});
