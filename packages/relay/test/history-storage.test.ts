/**
 * History past the Authority's memory, from the relay's storage — its SQLite file or the shared
 * Redis log: flags lowered longer ago than the in-memory retention are paged from the lowered
 * index (by log position, newest first), authorized and filtered like those in memory, and
 * survive a restart. On Redis, a log written before the by-position index existed is indexed
 * once at start.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlagError, reduceEvents, type Command, type FlagEvent, type Participant } from '@flagline/core';
import { Authority, type AuthorityStorage } from '@flagline/core/authority';
import { Redis } from 'ioredis';
import { RedisStorage } from '../src/redis-storage.js';
import { SqliteStorage } from '../src/sqlite-storage.js';
import { ann, cara, sam, sue } from './helpers/people.js';
import { RedisServer } from './helpers/redis-server.js';

const dir = mkdtempSync(join(tmpdir(), 'flagline-history-'));
const redis = new RedisServer();
before(() => redis.start('always'));
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await redis.dispose();
});

/**
 * Four flags of team blue and one of another team lowered, then a minute later one more: the
 * first five leave memory. Pages through them, then restarts (`between` runs while it is down).
 */
async function historyPastMemory(storage: () => AuthorityStorage, between: () => Promise<void> = async () => {}) {
  let now = 1_000_000;
  const open = () => Authority.open({ storage: storage(), now: () => now, config: { recentMs: 1000 }, historyRetentionMs: 1000 });
  let authority = await open();
  let n = 0;
  const run = async (actor: Participant, command: Command) => {
    const outcome = await authority.execute(actor, { id: `c${++n}`, command });
    if (!outcome.ok) throw FlagError.from(outcome.error);
    return outcome.flagId!;
  };
  const lifecycle = async (agent: Participant, supervisor: Participant, interactionId: string) => {
    const flagId = await run(agent, { type: 'raise', interactionId, channel: 'voice', message: interactionId });
    now += 1000;
    await run(supervisor, { type: 'acknowledge', flagId });
    await run(supervisor, { type: 'send-message', flagId, text: `about ${interactionId}` });
    now += 1000;
    await run(agent, { type: 'lower', flagId });
  };
  for (const i of [1, 2, 3, 4]) await lifecycle(ann, sam, `b-${i}`);
  await lifecycle(cara, sue, 's-1');
  now += 60_000;
  await lifecycle(ann, sam, 'b-5'); // the others leave memory
  assert.equal(authority.retainedHistories, 1);
  const interactions = (flags: FlagEvent[][]) => flags.map((events) => reduceEvents(events)!.interactionId);

  const pages: string[][] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await authority.historyPage(sam, { limit: 2, ...(cursor ? { cursor } : {}) });
    pages.push(interactions(page.flags));
    if (page.next === null) break;
    cursor = page.next;
  }
  assert.deepEqual(pages, [['b-5', 'b-4'], ['b-3', 'b-2'], ['b-1']]);
  assert.deepEqual(interactions((await authority.historyPage(sue, {})).flags), ['s-1'], "a supervisor of another team gets only theirs, from storage");
  assert.deepEqual(interactions((await authority.historyPage(cara, {})).flags), ['s-1']);
  const old = (await authority.historyPage(ann, { until: now - 60_000 })).flags;
  assert.deepEqual(old.at(-1)!.map((e) => e.type), ['raised', 'acknowledged', 'message', 'lowered'], 'a flag from storage has every event');

  await authority.close();
  await between();
  authority = await open();
  assert.deepEqual(interactions((await authority.historyPage(sam, {})).flags), ['b-5', 'b-4', 'b-3', 'b-2', 'b-1'], 'after a restart');
  await authority.close();
}

describe('history past memory', () => {
  it('SQLite: pages lowered flags from memory, then from the file, newest first; authorized; after a restart too', async () => {
    await historyPastMemory(() => new SqliteStorage({ file: join(dir, 'h.db') }));
  });

  it('Redis: the same from the shared log', async () => {
    await historyPastMemory(() => new RedisStorage({ url: redis.url, namespace: 'history' }));
  });

  it('Redis: a log from before the by-position index is indexed once at start', async () => {
    const namespace = 'history-old';
    await historyPastMemory(
      () => new RedisStorage({ url: redis.url, namespace }),
      async () => {
        const raw = new Redis(redis.url);
        assert.equal(await raw.zcard(`{flagline:${namespace}}:lowered-pos`), 6, 'every lowering indexed by position');
        await raw.del(`{flagline:${namespace}}:lowered-pos`, `{flagline:${namespace}}:lowered-pos-filled`);
        raw.disconnect();
      },
    );
  });
});
