import { expect } from '@esm-bundle/chai';
import type { Command } from '../commands.js';
import type { FlagConfigInput } from '../config.js';
import { FlagError } from '../errors.js';
import type { Participant } from '../model.js';
import { Authority, HISTORY_MARGIN_MS } from './authority.js';
import { SharedMemoryLog } from './shared-memory-log.js';
import { MemoryStorage, type AuthorityStorage, type CommitBatch } from './storage.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['team-a'] };
const bob: Participant = { id: 'bob', name: 'Bob Agent', role: 'agent', teams: ['team-a'] };
const sue: Participant = { id: 'sue', name: 'Sue Supervisor', role: 'supervisor', teams: ['team-a'] };
const tom: Participant = { id: 'tom', name: 'Tom Supervisor', role: 'supervisor', teams: ['team-b'] };

/** Counts the histories the Authority asks storage for, so a test knows where an answer came from. */
class CountingStorage extends MemoryStorage {
  reads = 0;
  override flagEvents(flagId: string) {
    this.reads++;
    return super.flagEvents(flagId);
  }
}

/** A storage whose commits stay pending until the test releases them. */
class GatedStorage extends MemoryStorage {
  readonly pending: Array<() => void> = [];
  override commit(batch: CommitBatch): Promise<void> {
    return new Promise((resolve) => this.pending.push(() => void super.commit(batch).then(resolve)));
  }
}

let n = 0;
async function open(storage: AuthorityStorage, clock: { now: number }, retention: { config?: FlagConfigInput; historyRetentionMs?: number }) {
  return Authority.open({ storage, now: () => clock.now, ...retention });
}
async function run(a: Authority, who: Participant, command: Command) {
  const outcome = await a.execute(who, { id: `cmd-${++n}`, command });
  if (!outcome.ok) throw new FlagError(outcome.error.code, outcome.error.message);
  return outcome;
}
/** Raise, chat `messages` times and lower one flag; returns its id. */
async function lifecycle(a: Authority, messages: number): Promise<string> {
  const { flagId } = await run(a, ann, { type: 'raise', interactionId: `i-${++n}`, channel: 'voice', message: 'help' });
  for (let m = 0; m < messages; m++) await run(a, m % 2 ? ann : sue, { type: 'send-message', flagId: flagId!, text: `message ${m}` });
  await run(a, ann, { type: 'lower', flagId: flagId! });
  return flagId!;
}

