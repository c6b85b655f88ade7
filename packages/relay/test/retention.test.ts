/**
 * The retention purge (--retention-days): the events of flags lowered before the cutoff are
 * deleted from SQLite and Redis, gone from the transcript endpoint, counted in /metrics, and no
 * checkpoint brings them back — including one written while they were still in memory.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { Authority } from '@flagline/core/authority';
import type { Participant } from '@flagline/core';
import { createLogger } from '../src/log.js';
import { Metrics } from '../src/metrics.js';
import { DAY_MS, RetentionJob } from '../src/retention.js';
import { RedisStorage } from '../src/redis-storage.js';
import { SqliteStorage } from '../src/sqlite-storage.js';
import type { RelayStore } from '../src/store.js';
import { RedisServer } from './helpers/redis-server.js';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { ann, ben, sam } from './helpers/people.js';

const SECRET_TEXT = 'card ending 4242';
const RECENT_TEXT = 'card ending 1111';
let n = 0;

function open(storage: RelayStore, clock: { now: number }) {
  return Authority.open({ storage, now: () => clock.now, config: { recentMs: 60_000 }, checkpointEvery: { events: 1e9, ms: 1e9 } });
}
async function run(a: Authority, who: Participant, command: Parameters<Authority['execute']>[1]['command'], id = `cmd-${++n}`) {
  const outcome = await a.execute(who, { id, command });
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return outcome.flagId!;
}
/** A flag with customer data in its chat (`secret`), lowered. */
async function story(a: Authority, interactionId: string, secret: string, raiseId = `cmd-${++n}`): Promise<string> {
  const flagId = await run(a, ann, { type: 'raise', interactionId, channel: 'voice', message: 'customer disputes a charge' }, raiseId);
  await run(a, sam, { type: 'send-message', flagId, text: `read me the ${secret}` });
  await run(a, sam, { type: 'lower', flagId });
  return flagId;
}
function job(authority: Authority, storage: RelayStore, clock: { now: number }, metrics = new Metrics()) {
  return new RetentionJob({ authority, storage, metrics, log: createLogger('error'), retentionMs: DAY_MS, intervalMs: DAY_MS, now: () => clock.now });
}

/**
 * The same story on each store. `raw` reads what is left of a flag in the store itself and
 * `checkpoint` the stored checkpoint, both while no Authority has the store open (SQLite's
 * file is locked by its one writer).
 */
interface Env {
  store(name: string): RelayStore;
  raw(name: string, flagId: string): Promise<string[]>;
  checkpoint(name: string): Promise<string>;
  dispose(): Promise<void>;
}

/**
 * `checkpointCopies`: the store's checkpoint keeps copies of the histories it holds (Redis), so a
 * purge may delete a flag it holds; SQLite's names histories in the log, and its purge leaves
 * those (sqlite-storage.test.ts).
 */
