import { expect } from '@esm-bundle/chai';
import type { Command } from '../commands.js';
import { FlagError } from '../errors.js';
import type { Participant } from '../model.js';
import { Authority, type AuthorityOptions, type CheckpointReport } from './authority.js';
import { MemoryStorage, type Checkpoint, type CommitBatch } from './storage.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['team-a'] };
const bob: Participant = { id: 'bob', name: 'Bob Agent', role: 'agent', teams: ['team-a'] };
const sue: Participant = { id: 'sue', name: 'Sue Supervisor', role: 'supervisor', teams: ['team-a'] };

/** Counts what load() hands the Authority, and lets a test hold commits back or fail checkpoints. */
class Probe extends MemoryStorage {
  loaded = 0;
  saved: Checkpoint[] = [];
  failCheckpoints = false;
  readonly held: Array<() => void> = [];
  hold = false;
  override async load() {
    const loaded = await super.load();
    this.loaded = loaded.events.length;
    return loaded;
  }
  override async saveCheckpoint(checkpoint: Checkpoint) {
    if (this.failCheckpoints) throw new Error('disk full');
    this.saved.push(checkpoint);
    return super.saveCheckpoint(checkpoint);
  }
  override commit(batch: CommitBatch): Promise<void> {
    if (!this.hold) return super.commit(batch);
    return new Promise((resolve) => this.held.push(() => void super.commit(batch).then(resolve)));
  }
}

let n = 0;
const RETENTION = { config: { recentMs: 100 }, historyRetentionMs: 200 };
function open(storage: Probe, clock: { now: number }, more: Partial<AuthorityOptions> = {}) {
  return Authority.open({ storage, now: () => clock.now, ...RETENTION, checkpointEvery: { events: 1e9, ms: 1e9 }, ...more });
}
async function run(a: Authority, who: Participant, command: Command) {
  const outcome = await a.execute(who, { id: `cmd-${++n}`, command });
  if (!outcome.ok) throw new FlagError(outcome.error.code, outcome.error.message);
  return outcome.flagId!;
}
/** Raise, acknowledge, chat and lower one flag on a fresh interaction. */
async function story(a: Authority): Promise<string> {
  const flagId = await run(a, ann, { type: 'raise', interactionId: `i-${++n}`, channel: 'voice', message: 'help' });
  await run(a, sue, { type: 'acknowledge', flagId });
  await run(a, sue, { type: 'send-message', flagId, text: 'on my way' });
  await run(a, ann, { type: 'lower', flagId });
  return flagId;
}
/** Everything a client or a decision can observe of the state. */
function observe(a: Authority, ids: string[], interactions: string[]) {
  return {
    pos: a.pos,
    epoch: a.epoch,
    retained: a.retainedHistories,
    flags: ids.map((id) => a.flag(id) ?? null),
    open: interactions.map((i) => a.openFlagFor(i)?.id ?? null),
    owners: interactions.map((i) => a.interactionAgent(i) ?? null),
    snapshot: a.snapshot(sue),
  };
}