describe('Authority: bounded memory', () => {
  it('keeps only recent histories in memory while old ones are still answered whole, from storage', async () => {
    const clock = { now: 1_000 };
    const storage = new CountingStorage();
    const authority = await open(storage, clock, { config: { recentMs: 1_000 }, historyRetentionMs: 2_000 });
    const stillOpen = (await run(authority, ann, { type: 'raise', interactionId: 'long-call', channel: 'voice', message: 'stay' })).flagId!;
    const flags: string[] = [];
    let most = 0;
    for (let i = 0; i < 300; i++) {
      flags.push(await lifecycle(authority, 4));
      clock.now += 100;
      most = Math.max(most, authority.retainedHistories);
    }
    // 2,000 ms of retention at one lowered flag per 100 ms, plus the open flag.
    expect(most).to.be.within(20, 22);
    expect(authority.retainedHistories).to.be.at.most(22);

    const first = flags[0]!;
    const events = await authority.history(sue, first, 0);
    expect(storage.reads).to.equal(1);
    expect(authority.retainedHistories).to.be.at.most(22);
    expect(events.map((e) => [e.seq, e.type])).to.deep.equal([
      [1, 'raised'],
      [2, 'message'],
      [3, 'message'],
      [4, 'message'],
      [5, 'message'],
      [6, 'lowered'],
    ]);
    expect((await authority.history(ann, first, 4)).map((e) => e.seq)).to.deep.equal([5, 6]);
    expect(storage.reads).to.equal(2);
    const refused = (who: Participant, id: string) => authority.history(who, id, 0).then(() => 'no error', (err: FlagError) => err.code);
    expect(await refused(bob, first)).to.equal('not-found');
    expect(await refused(tom, first)).to.equal('not-found');
    expect(await refused(sue, 'nope')).to.equal('not-found');

    // The flag left memory whole (its state too), yet decisions on it are unchanged: it is read back, lowered.
    expect(authority.flag(first)).to.equal(undefined);
    expect(await authority.execute(ann, { id: 'again', command: { type: 'lower', flagId: first } })).to.deep.equal({
      ok: true,
      flagId: first,
      seq: 6,
      changed: false,
      note: 'already-lowered',
    });
    const chat = await authority.execute(sue, { id: 'late', command: { type: 'send-message', flagId: first, text: 'late' } });
    expect(chat).to.deep.include({ ok: false });
    expect(!chat.ok && chat.error.code).to.equal('invalid-state');
    expect(storage.reads).to.equal(7);

    // Recent and open flags are served from memory, and snapshots are unchanged.
    const recent = flags.at(-1)!;
    expect((await authority.history(sue, recent, 0)).map((e) => e.type)).to.deep.equal(['raised', 'message', 'message', 'message', 'message', 'lowered']);
    expect(await authority.history(sue, stillOpen, 0)).to.have.length(1);
    expect(storage.reads).to.equal(7);
    const snapshotted = new Set(authority.snapshot(sue).events.map((e) => e.flagId));
    expect(snapshotted.has(stillOpen) && snapshotted.has(recent) && !snapshotted.has(first)).to.equal(true);
    expect(snapshotted.size).to.equal(11); // lowered within recentMs (1,000 ms) + the open flag
    await authority.close();
  });

  it('lets histories go on the tick when nothing else happens, and keeps open flags', async () => {
    const clock = { now: 1_000 };
    const authority = await open(new MemoryStorage(), clock, { config: { recentMs: 500 } });
    const lowered = await lifecycle(authority, 1);
    const open1 = (await run(authority, ann, { type: 'raise', interactionId: 'open', channel: 'voice', message: 'x' })).flagId!;
    clock.now += 500 + HISTORY_MARGIN_MS - 1;
    await authority.tick();
    expect(authority.retainedHistories).to.equal(2);
    clock.now += 2;
    await authority.tick();
    expect(authority.retainedHistories).to.equal(1);
    expect((await authority.history(sue, lowered, 0)).map((e) => e.type)).to.deep.equal(['raised', 'message', 'lowered']);
    expect((await authority.history(sue, open1, 0)).map((e) => e.type)).to.include('raised');
    await authority.close();
  });

  it('keeps a history in memory until its events are durable', async () => {
    const clock = { now: 1_000 };
    const storage = new GatedStorage();
    const authority = await open(storage, clock, { config: { recentMs: 0 }, historyRetentionMs: 0 });
    const raised = authority.execute(ann, { id: 'r', command: { type: 'raise', interactionId: 'i', channel: 'voice', message: 'x' } });
    const lowered = authority.execute(ann, { id: 'l', command: { type: 'lower', flagId: 'r' } });
    const arrived = async (count: number) => {
      while (storage.pending.length < count) await new Promise<void>((r) => setTimeout(r, 0));
    };
    await arrived(2);
    clock.now += 10;
    // The retention (0 ms) is over, but the lowered event is not stored yet: the history stays.
    const ticked = authority.tick();
    await arrived(3);
    expect(authority.retainedHistories).to.equal(1);
    expect((await storage.flagEvents('r')).length).to.equal(0);
    for (const release of storage.pending) release();
    await Promise.all([raised, lowered, ticked]);
    expect(authority.retainedHistories).to.equal(0);
    expect((await authority.history(ann, 'r', 0)).map((e) => e.type)).to.deep.equal(['raised', 'lowered']);
    await authority.close();
  });

  it('starts with only recent histories in memory after loading an old log', async () => {
    const clock = { now: 1_000 };
    const storage = new MemoryStorage();
    const before = await open(storage, clock, { config: { recentMs: 100 }, historyRetentionMs: 100 });
    const old = await lifecycle(before, 2);
    await run(before, ann, { type: 'raise', interactionId: 'open', channel: 'voice', message: 'x' });
    clock.now += 1_000;
    const after = await open(storage, clock, { config: { recentMs: 100 }, historyRetentionMs: 100 });
    expect(after.retainedHistories).to.equal(1);
    expect((await after.history(sue, old, 0)).map((e) => e.seq)).to.deep.equal([1, 2, 3, 4]);
  });

  it('evicts flags lowered by another process sharing the log', async () => {
    const clock = { now: 1_000 };
    const log = new SharedMemoryLog();
    const writer = await open(log.connect(), clock, { config: { recentMs: 100 }, historyRetentionMs: 100 });
    const reader = await open(log.connect(), clock, { config: { recentMs: 100 }, historyRetentionMs: 100 });
    const old = await lifecycle(writer, 3);
    clock.now += 101;
    await lifecycle(writer, 1);
    await reader.tick();
    expect(reader.retainedHistories).to.equal(1);
    expect((await reader.history(sue, old, 0)).map((e) => e.type)).to.deep.equal(['raised', 'message', 'message', 'message', 'lowered']);
    await Promise.all([writer.close(), reader.close()]);
  });

  it('refuses a retention shorter than recentMs', async () => {
    const failure = await open(new MemoryStorage(), { now: 0 }, { config: { recentMs: 1_000 }, historyRetentionMs: 999 }).catch((err: FlagError) => err);
    expect(failure).to.be.instanceOf(FlagError);
    expect((failure as FlagError).code).to.equal('invalid-input');
  });
});
