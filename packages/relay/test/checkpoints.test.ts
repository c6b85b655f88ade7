/**
 * Checkpoints on the relay's stores: a restarted Authority reads the latest checkpoint and the
 * events after it (plus the replay window), not the history — proven by counting what load()
 * read and by deleting every event before the checkpoint (on SQLite, but the histories the
 * checkpoint names: it reads them from the log) — and ends in the same state. On
 * Redis, checkpoints written by several processes while others append are each at one log
 * position.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { Authority, type AuthorityStorage, type Checkpoint } from '@flagline/core/authority';
import type { Participant } from '@flagline/core';
import { RedisStorage } from '../src/redis-storage.js';
import { SqliteStorage } from '../src/sqlite-storage.js';
import { RedisServer } from './helpers/redis-server.js';
import { ann, ben, sam } from './helpers/people.js';

const REPLAY = 20;
let n = 0;

async function open(storage: AuthorityStorage, clock: { now: number }): Promise<Authority> {
  return Authority.open({ storage, now: () => clock.now, config: { recentMs: 500 }, historyRetentionMs: 1_000, replayWindow: REPLAY, checkpointEvery: { events: 1e9, ms: 1e9 } });
}
async function run(a: Authority, who: Participant, command: Parameters<Authority['execute']>[1]['command']): Promise<string> {
  const outcome = await a.execute(who, { id: `cmd-${++n}`, command });
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return outcome.flagId!;
}
/** `count` flags raised, chatted on and lowered, one per 100 ms; returns their ids and interactions. */
async function churn(a: Authority, clock: { now: number }, count: number) {
  const flags: string[] = [];
  const interactions: string[] = [];
  for (let i = 0; i < count; i++) {
    const interactionId = `i-${++n}`;
    const flagId = await run(a, i % 2 ? ann : ben, { type: 'raise', interactionId, channel: 'voice', message: `flag ${i}` });
    await run(a, sam, { type: 'acknowledge', flagId });
    await run(a, sam, { type: 'send-message', flagId, text: `answer ${i}` });
    await run(a, sam, { type: 'lower', flagId });
    flags.push(flagId);
    interactions.push(interactionId);
    clock.now += 100;
  }
  return { flags, interactions };
}
/** Everything decisions and clients see of the Authority's state. */
function observe(a: Authority, flags: string[], interactions: string[]) {
  return {
    pos: a.pos,
    epoch: a.epoch,
    retained: a.retainedHistories,
    flags: flags.map((id) => a.flag(id) ?? null),
    open: interactions.map((i) => a.openFlagFor(i)?.id ?? null),
    owners: interactions.map((i) => a.interactionAgent(i) ?? null),
    snapshot: a.snapshot(sam),
  };
}
/** Old flags, a checkpoint, then more flags and two open ones after it; the store is left as after a crash. */
async function history(storage: AuthorityStorage & { close(): Promise<void> }, clock: { now: number }) {
  const a = await open(storage, clock);
  const old = await churn(a, clock, 60);
  const openFlag = await run(a, ann, { type: 'raise', interactionId: 'call-open', channel: 'voice', message: 'before' });
  const report = await a.checkpoint();
  assert.ok(report && 'pos' in report, JSON.stringify(report));
  const recent = await churn(a, clock, 3);
  const later = await run(a, ben, { type: 'raise', interactionId: 'call-later', channel: 'voice', message: 'after' });
  await run(a, sam, { type: 'send-message', flagId: openFlag, text: 'after the checkpoint' });
  const flags = [...old.flags, ...recent.flags, openFlag, later];
  const interactions = [...old.interactions, ...recent.interactions, 'call-open', 'call-later'];
  const seen = observe(a, flags, interactions);
  await storage.close(); // the Authority is not closed: no checkpoint at the head, as after a kill -9
  return { seen, flags, interactions, checkpointPos: report.pos, openFlag, later };
}
/** The restarted Authority goes on where the first stopped. */
async function goesOn(a: Authority, openFlag: string, later: string) {
  await run(a, ann, { type: 'send-message', flagId: openFlag, text: 'still here' });
  assert.equal(a.flag(openFlag)!.seq, 3);
  const retry = await a.execute(ben, { id: later, command: { type: 'raise', interactionId: 'call-later', channel: 'voice', message: 'after' } });
  assert.deepEqual(retry, { ok: true, flagId: later, seq: 1, changed: true });
}

