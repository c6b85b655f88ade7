/** SqliteStorage on a real file: epoch, reopen, group commit, outcomes, migrations, failure. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FlagEvent, Participant, PositionedEvent } from '@flagline/core';
import { Authority, type Checkpoint } from '@flagline/core/authority';
import { SqliteStorage } from '../src/sqlite-storage.js';
import { ServiceStore } from '../src/service-store.js';
import { ann } from './helpers/people.js';
import { SCHEMA_VERSION } from '../src/migrations.js';

const dir = mkdtempSync(join(tmpdir(), 'flagline-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => join(dir, `s${++n}.db`);

const actor = { id: 'ann', name: 'Ann', role: 'agent' } as const;
function raised(flagId: string, pos: number): PositionedEvent {
  const event: FlagEvent = { type: 'raised', flagId, seq: 1, at: 1, actor, interactionId: `i-${flagId}`, channel: 'voice', customerLabel: '', team: 'billing', message: 'm', severity: 'normal' };
  return { pos, event };
}
function message(flagId: string, seq: number, pos: number): PositionedEvent {
  return { pos, event: { type: 'message', flagId, seq, at: 2, actor, text: `t${seq}`, clientId: `c${pos}` } };
}

describe('SqliteStorage', () => {
  it('creates the file with an epoch that survives reopening, and returns events in log order', async () => {
    const f = file();
    const a = new SqliteStorage({ file: f });
    const first = await a.load();
    assert.deepEqual(first.events, []);
    await a.commit({ events: [raised('f1', 1)], expectedPos: 0 });
    await a.commit({ events: [message('f1', 2, 2), raised('f2', 3)], expectedPos: 1, outcomes: [{ id: 'cmd-1', actorId: 'ann', outcome: { ok: true, flagId: 'f1', seq: 2, changed: true } }] });
    await a.close();
    const b = new SqliteStorage({ file: f });
    const again = await b.load();
    assert.equal(again.epoch, first.epoch);
    assert.deepEqual(again.events.map((e) => [e.pos, e.event.flagId, e.event.seq]), [[1, 'f1', 1], [2, 'f1', 2], [3, 'f2', 1]]);
    assert.deepEqual(await b.outcome('cmd-1'), { id: 'cmd-1', actorId: 'ann', outcome: { ok: true, flagId: 'f1', seq: 2, changed: true } });
    assert.equal(await b.outcome('cmd-unknown'), undefined);
    assert.deepEqual(b.interactionEvents('i-f1').map((e) => e.seq), [1, 2]);
    await b.close();
  });

  it('load after a checkpoint: the replay window holds every event, those of flags in the checkpoint as its own objects', async () => {
    const f = file();
    const a = new SqliteStorage({ file: f });
    await a.load();
    // f1 is in the checkpoint's memory; f2 left it (lowered long ago) but is still in the replay window; f3 came after.
    await a.commit({ events: [raised('f1', 1), raised('f2', 2), message('f1', 2, 3), message('f2', 2, 4)], expectedPos: 0 });
    const inMemory = [raised('f1', 1).event, message('f1', 2, 3).event];
    await a.saveCheckpoint({ v: 1, pos: 4, replayFrom: 1, events: inMemory, lowered: [] });
    await a.commit({ events: [raised('f3', 5), message('f1', 3, 6)], expectedPos: 4 });
    await a.close();
    const b = new SqliteStorage({ file: f });
    const { checkpoint, events } = await b.load();
    assert.deepEqual(events, [raised('f1', 1), raised('f2', 2), message('f1', 2, 3), message('f2', 2, 4), raised('f3', 5), message('f1', 3, 6)]);
    assert.equal(events[0]!.event, checkpoint!.events[0], 'not parsed twice');
    assert.equal(events[2]!.event, checkpoint!.events[1]);
    assert.equal(b.loadedEvents, 6);
    await b.close();
  });

  it('a checkpoint writes only the flags whose history grew since the last, drops those that left memory, and never goes back', async () => {
    const f = file();
    const s = new SqliteStorage({ file: f });
    await s.load();
    await s.commit({ events: [raised('f1', 1), raised('f2', 2), message('f1', 2, 3), message('f2', 2, 4), raised('f3', 5)], expectedPos: 0 });
    const [f1a, f2a, f1b, f2b, f3a] = [raised('f1', 1).event, raised('f2', 2).event, message('f1', 2, 3).event, message('f2', 2, 4).event, raised('f3', 5).event];
    // Rows written by one saveCheckpoint: SQLite counts each insert, update and delete.
    const rowsWritten = async (checkpoint: Parameters<SqliteStorage['saveCheckpoint']>[0]) => {
      const count = s.database.prepare('SELECT total_changes()').pluck();
      const before = count.get() as number;
      await s.saveCheckpoint(checkpoint);
      return (count.get() as number) - before;
    };
    assert.equal(await rowsWritten({ v: 1, pos: 2, replayFrom: 1, events: [f1a, f2a], lowered: [] }), 3, 'both flags and the head');
    assert.equal(await rowsWritten({ v: 1, pos: 3, replayFrom: 1, events: [f1a, f1b, f2a], lowered: [] }), 2, 'f1 grew: f1 and the head');
    assert.equal(await rowsWritten({ v: 1, pos: 5, replayFrom: 1, events: [f2a, f2b, f3a], lowered: [{ flagId: 'f2', at: 2, pos: 4 }] }), 4, 'f1 left memory, f2 grew, f3 is new, the head');
    assert.equal(await rowsWritten({ v: 1, pos: 4, replayFrom: 1, events: [f2a], lowered: [] }), 0, 'an older checkpoint changes nothing');
    await s.close();
    const { checkpoint } = await new SqliteStorage({ file: f }).load();
    assert.deepEqual(checkpoint, { v: 1, pos: 5, replayFrom: 1, events: [f2a, f2b, f3a], lowered: [{ flagId: 'f2', at: 2, pos: 4 }] });
  });

  /** A file with the log f2, f1, f2 and no checkpoint yet, for the migration tests. */
  async function logged() {
    const f = file();
    const s = new SqliteStorage({ file: f });
    await s.load();
    const log = [raised('f2', 1), raised('f1', 2), message('f2', 2, 3)];
    await s.commit({ events: log, expectedPos: 0 });
    await s.close();
    const [f2a, f1a, f2b] = log.map((pe) => pe.event);
    const checkpoint: Checkpoint = { v: 1, pos: 3, replayFrom: 1, events: [f2a!, f2b!, f1a!], lowered: [] };
    return { f, checkpoint };
  }

  /** The file as a relay of schema 7 left it: the checkpoint's head, and each flag's history copied into its row (f2, then f1). Returned open. */
  function asSchema7(f: string, { events, ...head }: Checkpoint): Database.Database {
    const db = new Database(f);
    db.exec(`DROP TABLE checkpoint_flags; CREATE TABLE checkpoint_flags (flag_id TEXT PRIMARY KEY, body TEXT NOT NULL); UPDATE meta SET value = '7' WHERE key = 'schema_version'`);
    db.prepare('INSERT INTO checkpoint (id, pos, body) VALUES (1, 3, ?)').run(JSON.stringify(head));
    db.prepare('INSERT INTO checkpoint_flags (flag_id, body) VALUES (?, ?), (?, ?)').run('f2', JSON.stringify(events.slice(0, 2)), 'f1', JSON.stringify(events.slice(2)));
    return db;
  }

  it('migration 7 moves a checkpoint written as one row into a row per flag, in the same order (and 8 into names)', async () => {
    const { f, checkpoint } = await logged();
    // The file as a relay of schema 6 left it.
    const db = new Database(f);
    db.exec(`DROP TABLE checkpoint_flags; UPDATE meta SET value = '6' WHERE key = 'schema_version'`);
    db.prepare('INSERT INTO checkpoint (id, pos, body) VALUES (1, 3, ?)').run(JSON.stringify(checkpoint));
    db.close();
    const s = new SqliteStorage({ file: f });
    assert.deepEqual((await s.load()).checkpoint, checkpoint);
    assert.equal(s.database.prepare('SELECT count(*) FROM checkpoint_flags').pluck().get(), 2);
    await s.close();
  });

  it('migration 8 turns the histories a checkpoint copied into their lengths, in the same order', async () => {
    const { f, checkpoint } = await logged();
    asSchema7(f, checkpoint).close();
    const s = new SqliteStorage({ file: f });
    assert.deepEqual((await s.load()).checkpoint, checkpoint);
    assert.deepEqual(s.database.prepare('SELECT flag_id, events FROM checkpoint_flags ORDER BY rowid').raw().all(), [['f2', 2], ['f1', 1]]);
    await s.close();
  });

  it('migration 8 leaves out a copied history the log no longer holds whole, and its place in the lowered queue', async () => {
    const { f, checkpoint } = await logged();
    // Schema 7, its checkpoint written while f2 (lowered) and f1 were in memory; then f2's
    // interaction was erased and the relay stopped before its next checkpoint.
    const lowered = [{ flagId: 'f2', at: 2, pos: 3 }, { flagId: 'f1', at: 2, pos: 2 }];
    const db = asSchema7(f, { ...checkpoint, lowered });
    db.prepare(`DELETE FROM events WHERE flag_id = 'f2'`).run();
    db.close();
    const s = new SqliteStorage({ file: f });
    assert.deepEqual((await s.load()).checkpoint, { ...checkpoint, events: checkpoint.events.slice(2), lowered: [lowered[1]] });
    await s.close();
  });

  it('erasing an interaction un-names its flags in the checkpoint, so a start before the next checkpoint works without them', async () => {
    const f = file();
    const clock = { now: 1_000 };
    const storage = new SqliteStorage({ file: f });
    const authority = await Authority.open({ storage, now: () => clock.now, config: { recentMs: 60_000 }, checkpointEvery: { events: 1e9, ms: 1e9 } });
    const run = async (id: string, command: Parameters<Authority['execute']>[1]['command'], who: Participant = ann) => {
      const outcome = await authority.execute(who, { id, command });
      assert.ok(outcome.ok, JSON.stringify(outcome));
      return outcome.flagId!;
    };
    const secret = await run('r1', { type: 'raise', interactionId: 'private-call', channel: 'voice', message: 'card 4111' });
    await run('l1', { type: 'lower', flagId: secret });
    const kept = await run('r2', { type: 'raise', interactionId: 'other-call', channel: 'voice', message: 'help' });
    await run('l2', { type: 'lower', flagId: kept });
    await authority.checkpoint(); // names both lowered flags, still in memory
    const service = new ServiceStore(storage.database);
    await authority.forgetInteraction('private-call', () => void service.eraseInteraction('private-call'));
    assert.equal(storage.database.pragma('secure_delete', { simple: true }), 1, 'secure_delete stays on for the retention purge');
    await storage.close(); // a crash before the route's next checkpoint

    const reopened = new SqliteStorage({ file: f });
    const again = await Authority.open({ storage: reopened, now: () => clock.now, config: { recentMs: 60_000 }, historyRetentionMs: 60_000, checkpointEvery: { events: 1e9, ms: 1e9 } });
    assert.equal(again.flag(secret), undefined);
    assert.equal(again.flag(kept)?.lowered?.cause, 'agent');
    clock.now += 120_000; // both lowered flags are past the retention: the next capture evicts the one left
    const report = await again.checkpoint();
    assert.ok(report && 'pos' in report, JSON.stringify(report));
    assert.equal(again.retainedHistories, 0);
    await again.close();
  });

  it('a checkpoint names histories in the log: one the log does not hold whole is refused when written and a damaged file when read', async () => {
    const { f, checkpoint } = await logged();
    const s = new SqliteStorage({ file: f });
    await s.load();
    await assert.rejects(s.saveCheckpoint({ ...checkpoint, events: checkpoint.events.slice(1) }), /not its whole history/);
    await s.saveCheckpoint(checkpoint);
    s.database.prepare('DELETE FROM events WHERE flag_id = ? AND seq = 2').run('f2');
    await s.close();
    const damaged = new SqliteStorage({ file: f });
    await assert.rejects(damaged.load(), /names 2 events of flag f2, but the log holds 1 of them: the file is damaged/);
    await damaged.close();
  });

  it('the retention purge leaves a flag the checkpoint names, and takes it once a checkpoint no longer does', async () => {
    const f = file();
    const s = new SqliteStorage({ file: f });
    await s.load();
    const lowered: PositionedEvent = { pos: 2, event: { type: 'lowered', flagId: 'old', seq: 2, at: 10, actor, cause: 'agent' } };
    await s.commit({ events: [raised('old', 1), lowered], expectedPos: 0 });
    const inMemory = { v: 1, pos: 2, replayFrom: 1, events: [raised('old', 1).event, lowered.event], lowered: [{ flagId: 'old', at: 10, pos: 2 }] } as const;
    await s.saveCheckpoint({ ...inMemory, events: [...inMemory.events], lowered: [...inMemory.lowered] });
    assert.deepEqual(s.purge(1_000, 10), { flags: 0, events: 0 });
    await s.saveCheckpoint({ v: 1, pos: 2, replayFrom: 3, events: [], lowered: [] });
    assert.deepEqual(s.purge(1_000, 10), { flags: 1, events: 2 });
    await s.close();
    const reopened = new SqliteStorage({ file: f });
    assert.deepEqual((await reopened.load()).checkpoint, { v: 1, pos: 2, replayFrom: 3, events: [], lowered: [] });
    await reopened.close();
  });

  it('group commit: batches of one turn go in one transaction and resolve in order', async () => {
    const s = new SqliteStorage({ file: file() });
    await s.load();
    const order: number[] = [];
    const commits = [raised('g', 1), message('g', 2, 2), message('g', 3, 3), message('g', 4, 4)].map((pe, i) =>
      s.commit({ events: [pe], expectedPos: pe.pos - 1 }).then(() => order.push(i)),
    );
    await Promise.all(commits);
    assert.deepEqual(order, [0, 1, 2, 3]);
    assert.deepEqual(s.stats, { transactions: 1, batches: 4 });
    await s.commit({ events: [message('g', 5, 5)], expectedPos: 4 });
    assert.deepEqual(s.stats, { transactions: 2, batches: 5 });
    await s.close();
  });

  it('a commit window groups batches of later turns: none is answered before the one transaction that writes them all (close() writes it at once)', async () => {
    const f = file();
    const s = new SqliteStorage({ file: f, commitWindowMs: 60_000 });
    await s.load();
    const answered: number[] = [];
    const first = s.commit({ events: [raised('w', 1)], expectedPos: 0 }).then(() => answered.push(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = s.commit({ events: [message('w', 2, 2)], expectedPos: 1 }).then(() => answered.push(2));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(answered, []);
    assert.deepEqual(s.stats, { transactions: 0, batches: 0 });
    await s.close();
    await Promise.all([first, second]);
    assert.deepEqual(answered, [1, 2]);
    assert.deepEqual(s.stats, { transactions: 1, batches: 2 });
    const again = new SqliteStorage({ file: f });
    assert.deepEqual((await again.load()).events.map((e) => [e.event.flagId, e.event.seq]), [['w', 1], ['w', 2]]);
    await again.close();
  });

  it('a commit window ends on its own: the group is written once the window has passed', async () => {
    const s = new SqliteStorage({ file: file(), commitWindowMs: 5 });
    await s.load();
    await s.commit({ events: [raised('t', 1)], expectedPos: 0 });
    assert.deepEqual(s.stats, { transactions: 1, batches: 1 });
    await s.close();
  });

  it('a failed group rejects every batch in it, writes none of it, and refuses later commits', async () => {
    const f = file();
    const failures: Error[] = [];
    const s = new SqliteStorage({ file: f, onFailure: (err) => failures.push(err) });
    await s.load();
    await s.commit({ events: [raised('h', 1)], expectedPos: 0 });
    assert.equal(s.failure, null);
    const good = s.commit({ events: [message('h', 2, 2)], expectedPos: 1 });
    const duplicate = s.commit({ events: [message('h', 2, 3)], expectedPos: 2 }); // same (flag, seq): violates UNIQUE
    await assert.rejects(good);
    await assert.rejects(duplicate);
    await assert.rejects(s.commit({ events: [message('h', 3, 4)], expectedPos: 3 }));
    assert.equal(failures.length, 1, 'reported once');
    assert.match(s.failure!.message, /UNIQUE constraint failed/);
    await s.close();
    const reopened = new SqliteStorage({ file: f });
    assert.deepEqual((await reopened.load()).events.map((e) => e.pos), [1]);
    await reopened.close();
  });

  it('records its schema version, uses WAL, and refuses a newer schema', async () => {
    const f = file();
    const s = new SqliteStorage({ file: f });
    await s.close();
    const db = new Database(f);
    assert.equal((db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string }).value, String(SCHEMA_VERSION));
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'schema_version'`).run(String(SCHEMA_VERSION + 1));
    db.close();
    assert.throws(() => new SqliteStorage({ file: f }), new RegExp(`schema version ${SCHEMA_VERSION + 1}; this relay knows up to ${SCHEMA_VERSION}`));
  });
});