describe('Authority: checkpoints', () => {
  it('restarts from a checkpoint with the same state, reading only the replay window and the events after it', async () => {
    const clock = { now: 1_000 };
    const storage = new Probe();
    const before = await open(storage, clock, { replayWindow: 10 });
    const old: string[] = [];
    for (let i = 0; i < 50; i++) {
      old.push(await story(before));
      clock.now += 20;
    }
    const open1 = await run(before, ann, { type: 'raise', interactionId: 'call-1', channel: 'voice', message: 'stays open' });
    await before.checkpoint();
    expect(storage.saved.at(-1)!.pos).to.equal(before.pos);
    // After the checkpoint: more flags, one still open, and a message on the open one.
    const recent = await story(before);
    const open2 = await run(before, bob, { type: 'raise', interactionId: 'call-2', channel: 'voice', message: 'me too' });
    await run(before, sue, { type: 'send-message', flagId: open1, text: 'hold on' });
    const ids = [...old, open1, recent, open2];
    const interactions = ['call-1', 'call-2', 'i-1', `i-${n}`];
    const seen = observe(before, ids, interactions);
    const tail = before.pos - storage.saved.at(-1)!.pos;
    // `before` is not closed, as after a crash: no checkpoint at the head.
    const after = await open(storage, clock, { replayWindow: 10 });
    expect(storage.loaded).to.equal(10 + tail);
    expect(storage.loaded).to.be.below(before.pos / 10);
    expect(observe(after, ids, interactions)).to.deep.equal(seen);
    // Flags that left memory before the checkpoint are still answered whole, from the log.
    expect((await after.history(sue, old[0]!, 0)).map((e) => e.type)).to.deep.equal(['raised', 'acknowledged', 'message', 'lowered']);
    // A client at a position inside the replay window resumes; one before it takes a snapshot.
    expect(after.replay(sue, { epoch: after.epoch, pos: seen.pos - 12 })).to.equal(null);
    expect(after.replay(sue, { epoch: after.epoch, pos: seen.pos - 9 })).to.have.length(9);
    // Decisions continue where they were: the open flags take messages, retries get their outcome.
    await run(after, ann, { type: 'send-message', flagId: open1, text: 'thanks' });
    expect(after.flag(open1)!.seq).to.equal(3);
    expect(await after.execute(bob, { id: open2, command: { type: 'raise', interactionId: 'call-2', channel: 'voice', message: 'me too' } })).to.deep.include({ ok: true, flagId: open2, seq: 1 });
    await after.close();
  });

  it('writes a checkpoint every N events and on close, reporting each', async () => {
    const clock = { now: 1_000 };
    const storage = new Probe();
    const reports: CheckpointReport[] = [];
    const a = await open(storage, clock, { checkpointEvery: { events: 8, ms: 1e9 }, onCheckpoint: (r) => reports.push(r) });
    for (let i = 0; i < 4; i++) await story(a);
    await a.tick();
    expect(storage.saved.map((c) => c.pos)).to.deep.equal([8, 16]);
    await run(a, ann, { type: 'raise', interactionId: 'last', channel: 'voice', message: 'x' });
    await a.close();
    expect(storage.saved.map((c) => c.pos)).to.deep.equal([8, 16, 17]);
    expect(reports.map((r) => ('pos' in r ? r.pos : r.error.message))).to.deep.equal([8, 16, 17]);

    const again = await open(storage, clock);
    expect(storage.loaded).to.equal(17 - storage.saved.at(-1)!.replayFrom + 1);
    expect(again.openFlagFor('last')!.message).to.equal('x');
    await again.close();
    expect(storage.saved).to.have.length(3); // nothing new: no checkpoint on close
  });

  it('writes a checkpoint after N ms on the tick when events happened', async () => {
    const clock = { now: 1_000 };
    const storage = new Probe();
    const a = await open(storage, clock, { checkpointEvery: { events: 1e9, ms: 60_000 } });
    await story(a);
    await a.tick();
    expect(storage.saved).to.have.length(0);
    clock.now += 60_000;
    await a.tick();
    await a.tick(); // the write runs after the queue; a second tick waits for it
    expect(storage.saved.map((c) => c.pos)).to.deep.equal([4]);
    clock.now += 60_000;
    await a.tick();
    expect(storage.saved).to.have.length(1); // nothing happened since
  });

  it('waits until the captured events are durable before writing the checkpoint', async () => {
    const clock = { now: 1_000 };
    const storage = new Probe();
    const a = await open(storage, clock);
    storage.hold = true;
    const raised = a.execute(ann, { id: 'r', command: { type: 'raise', interactionId: 'i', channel: 'voice', message: 'x' } });
    const written = a.checkpoint();
    while (storage.held.length < 1) await new Promise<void>((r) => setTimeout(r, 0));
    await new Promise<void>((r) => setTimeout(r, 0)); // every microtask has run: a write not waiting would be done
    expect(storage.saved).to.have.length(0);
    storage.hold = false;
    storage.held.forEach((release) => release());
    await Promise.all([raised, written]);
    expect(storage.saved.map((c) => c.pos)).to.deep.equal([1]);
  });

  it('reports a failed checkpoint and keeps serving', async () => {
    const clock = { now: 1_000 };
    const storage = new Probe();
    const reports: CheckpointReport[] = [];
    const a = await open(storage, clock, { onCheckpoint: (r) => reports.push(r) });
    storage.failCheckpoints = true;
    await story(a);
    await a.checkpoint();
    expect(reports.map((r) => ('error' in r ? r.error.message : r.pos))).to.deep.equal(['disk full']);
    await story(a);
    storage.failCheckpoints = false;
    await a.close();
    expect(storage.saved.map((c) => c.pos)).to.deep.equal([8]);
  });

  it('forgets an interaction’s owner with its flags once they leave memory', async () => {
    const clock = { now: 1_000 };
    const storage = new Probe();
    const a = await open(storage, clock);
    const flagId = await run(a, ann, { type: 'raise', interactionId: 'transferred', channel: 'voice', message: 'x' });
    await run(a, ann, { type: 'lower', flagId });
    const byBob = () => a.execute(bob, { id: `cmd-${++n}`, command: { type: 'raise', interactionId: 'transferred', channel: 'voice', message: 'y' } });
    const refused = await byBob();
    expect(!refused.ok && refused.error.code).to.equal('not-allowed');
    clock.now += 201;
    await a.tick();
    expect(a.interactionAgent('transferred')).to.equal(undefined);
    expect(await byBob()).to.deep.include({ ok: true });
    expect(a.interactionAgent('transferred')).to.equal('bob');
    // The replay window moved past the forgotten flag: resuming from before it needs a snapshot.
    expect(a.replay(sue, { epoch: a.epoch, pos: 1 })).to.equal(null);
    expect(a.replay(sue, { epoch: a.epoch, pos: 2 })!.map((pe) => pe.event.type)).to.deep.equal(['raised']);
  });
});
