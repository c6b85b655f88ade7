import { expect } from '@esm-bundle/chai';
import { Authority } from './authority.js';
import { SharedMemoryLog } from './shared-memory-log.js';
import type { Participant, PositionedEvent } from '../model.js';
import type { AuthorityStorage, CommitBatch, CommitResult } from './storage.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['blue'] };
const sue: Participant = { id: 'sue', name: 'Sue Super', role: 'supervisor', teams: ['blue'] };
const sam: Participant = { id: 'sam', name: 'Sam Super', role: 'supervisor', teams: ['blue'] };
const bob: Participant = { id: 'bob', name: 'Bob Agent', role: 'agent', teams: ['blue'] };

/** One process's connection to the shared log, whose commits wait until the test releases them. */
class GatedConnection implements AuthorityStorage {
  readonly pending: Array<{ batch: CommitBatch; release(): Promise<void> }> = [];
  readonly #inner: AuthorityStorage;
  #arrived: (() => void) | null = null;
  constructor(log: SharedMemoryLog) {
    this.#inner = log.connect();
  }
  get shared() {
    return this.#inner.shared;
  }
  load() {
    return this.#inner.load();
  }
  outcome(id: string) {
    return this.#inner.outcome(id);
  }
  flagEvents(flagId: string) {
    return this.#inner.flagEvents(flagId);
  }
  close() {
    return this.#inner.close();
  }
  commit(batch: CommitBatch): Promise<CommitResult> {
    return new Promise((resolve) => {
      this.pending.push({ batch, release: () => this.#inner.commit(batch).then(resolve) });
      this.#arrived?.();
    });
  }
  /** Resolves once commit number `n` (counting from 1) has been asked for. */
  async commits(n: number): Promise<CommitBatch> {
    while (this.pending.length < n) await new Promise<void>((r) => (this.#arrived = r));
    return this.pending[n - 1]!.batch;
  }
  /** Lets commit number `n` through once it has been asked for. */
  async release(n: number): Promise<CommitBatch> {
    const batch = await this.commits(n);
    await this.pending[n - 1]!.release();
    return batch;
  }
}

/** Lets every promise chain not waiting on a gate run to completion: a barrier, not a sleep. */
const settle = () => new Promise<void>((r) => setTimeout(r, 0));
const ids = (batch: CommitBatch) => batch.outcomes?.map((o) => o.id);

describe('Authority on a shared log (several relay processes)', () => {
  let clock: number;
  const now = () => clock;
  const open = (log: SharedMemoryLog, storage: AuthorityStorage = log.connect()) => Authority.open({ storage, now, config: { escalation: { afterMs: 1000 } } });
  const raise = (id: string, interactionId: string) => ({ id, command: { type: 'raise', interactionId, channel: 'voice', message: 'help' } }) as const;
  const say = (id: string, flagId: string) => ({ id, command: { type: 'send-message', flagId, text: 'hello' } }) as const;
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('shows a flag raised on one process to a supervisor on another, in the same order', async () => {
    const log = new SharedMemoryLog();
    const [a, b] = [await open(log), await open(log)];
    const seenOnB: PositionedEvent[] = [];
    b.subscribe(sue, (pe) => seenOnB.push(pe));
    const raised = await a.execute(ann, { id: 'c1', command: { type: 'raise', interactionId: 'i1', channel: 'voice', message: 'help' } });
    expect(raised.ok).to.equal(true);
    await b.execute(sue, { id: 'c2', command: { type: 'acknowledge', flagId: 'c1' } });
    await a.execute(ann, { id: 'c3', command: { type: 'send-message', flagId: 'c1', text: 'thanks' } });
    await b.execute(sue, { id: 'c4', command: { type: 'lower', flagId: 'c1' } });
    expect(seenOnB.map((pe) => [pe.pos, pe.event.type])).to.deep.equal([[1, 'raised'], [2, 'acknowledged'], [3, 'message'], [4, 'lowered']]);
    expect(a.flag('c1')).to.deep.equal(b.flag('c1'));
    expect(log.events.map((pe) => pe.pos)).to.deep.equal([1, 2, 3, 4]);
  });

  it('lets exactly one of two supervisors on two processes acknowledge', async () => {
    const log = new SharedMemoryLog();
    const [a, b] = [await open(log), await open(log)];
    await a.execute(ann, { id: 'f', command: { type: 'raise', interactionId: 'i1', channel: 'voice', message: 'help' } });
    const [x, y] = await Promise.all([
      a.execute(sue, { id: 'ack-sue', command: { type: 'acknowledge', flagId: 'f' } }),
      b.execute(sam, { id: 'ack-sam', command: { type: 'acknowledge', flagId: 'f' } }),
    ]);
    const outcomes = [x, y];
    expect(outcomes.filter((o) => o.ok).length).to.equal(1);
    const loser = outcomes.find((o) => !o.ok)!;
    expect(!loser.ok && loser.error.code).to.equal('already-acknowledged');
    expect(log.events.filter((pe) => pe.event.type === 'acknowledged').length).to.equal(1);
  });

  it('answers a retry that lands on another process with the original outcome and no new event', async () => {
    const log = new SharedMemoryLog();
    const [a, b] = [await open(log), await open(log)];
    const envelope = { id: 'raise-1', command: { type: 'raise', interactionId: 'i1', channel: 'voice', message: 'help' } } as const;
    const first = await a.execute(ann, envelope);
    const retried = await b.execute(ann, envelope);
    expect(retried).to.deep.equal(first);
    expect(log.events.length).to.equal(1);
    const stolen = await b.execute(sue, { id: 'raise-1', command: { type: 'acknowledge', flagId: 'raise-1' } });
    expect(!stolen.ok && stolen.error.code).to.equal('not-allowed');
  });

  it('escalates once per level however many processes tick', async () => {
    const log = new SharedMemoryLog();
    const [a, b, c] = [await open(log), await open(log), await open(log)];
    await a.execute(ann, { id: 'f', command: { type: 'raise', interactionId: 'i1', channel: 'voice', message: 'help' } });
    clock += 1000;
    await Promise.all([a.tick(), b.tick(), c.tick()]);
    clock += 1000;
    await Promise.all([c.tick(), b.tick(), a.tick()]);
    expect(log.events.map((pe) => pe.event.type)).to.deep.equal(['raised', 'escalated', 'escalated']);
    for (const x of [a, b, c]) expect(x.flag('f')!.escalation).to.equal(2);
  });

  it('rebuilds a replacement process from the log: nothing acknowledged is lost', async () => {
    const log = new SharedMemoryLog();
    const a = await open(log);
    for (let i = 0; i < 20; i++) await a.execute(ann, { id: `r${i}`, command: { type: 'raise', interactionId: `i${i}`, channel: 'voice', message: `m${i}` } });
    await a.close();
    const b = await open(log);
    expect(b.pos).to.equal(20);
    expect(b.snapshot(sue).events.length).to.equal(20);
    const again = await b.execute(ann, { id: 'r3', command: { type: 'raise', interactionId: 'i3', channel: 'voice', message: 'm3' } });
    expect(again.ok && again.flagId).to.equal('r3');
    expect(log.events.length).to.equal(20);
  });

  it('decides the commands queued behind a commit as one group in one write, each seeing the ones before it', async () => {
    const log = new SharedMemoryLog();
    const gate = new GatedConnection(log);
    const a = await open(log, gate);
    const seen: string[] = [];
    a.subscribe(sue, (pe) => seen.push(`${pe.event.type} ${pe.event.flagId}`));
    const first = a.execute(bob, raise('f0', 'i0'));
    await gate.commits(1);
    const raised = a.execute(ann, raise('f1', 'i1'));
    const said = a.execute(ann, say('m1', 'f1')).then((o) => (seen.push('answer m1'), o));
    const acked = a.execute(sue, { id: 'ack', command: { type: 'acknowledge', flagId: 'f1' } });
    await gate.release(1);
    const group = await gate.release(2);
    expect(ids(group)).to.deep.equal(['f1', 'm1', 'ack']);
    expect(group.expectedPos).to.equal(1);
    expect(group.events.map((pe) => [pe.pos, pe.event.type, pe.event.seq])).to.deep.equal([[2, 'raised', 1], [3, 'message', 2], [4, 'acknowledged', 3]]);
    const outcomes = await Promise.all([first, raised, said, acked]);
    expect(outcomes.map((o) => o.ok)).to.deep.equal([true, true, true, true]);
    expect(outcomes[2]).to.deep.include({ flagId: 'f1', seq: 2, changed: true });
    expect(gate.pending.length).to.equal(2);
    expect(seen).to.deep.equal(['raised f0', 'raised f1', 'message f1', 'acknowledged f1', 'answer m1']);
    expect(a.flag('f1')!.status).to.equal('acknowledged');
  });

  it('answers the duplicates in a group with their stored outcomes, only to their sender, and decides the rest again', async () => {
    const log = new SharedMemoryLog();
    const gate = new GatedConnection(log);
    const [a, b] = [await open(log, gate), await open(log)];
    const original = await b.execute(ann, raise('r1', 'i1'));
    await b.execute(bob, raise('r2', 'i2'));
    const first = a.execute(bob, say('m0', 'r2'));
    await gate.commits(1);
    const retried = a.execute(ann, raise('r1', 'i1')); // decided again now, it would be already-open
    const stolen = a.execute(sue, { id: 'r2', command: { type: 'acknowledge', flagId: 'r2' } });
    const said = a.execute(ann, say('m1', 'r1'));
    await gate.release(1);
    expect(ids(await gate.release(2))).to.deep.equal(['r1', 'r2', 'm1']);
    const again = await gate.release(3);
    expect(ids(again)).to.deep.equal(['m1']);
    expect(again.events.map((pe) => [pe.pos, pe.event.type])).to.deep.equal([[4, 'message']]);
    expect((await first).ok).to.equal(true);
    expect(await retried).to.deep.equal(original);
    const refused = await stolen;
    expect(!refused.ok && refused.error.code).to.equal('not-allowed');
    expect(await said).to.deep.include({ ok: true, flagId: 'r1', seq: 2 });
    expect(log.events.map((pe) => `${pe.event.type} ${pe.event.flagId}`)).to.deep.equal(['raised r1', 'raised r2', 'message r2', 'message r1']);
    expect(a.flag('r2')!.status).to.equal('raised');
  });

  it('catches up and decides the whole group again when another process appended first', async () => {
    const log = new SharedMemoryLog();
    const gate = new GatedConnection(log);
    const [a, b] = [await open(log, gate), await open(log)];
    await b.execute(ann, raise('f', 'i1'));
    await settle();
    const first = a.execute(ann, say('m0', 'f'));
    await gate.commits(1);
    const ackSue = a.execute(sue, { id: 'ack-sue', command: { type: 'acknowledge', flagId: 'f' } });
    const said = a.execute(ann, say('m1', 'f'));
    await gate.release(1);
    const group = await gate.commits(2);
    expect(ids(group)).to.deep.equal(['ack-sue', 'm1']);
    const ackSam = await b.execute(sam, { id: 'ack-sam', command: { type: 'acknowledge', flagId: 'f' } });
    expect(ackSam.ok).to.equal(true);
    await gate.release(2); // conflict: nothing written, nothing applied
    const again = await gate.release(3);
    expect(ids(again)).to.deep.equal(['ack-sue', 'm1']);
    expect(again.events.map((pe) => [pe.pos, pe.event.type, pe.event.seq])).to.deep.equal([[4, 'message', 4]]);
    expect((await first).ok).to.equal(true);
    const lost = await ackSue;
    expect(!lost.ok && lost.error.code).to.equal('already-acknowledged');
    expect(await said).to.deep.include({ ok: true, seq: 4 });
    expect(log.events.map((pe) => pe.event.type)).to.deep.equal(['raised', 'message', 'acknowledged', 'message']);
    await settle();
    expect(a.flag('f')).to.deep.equal(b.flag('f'));
  });

  it('caps a group at 256 commands and commits the rest as the next group', async () => {
    const log = new SharedMemoryLog();
    const gate = new GatedConnection(log);
    const a = await open(log, gate);
    const first = a.execute(ann, raise('f0', 'i0'));
    await gate.commits(1);
    const rest = Array.from({ length: 300 }, (_, i) => a.execute(ann, raise(`f${i + 1}`, `i${i + 1}`)));
    await gate.release(1);
    expect((await gate.release(2)).outcomes!.length).to.equal(256);
    expect((await gate.release(3)).outcomes!.length).to.equal(44);
    const outcomes = await Promise.all([first, ...rest]);
    expect(outcomes.every((o) => o.ok)).to.equal(true);
    expect(log.events.map((pe) => pe.pos)).to.deep.equal(Array.from({ length: 301 }, (_, i) => i + 1));
  });
});