describe('checkpoints on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flagline-checkpoints-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('restarts from the checkpoint with the same state, needing of the events before it only the histories it names', async () => {
    const file = join(dir, 'relay.db');
    const clock = { now: 1_000 };
    const { seen, flags, interactions, checkpointPos, openFlag, later } = await history(new SqliteStorage({ file }), clock);
    const total = seen.pos;

    const counted = new SqliteStorage({ file });
    const restarted = await open(counted, clock);
    assert.equal(counted.loadedEvents, REPLAY + total - checkpointPos, `read ${counted.loadedEvents} of ${total} events`);
    assert.deepEqual(observe(restarted, flags, interactions), seen);
    await counted.close();

    // Delete every event up to the checkpoint but those of the histories it names (the flags then
    // in memory, read from the log): the state does not need them.
    const db = new Database(file);
    const named = 'SELECT flag_id FROM checkpoint_flags';
    const replayFrom = (JSON.parse(db.prepare('SELECT body FROM checkpoint').pluck().get() as string) as Checkpoint).replayFrom;
    const kept = db.prepare(`SELECT count(*) FROM events WHERE pos <= ? AND flag_id IN (${named})`).pluck().get(checkpointPos) as number;
    const keptInWindow = db.prepare(`SELECT count(*) FROM events WHERE pos BETWEEN ? AND ? AND flag_id IN (${named})`).pluck().get(replayFrom, checkpointPos) as number;
    const deleted = db.prepare(`DELETE FROM events WHERE pos <= ? AND flag_id NOT IN (${named})`).run(checkpointPos).changes;
    db.close();
    assert.equal(deleted + kept, checkpointPos);
    assert.ok(kept < deleted, `kept ${kept} of ${checkpointPos}`);
    const storage = new SqliteStorage({ file });
    const again = await open(storage, clock);
    assert.equal(storage.loadedEvents, total - checkpointPos + keptInWindow);
    assert.deepEqual(observe(again, flags, interactions), seen);
    await goesOn(again, openFlag, later);
    await again.close();
  });
});

describe('checkpoints on Redis', () => {
  const redis = new RedisServer();
  before(() => redis.start('always'));
  after(() => redis.dispose());

  it('restarts from the checkpoint with the same state, without reading or needing the stream before it', async () => {
    const clock = { now: 1_000 };
    const namespace = `cp-${process.pid}`;
    const { seen, flags, interactions, checkpointPos, openFlag, later } = await history(new RedisStorage({ url: redis.url, namespace }), clock);
    const total = seen.pos;

    const counted = new RedisStorage({ url: redis.url, namespace });
    const restarted = await open(counted, clock);
    assert.equal(counted.loadedEvents, REPLAY + total - checkpointPos, `read ${counted.loadedEvents} of ${total} events`);
    assert.deepEqual(observe(restarted, flags, interactions), seen);
    await counted.close();

    const raw = new Redis(redis.url);
    assert.equal(await raw.xtrim(`{flagline:${namespace}}:log`, 'MINID', `${checkpointPos + 1}-0`), checkpointPos);
    await raw.quit();
    const storage = new RedisStorage({ url: redis.url, namespace });
    const again = await open(storage, clock);
    assert.equal(storage.loadedEvents, total - checkpointPos);
    assert.deepEqual(observe(again, flags, interactions), seen);
    await goesOn(again, openFlag, later);
    await again.close();
  });

  it('writes each process’s checkpoint at one log position while others append, and keeps the furthest', async () => {
    const clock = { now: 1_000 };
    const namespace = `cp-shared-${process.pid}`;
    const store = () => new RedisStorage({ url: redis.url, namespace });
    const [a, b] = [await open(store(), clock), await open(store(), clock)];
    // Three processes append at once while two of them checkpoint in the middle of it, repeatedly.
    const bursts = [a, b].map(async (p, k) => {
      for (let i = 0; i < 40; i++) {
        const flagId = await run(p, k ? ben : ann, { type: 'raise', interactionId: `shared-${k}-${i}`, channel: 'voice', message: 'x' });
        if (i % 3) await run(p, sam, { type: 'lower', flagId });
      }
    });
    const checkpoints = [a, b].map(async (p) => {
      const reports = [];
      for (let i = 0; i < 8; i++) {
        reports.push(await p.checkpoint());
        await new Promise((r) => setImmediate(r));
      }
      return reports;
    });
    await Promise.all(bursts);
    const reports = (await Promise.all(checkpoints)).flat();
    assert.ok(reports.every((r) => r && 'pos' in r), JSON.stringify(reports.find((r) => !r || 'error' in r)));
    await Promise.all([a.tick(), b.tick()]); // both caught up with each other's appends
    assert.equal(a.pos, b.pos);

    const raw = new Redis(redis.url);
    const stored = JSON.parse((await raw.get(`{flagline:${namespace}}:checkpoint`))!) as Checkpoint;
    await raw.quit();
    const furthest = Math.max(...reports.map((r) => (r && 'pos' in r ? r.pos : 0)));
    assert.equal(stored.pos, furthest);
    assert.ok(stored.pos > 0 && stored.pos < a.pos, `a checkpoint mid-burst (${stored.pos} of ${a.pos})`);

    const interactions = Array.from({ length: 80 }, (_, i) => `shared-${i % 2}-${Math.floor(i / 2)}`);
    const ids = interactions.map((i) => a.openFlagFor(i)?.id ?? '');
    const fresh = await open(store(), clock);
    assert.deepEqual(observe(fresh, ids, interactions), observe(a, ids, interactions));
    assert.deepEqual(observe(b, ids, interactions), observe(a, ids, interactions));
    await Promise.all([a.close(), b.close(), fresh.close()]);
  });
});