function purgeSuite(kind: string, checkpointCopies: boolean, setup: () => Promise<Env>) {
  describe(`retention purge on ${kind}`, () => {
    let env: Env;
    before(async () => (env = await setup()));
    after(() => env.dispose());

    it('deletes what was lowered before the cutoff, also from a checkpoint written while it was in memory, and keeps the rest', async () => {
      const clock = { now: Date.parse('2026-11-01T09:00:00Z') };
      const first = await open(env.store('story'), clock);
      const old = await story(first, 'old-call', SECRET_TEXT, 'old-raise');
      const stillOpen = await run(first, ben, { type: 'raise', interactionId: 'long-call', channel: 'voice', message: 'open for days' });
      await first.close(); // its checkpoint holds the old flag whole: it was lowered moments ago
      assert.match(await env.checkpoint('story'), new RegExp(SECRET_TEXT));

      clock.now += 2 * DAY_MS; // nothing happens for two days: the stored checkpoint is still that one
      const purging = env.store('story');
      const metrics = new Metrics();
      const purged = await job(await open(purging, clock), purging, clock, metrics).run();
      assert.deepEqual(purged, { flags: 1, events: 3 });
      const text = metrics.render({ ready: true, tenants: [] });
      assert.match(text, /^flagline_retention_purged_flags_total 1$/m);
      assert.match(text, /^flagline_retention_purged_events_total 3$/m);
      assert.match(text, /^flagline_retention_purges_total\{result="ok"\} 1$/m);
      assert.match(text, new RegExp(`^flagline_retention_cutoff_seconds ${(clock.now - DAY_MS) / 1000}$`, 'm'));
      await purging.close(); // a crash right after the purge: no checkpoint on close
      assert.deepEqual(await env.raw('story', old), []);
      assert.doesNotMatch(await env.checkpoint('story'), new RegExp(`${SECRET_TEXT}|${old}`));

      // A restart (checkpoint + the events after it) does not bring it back.
      const storage = env.store('story');
      const authority = await open(storage, clock);
      assert.equal(authority.flag(old), undefined);
      assert.deepEqual(await storage.flagEvents(old), []);
      assert.deepEqual(await storage.interactionEvents('old-call'), []);
      await assert.rejects(authority.history(sam, old, 0), { code: 'not-found' });
      const late = await authority.execute(sam, { id: `cmd-${++n}`, command: { type: 'send-message', flagId: old, text: 'hello?' } });
      assert.equal(!late.ok && late.error.code, 'not-found');
      assert.equal(authority.openFlagFor('long-call')!.id, stillOpen, 'an open flag is never purged, however old');
      assert.equal((await storage.flagEvents(stillOpen)).length, 1);
      // Idempotency outlives the purge: the raise's outcome is still answered, and creates nothing.
      const retried = { type: 'raise', interactionId: 'old-call', channel: 'voice', message: 'customer disputes a charge' } as const;
      assert.deepEqual(await authority.execute(ann, { id: 'old-raise', command: retried }), { ok: true, flagId: old, seq: 1, changed: true });
      const recent = await story(authority, 'recent-call', RECENT_TEXT);
      assert.equal((await authority.history(sam, recent, 0)).length, 3);
      await authority.close();
      assert.deepEqual(await env.raw('story', old), []);
    });

    it('takes commands after a restart when the purge deleted the events up to the checkpoint’s own position', async () => {
      const clock = { now: Date.parse('2026-11-20T09:00:00Z') };
      const first = await open(env.store('head'), clock);
      const old = await story(first, 'old-call', SECRET_TEXT);
      await first.close(); // its checkpoint is at the old flag's lowering, the last event
      clock.now += 2 * DAY_MS;
      const purging = env.store('head');
      assert.deepEqual(await job(await open(purging, clock), purging, clock).run(), { flags: 1, events: 3 });
      await purging.close();
      assert.deepEqual(await env.raw('head', old), []);

      const storage = env.store('head');
      const authority = await open(storage, clock); // the log holds nothing up to the checkpoint any more
      const next = await story(authority, 'next-call', RECENT_TEXT); // appended right after the deleted position
      await authority.close();
      const reopened = await open(env.store('head'), clock);
      assert.deepEqual(
        (await reopened.history(sam, next, 0)).map((e) => e.type),
        ['raised', 'message', 'lowered'],
      );
      assert.equal(reopened.flag(old), undefined);
      await reopened.close();
    });

    it('restarts after a purge behind the latest checkpoint, without a newer one first', async () => {
      const clock = { now: Date.parse('2026-11-25T09:00:00Z') };
      const first = await open(env.store('window'), clock);
      await story(first, 'old-call', SECRET_TEXT);
      const stillOpen = await run(first, ben, { type: 'raise', interactionId: 'long-call', channel: 'voice', message: 'open for days' });
      await first.close(); // its checkpoint's replay window starts at the old flag's raise
      clock.now += 2 * DAY_MS;
      // A purge behind that checkpoint without a newer one first (as when another process wrote the
      // latest checkpoint). Where the checkpoint copies histories, the window now has a hole before
      // its position; where it names them (SQLite), the purge leaves the flag it still names.
      const purging = env.store('window');
      await open(purging, clock);
      assert.deepEqual(await purging.purge(clock.now - DAY_MS, 10), checkpointCopies ? { flags: 1, events: 3 } : { flags: 0, events: 0 });
      await purging.close();

      const authority = await open(env.store('window'), clock);
      await run(authority, sam, { type: 'acknowledge', flagId: stillOpen });
      assert.deepEqual(
        (await authority.history(sam, stillOpen, 0)).map((e) => e.type),
        ['raised', 'acknowledged'],
      );
      await authority.close();
    });

    it('purges in steps while commands keep being answered', async () => {
      const clock = { now: Date.parse('2026-11-10T09:00:00Z') };
      const storage = env.store('steps');
      const authority = await open(storage, clock);
      const many = 450; // three steps of at most 200 flags
      for (let i = 0; i < many; i++) {
        const flagId = await run(authority, ann, { type: 'raise', interactionId: `bulk-${i}`, channel: 'voice', message: 'x' });
        await run(authority, ann, { type: 'lower', flagId });
      }
      clock.now += 2 * DAY_MS;
      const order: string[] = [];
      const purge = job(authority, storage, clock)
        .run()
        .then((p) => order.push(`purge ${p?.flags}`));
      const command = run(authority, ann, { type: 'raise', interactionId: 'during', channel: 'voice', message: 'now' }).then(() => order.push('command'));
      await Promise.all([purge, command]);
      assert.deepEqual(order, ['command', `purge ${many}`]);
      await authority.close();
    });
  });
}

