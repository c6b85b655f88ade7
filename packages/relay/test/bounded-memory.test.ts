/**
 * Bounded memory on the relay's stores: with a short retention the Authority keeps only the
 * histories of open and recently lowered flags, and answers older ones whole from SQLite or
 * Redis (by index, not by scanning the log).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Authority, type AuthorityStorage } from '@flagline/core/authority';
import type { Participant } from '@flagline/core';
import { RedisStorage } from '../src/redis-storage.js';
import { SqliteStorage } from '../src/sqlite-storage.js';
import { RedisServer } from './helpers/redis-server.js';
import { ann, ben, sam, sue } from './helpers/people.js';

const FLAGS = 200;
const MESSAGES = 4;
const STEP_MS = 100;
const RETENTION_MS = 1_000;
/** Lowered within the retention (one per step, both ends included), plus the one flag kept open. */
const BOUND = RETENTION_MS / STEP_MS + 2;

let n = 0;
async function run(a: Authority, who: Participant, command: Parameters<Authority['execute']>[1]['command']) {
  const outcome = await a.execute(who, { id: `cmd-${++n}`, command });
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return outcome.flagId!;
}

/** Raises, chats on and lowers FLAGS flags, one per STEP_MS, next to one flag that stays open. */
async function churn(authority: Authority, clock: { now: number }): Promise<{ flags: string[]; most: number }> {
  await run(authority, ann, { type: 'raise', interactionId: `open-${++n}`, channel: 'voice', message: 'stays open' });
  const flags: string[] = [];
  let most = 0;
  for (let i = 0; i < FLAGS; i++) {
    const flagId = await run(authority, ann, { type: 'raise', interactionId: `i-${++n}`, channel: 'enhanced-chat', message: `flag ${i}` });
    for (let m = 0; m < MESSAGES; m++) await run(authority, m % 2 ? ann : sam, { type: 'send-message', flagId, text: `flag ${i} message ${m}` });
    await run(authority, sam, { type: 'lower', flagId });
    flags.push(flagId);
    clock.now += STEP_MS;
    most = Math.max(most, authority.retainedHistories);
  }
  return { flags, most };
}

/** The whole story of an old flag, from storage, in order; and refusals unchanged. */
async function assertOldHistory(authority: Authority, flagId: string): Promise<void> {
  const events = await authority.history(sam, flagId, 0);
  assert.deepEqual(
    events.map((e) => [e.seq, e.type]),
    [[1, 'raised'], ...Array.from({ length: MESSAGES }, (_, m) => [m + 2, 'message']), [MESSAGES + 2, 'lowered']],
  );
  assert.deepEqual(
    events.flatMap((e) => (e.type === 'message' ? [e.text] : [])),
    Array.from({ length: MESSAGES }, (_, m) => `flag 0 message ${m}`),
  );
  assert.deepEqual((await authority.history(ann, flagId, MESSAGES)).map((e) => e.seq), [MESSAGES + 1, MESSAGES + 2]);
  await assert.rejects(authority.history(ben, flagId, 0), { code: 'not-found' });
  await assert.rejects(authority.history(sue, flagId, 0), { code: 'not-found' });
  const late = await authority.execute(sam, { id: `late-${++n}`, command: { type: 'send-message', flagId, text: 'too late' } });
  assert.equal(!late.ok && late.error.code, 'invalid-state');
}

async function open(storage: AuthorityStorage, clock: { now: number }): Promise<Authority> {
  return Authority.open({ storage, now: () => clock.now, config: { recentMs: RETENTION_MS / 2 }, historyRetentionMs: RETENTION_MS });
}

describe('bounded memory on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flagline-bounded-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('retains a bounded number of histories and reads old ones from the file, also after a restart', async () => {
    const file = join(dir, 'relay.db');
    const clock = { now: 1_000 };
    const authority = await open(new SqliteStorage({ file }), clock);
    const { flags, most } = await churn(authority, clock);
    assert.ok(most <= BOUND, `at most ${BOUND} histories in memory, saw ${most}`);
    await assertOldHistory(authority, flags[0]!);
    assert.ok(authority.retainedHistories <= BOUND);
    await authority.close();

    const restarted = await open(new SqliteStorage({ file }), clock);
    assert.ok(restarted.retainedHistories <= BOUND, `after a restart ${restarted.retainedHistories} histories in memory`);
    await assertOldHistory(restarted, flags[0]!);
    await restarted.close();

    // A flag's events are found through the (flag_id, seq) index, not a scan of the log.
    const db = new Database(file, { readonly: true });
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT body FROM events WHERE flag_id = ? ORDER BY seq').all('x') as { detail: string }[];
    db.close();
    assert.match(plan.map((p) => p.detail).join('; '), /USING INDEX sqlite_autoindex_events_1 \(flag_id=\?\)/);
  });
});

describe('bounded memory on Redis', () => {
  const redis = new RedisServer();
  before(() => redis.start('always'));
  after(() => redis.dispose());

  it('retains a bounded number of histories on every process and reads old ones from Redis', async () => {
    const clock = { now: 1_000 };
    const namespace = `bounded-${process.pid}`;
    const writer = await open(new RedisStorage({ url: redis.url, namespace }), clock);
    const reader = await open(new RedisStorage({ url: redis.url, namespace }), clock);
    const { flags, most } = await churn(writer, clock);
    assert.ok(most <= BOUND, `at most ${BOUND} histories in memory, saw ${most}`);
    await assertOldHistory(writer, flags[0]!);
    // The other process follows the log: a tick waits for it to catch up, and it evicts the same.
    await reader.tick();
    assert.equal(reader.pos, writer.pos);
    assert.ok(reader.retainedHistories <= BOUND, `the other process keeps ${reader.retainedHistories} histories`);
    await assertOldHistory(reader, flags[0]!);
    await Promise.all([writer.close(), reader.close()]);
  });
});