purgeSuite('SQLite', false, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flagline-retention-'));
  const file = (name: string) => join(dir, `${name}.db`);
  const rows = (name: string, sql: string, ...args: unknown[]) => {
    const db = new Database(file(name), { readonly: true });
    try {
      return db.prepare(sql).pluck().all(...args) as string[];
    } finally {
      db.close();
    }
  };
  return {
    store: (name) => new SqliteStorage({ file: file(name), sync: 'normal' }),
    raw: async (name, flagId) => [...rows(name, 'SELECT body FROM events WHERE flag_id = ?', flagId), ...rows(name, 'SELECT flag_id FROM lowered WHERE flag_id = ?', flagId)],
    // The checkpoint row and the flag histories it names (their events in the log).
    checkpoint: async (name) =>
      [
        ...rows(name, 'SELECT body FROM checkpoint'),
        ...rows(name, 'SELECT c.flag_id || group_concat(e.body) FROM checkpoint_flags c JOIN events e ON e.flag_id = c.flag_id AND e.seq <= c.events GROUP BY c.flag_id'),
      ].join(''),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

purgeSuite('Redis', true, async () => {
  const server = new RedisServer();
  await server.start('always');
  const raw = new Redis(server.url);
  const namespace = (name: string) => `retention-${name}-${process.pid}`;
  const key = (name: string, k: string) => `{flagline:${namespace(name)}}:${k}`;
  return {
    store: (name) => new RedisStorage({ url: server.url, namespace: namespace(name) }),
    raw: async (name, flagId) => {
      const entries = (await raw.xrange(key(name, 'log'), '-', '+')) as [string, string[]][];
      const left = entries.filter(([, fields]) => (JSON.parse(fields[1]!) as { flagId: string }).flagId === flagId).map(([, fields]) => fields[1]!);
      const indexes = [await raw.hget(key(name, 'flag-interaction'), flagId), await raw.zscore(key(name, 'lowered'), flagId)].filter((v) => v !== null) as string[];
      const byInteraction = (await raw.zrange(key(name, 'by-interaction'), 0, -1)).filter((m) => m.startsWith('old-call|'));
      return [...left, ...indexes, ...byInteraction];
    },
    checkpoint: async (name) => (await raw.get(key(name, 'checkpoint'))) ?? '',
    dispose: async () => {
      await raw.quit();
      await server.dispose();
    },
  };
});

describe('retention on a relay process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flagline-retention-relay-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('purges at start: the transcript of an old flag is gone, as if never raised; a recent one stays; /metrics counts it; a restart does not bring it back', async () => {
    const db = join(dir, 'relay.db');
    const clock = { now: Date.now() - 3 * DAY_MS };
    const authority = await open(new SqliteStorage({ file: db }), clock);
    await story(authority, 'old-call', SECRET_TEXT);
    clock.now = Date.now();
    await story(authority, 'recent-call', RECENT_TEXT);
    await authority.close();

    const transcript = async (relay: RelayProcess, interactionId: string) => {
      const res = await fetch(`${relay.url}/api/transcript/${interactionId}`, { headers: { authorization: `Bearer ${await tokenFor(ann)}` } });
      return { status: res.status, body: await res.text() };
    };
    const relay = await RelayProcess.start({ db, args: ['--retention-days', '1'] });
    try {
      const done = await relay.waitForLog('retention purge done');
      assert.deepEqual([done.flags, done.events], [1, 3]);
      const never = await transcript(relay, 'never-flagged');
      const old = await transcript(relay, 'old-call');
      assert.notEqual(old.status, 200);
      assert.deepEqual(old, { status: never.status, body: never.body.replace('never-flagged', 'old-call') });
      const recent = await transcript(relay, 'recent-call');
      assert.equal(recent.status, 200);
      assert.match(recent.body, new RegExp(RECENT_TEXT));
      const metrics = await (await fetch(`${relay.url}/metrics`)).text();
      assert.match(metrics, /^flagline_retention_purged_flags_total 1$/m);
      assert.match(metrics, /^flagline_retention_purges_total\{result="ok"\} 1$/m);
      // The purge wrote its checkpoint first; the start read the checkpoint's replay window only
      // (the recent flag: the old one had left memory when the file's last checkpoint was written).
      assert.match(metrics, /^flagline_checkpoints_total\{result="ok"\} 1$/m);
      assert.match(metrics, /^flagline_start_loaded_events 3$/m);
    } finally {
      await relay.stop();
    }

    const again = await RelayProcess.start({ db });
    try {
      assert.equal((await transcript(again, 'old-call')).status, (await transcript(again, 'never-flagged')).status);
      assert.match(await (await fetch(`${again.url}/metrics`)).text(), /^flagline_start_loaded_events \d+$/m);
    } finally {
      await again.dispose();
    }
  });
});
