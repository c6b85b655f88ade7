import { expect } from '@esm-bundle/chai';
import type { Command, Outcome } from '../commands.js';
import type { FlagConfigInput } from '../config.js';
import { FlagError } from '../errors.js';
import { SYSTEM_ACTOR, type Participant, type PositionedEvent } from '../model.js';
import { Authority } from './authority.js';
import { MemoryStorage, type AuthorityStorage, type CommitBatch } from './storage.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['team-a'] };
const bob: Participant = { id: 'bob', name: 'Bob Agent', role: 'agent', teams: ['team-a'] };
const sue: Participant = { id: 'sue', name: 'Sue Supervisor', role: 'supervisor', teams: ['team-a'] };
const sam: Participant = { id: 'sam', name: 'Sam Supervisor', role: 'supervisor', teams: ['team-a'] };
const tom: Participant = { id: 'tom', name: 'Tom Supervisor', role: 'supervisor', teams: ['team-b'] };
const tia: Participant = { id: 'tia', name: 'Tia Tier-two', role: 'supervisor', teams: ['tier-2'] };

/** Wraps a storage so a test decides when each commit becomes durable, or fails it. */
class GatedStorage implements AuthorityStorage {
  readonly inner = new MemoryStorage();
  readonly pending: Array<{ batch: CommitBatch; release(): void; fail(err: Error): void }> = [];
  #arrived: (() => void) | null = null;
  load() {
    return this.inner.load();
  }
  outcome(id: string) {
    return this.inner.outcome(id);
  }
  flagEvents(flagId: string) {
    return this.inner.flagEvents(flagId);
  }
  close() {
    return this.inner.close();
  }
  commit(batch: CommitBatch): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({
        batch,
        release: () => void this.inner.commit(batch).then(() => resolve()),
        fail: reject,
      });
      this.#arrived?.();
    });
  }
  /** Resolves once `count` commits have been asked for. */
  async commits(count: number): Promise<void> {
    while (this.pending.length < count) await new Promise<void>((r) => (this.#arrived = r));
  }
}

/**
 * Lets every microtask chain that is not waiting on a gate run to completion. All of the
 * Authority's work is promise-based, so one macrotask turn is enough: this is a barrier,
 * not a sleep standing in for a race.
 */
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

interface Setup {
  authority: Authority;
  storage: AuthorityStorage;
  clock: { now: number };
}
async function open(opts: { storage?: AuthorityStorage; config?: FlagConfigInput; replayWindow?: number } = {}): Promise<Setup> {
  const clock = { now: 1_000 };
  const storage = opts.storage ?? new MemoryStorage();
  const authority = await Authority.open({
    storage,
    now: () => clock.now,
    config: opts.config ?? { escalation: { afterMs: 60_000, secondTierTeams: ['tier-2'] } },
    ...(opts.replayWindow ? { replayWindow: opts.replayWindow } : {}),
  });
  return { authority, storage, clock };
}

let n = 0;
const run = (a: Authority, who: Participant, command: Command, id = `cmd-${++n}`) => a.execute(who, { id, command });
async function raise(a: Authority, who: Participant = ann, interactionId = `i-${++n}`): Promise<string> {
  const outcome = await run(a, who, { type: 'raise', interactionId, channel: 'voice', message: 'help' });
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.flagId!;
}
function record(a: Authority, who: Participant): PositionedEvent[] {
  const seen: PositionedEvent[] = [];
  a.subscribe(who, (pe) => seen.push(pe));
  return seen;
}

describe('Authority: commands and idempotency', () => {
  it('answers a raise with the flag, seq 1, and advances the log position', async () => {
    const { authority } = await open();
    const outcome = await run(authority, ann, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'help' }, 'flag-1');
    expect(outcome).to.deep.equal({ ok: true, flagId: 'flag-1', seq: 1, changed: true });
    expect(authority.pos).to.equal(1);
    expect(authority.flag('flag-1')!.status).to.equal('raised');
    expect(authority.openFlagFor('i-1')!.id).to.equal('flag-1');
    expect(authority.interactionAgent('i-1')).to.equal('ann');
  });

  it('reports refusals as ok: false outcomes and reports the current seq for no-op successes', async () => {
    const { authority } = await open();
    const id = await raise(authority);
    expect(await run(authority, ann, { type: 'acknowledge', flagId: id })).to.deep.include({ ok: false });
    await run(authority, sue, { type: 'lower', flagId: id });
    expect(await run(authority, ann, { type: 'lower', flagId: id })).to.deep.equal({ ok: true, flagId: id, seq: 2, changed: false, note: 'already-lowered' });
    expect(await run(authority, ann, { type: 'end-interaction', interactionId: 'nowhere' })).to.deep.equal({ ok: true, flagId: null, seq: 0, changed: false, note: 'no-open-flag' });
    expect(authority.pos).to.equal(2);
  });

  it('returns the original outcome for a retried id, sequential or concurrent, and writes one event', async () => {
    const { authority } = await open();
    const id = await raise(authority);
    const send = () => run(authority, ann, { type: 'send-message', flagId: id, text: 'once' }, 'm-1');
    const [a, b] = await Promise.all([send(), send()]);
    const c = await send();
    expect(a).to.deep.equal({ ok: true, flagId: id, seq: 2, changed: true });
    expect(b).to.deep.equal(a);
    expect(c).to.deep.equal(a);
    expect((await authority.history(ann, id, 0)).filter((e) => e.type === 'message')).to.have.length(1);
    expect(authority.pos).to.equal(2);
  });

  it('keeps a refusal as the permanent answer to its id, even once the command would succeed', async () => {
    const { authority } = await open();
    const first = await raise(authority, ann, 'i-1');
    const refused = await run(authority, ann, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'again' }, 'r-2');
    expect(refused).to.deep.include({ ok: false });
    await run(authority, ann, { type: 'lower', flagId: first });
    expect(await run(authority, ann, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'again' }, 'r-2')).to.deep.equal(refused);
    expect(authority.openFlagFor('i-1')).to.equal(undefined);
  });

  it("refuses an id someone else used, while in flight and afterwards, changing nothing", async () => {
    const { authority } = await open();
    const id = await raise(authority);
    const mine = run(authority, ann, { type: 'send-message', flagId: id, text: 'mine' }, 'shared-id');
    const theirsInFlight = run(authority, sue, { type: 'acknowledge', flagId: id }, 'shared-id');
    const [ok, stolen] = await Promise.all([mine, theirsInFlight]);
    const stolenLater = await run(authority, sue, { type: 'acknowledge', flagId: id }, 'shared-id');
    expect(ok.ok).to.equal(true);
    for (const o of [stolen, stolenLater]) {
      expect(o).to.deep.equal({ ok: false, error: { code: 'not-allowed', message: 'Command id shared-id was already used by someone else.' } });
    }
    expect(authority.flag(id)!.status).to.equal('raised');
    expect(authority.pos).to.equal(2);
  });

  it("still answers the owner's retry with the original outcome while someone else's reuse of the id is in flight", async () => {
    const { authority } = await open();
    const id = await raise(authority);
    const original = await run(authority, ann, { type: 'send-message', flagId: id, text: 'mine' }, 'm-1');
    const [stray, retry] = await Promise.all([
      run(authority, sue, { type: 'acknowledge', flagId: id }, 'm-1'),
      run(authority, ann, { type: 'send-message', flagId: id, text: 'mine' }, 'm-1'),
    ]);
    expect(stray).to.deep.include({ ok: false });
    expect(retry).to.deep.equal(original);
    expect(authority.pos).to.equal(2);
  });

  it('two supervisors acknowledging at once: one acknowledged event, the loser told who won', async () => {
    const { authority } = await open();
    const id = await raise(authority);
    const seen = record(authority, ann);
    const [bySue, bySam] = await Promise.all([run(authority, sue, { type: 'acknowledge', flagId: id }), run(authority, sam, { type: 'acknowledge', flagId: id })]);
    expect(bySue).to.deep.equal({ ok: true, flagId: id, seq: 2, changed: true });
    expect(bySam).to.deep.equal({
      ok: false,
      error: { code: 'already-acknowledged', message: `Sue Supervisor already acknowledged flag ${id}.`, details: { acknowledgedBy: { id: 'sue', name: 'Sue Supervisor', role: 'supervisor' } } },
    });
    expect(seen.map((pe) => [pe.event.type, pe.event.actor.id])).to.deep.equal([['acknowledged', 'sue']]);
  });

  it('agent and supervisor lowering at once: one lowered event, the second ok with already-lowered', async () => {
    const { authority } = await open();
    const id = await raise(authority);
    const seen = record(authority, sue);
    const [byAnn, bySue] = await Promise.all([run(authority, ann, { type: 'lower', flagId: id }), run(authority, sue, { type: 'lower', flagId: id })]);
    expect(byAnn).to.deep.equal({ ok: true, flagId: id, seq: 2, changed: true });
    expect(bySue).to.deep.equal({ ok: true, flagId: id, seq: 2, changed: false, note: 'already-lowered' });
    expect(seen.map((pe) => pe.event.type)).to.deep.equal(['lowered']);
    expect(authority.flag(id)!.lowered!.cause).to.equal('agent');
  });
});

describe('Authority: fan-out and escalation', () => {
  it('delivers each event only to subscribers allowed to see its flag, widening as it escalates', async () => {
    const { authority, clock } = await open();
    const seen = Object.fromEntries([ann, bob, sue, tom, tia].map((p) => [p.id, record(authority, p)]));
    const id = await raise(authority);
    await run(authority, ann, { type: 'send-message', flagId: id, text: 'anyone?' });
    clock.now += 60_000;
    await authority.tick();
    await run(authority, ann, { type: 'send-message', flagId: id, text: 'tier two?' });
    clock.now += 60_000;
    await authority.tick();
    await run(authority, ann, { type: 'send-message', flagId: id, text: 'everyone?' });
    const types = (who: string) => seen[who]!.map((pe) => pe.event.type + (pe.event.type === 'escalated' ? pe.event.level : ''));
    const all = ['raised', 'message', 'escalated1', 'message', 'escalated2', 'message'];
    expect(types('ann')).to.deep.equal(all);
    expect(types('sue')).to.deep.equal(all);
    expect(types('bob')).to.deep.equal([]);
    expect(types('tia')).to.deep.equal(['escalated1', 'message', 'escalated2', 'message']);
    expect(types('tom')).to.deep.equal(['escalated2', 'message']);
    expect(seen['sue']!.map((pe) => pe.pos)).to.deep.equal([1, 2, 3, 4, 5, 6]);
  });

  it('stops delivering after unsubscribe', async () => {
    const { authority } = await open();
    const seen: PositionedEvent[] = [];
    const off = authority.subscribe(sue, (pe) => seen.push(pe));
    await raise(authority);
    off();
    await raise(authority);
    expect(seen).to.have.length(1);
  });

  it('escalates on tick: level 1 after afterMs, level 2 after as long again, stamped by the system', async () => {
    const { authority, clock } = await open();
    const id = await raise(authority);
    const acked = await raise(authority);
    await run(authority, sue, { type: 'acknowledge', flagId: acked });
    clock.now += 59_999;
    await authority.tick();
    expect(authority.flag(id)!.escalation).to.equal(0);
    clock.now += 1;
    await authority.tick();
    expect(authority.flag(id)).to.deep.include({ escalation: 1, escalatedAt: 61_000 });
    await authority.tick();
    expect(authority.pos).to.equal(4);
    clock.now += 60_000;
    await authority.tick();
    const [, escalated1, escalated2] = await authority.history(sue, id, 0);
    expect(escalated1).to.deep.include({ type: 'escalated', level: 1, actor: SYSTEM_ACTOR });
    expect(escalated2).to.deep.include({ type: 'escalated', level: 2, at: 121_000 });
    expect(authority.flag(acked)!.escalation).to.equal(0);
  });

  it('runs tick on its own timer after start()', async () => {
    const { authority, clock } = await open({ config: { escalation: { afterMs: 10 } } });
    const id = await raise(authority);
    clock.now += 10;
    const escalated = new Promise<void>((resolve) => authority.subscribe(sue, (pe) => pe.event.type === 'escalated' && resolve()));
    authority.start(1);
    await escalated;
    expect(authority.flag(id)!.escalation).to.equal(1);
    await authority.close();
  });
});

describe('Authority: replay, history and snapshot', () => {
  it('replays what a participant may see after a resume point', async () => {
    const { authority } = await open();
    const mine = await raise(authority, ann);
    const bobs = await raise(authority, bob);
    await run(authority, ann, { type: 'send-message', flagId: mine, text: 'x' });
    const replayed = authority.replay(ann, { epoch: authority.epoch, pos: 1 })!;
    expect(replayed.map((pe) => [pe.pos, pe.event.type, pe.event.flagId])).to.deep.equal([[3, 'message', mine]]);
    expect(authority.replay(sue, { epoch: authority.epoch, pos: 0 })!.map((pe) => pe.pos)).to.deep.equal([1, 2, 3]);
    expect(authority.replay(tom, { epoch: authority.epoch, pos: 0 })).to.deep.equal([]);
    expect(authority.replay(sue, { epoch: authority.epoch, pos: 3 })).to.deep.equal([]);
    expect(bobs).to.be.a('string');
  });

  it('answers null (snapshot needed) for another epoch, a future position or one older than the window', async () => {
    const { authority } = await open({ replayWindow: 4 });
    for (let i = 0; i < 6; i++) await raise(authority);
    expect(authority.replay(sue, { epoch: 'other', pos: 6 })).to.equal(null);
    expect(authority.replay(sue, { epoch: authority.epoch, pos: 7 })).to.equal(null);
    // 6 events exceed 1.25 × 4, so the log keeps positions 3..6: resuming needs pos ≥ 2.
    expect(authority.replay(sue, { epoch: authority.epoch, pos: 1 })).to.equal(null);
    expect(authority.replay(sue, { epoch: authority.epoch, pos: 2 })!.map((pe) => pe.pos)).to.deep.equal([3, 4, 5, 6]);
  });

  it('gives history only to participants who may see the flag, after a given seq', async () => {
    const { authority, clock } = await open();
    const id = await raise(authority);
    await run(authority, sue, { type: 'acknowledge', flagId: id });
    await run(authority, sue, { type: 'send-message', flagId: id, text: 'hi' });
    expect((await authority.history(ann, id, 0)).map((e) => e.seq)).to.deep.equal([1, 2, 3]);
    expect((await authority.history(sue, id, 2)).map((e) => e.type)).to.deep.equal(['message']);
    const code = (pending: Promise<unknown>) =>
      pending.then(
        () => 'no error',
        (err: unknown) => (err as FlagError).code,
      );
    expect(await code(authority.history(bob, id, 0))).to.equal('not-found');
    expect(await code(authority.history(tom, id, 0))).to.equal('not-found');
    expect(await code(authority.history(tia, id, 0))).to.equal('not-found');
    expect(await code(authority.history(sue, 'nope', 0))).to.equal('not-found');
    const waiting = await raise(authority);
    clock.now += 60_000;
    await authority.tick();
    expect(await authority.history(tia, waiting, 0)).to.have.length(2);
  });

  it('snapshots every visible open flag and recently lowered flag with all their events', async () => {
    const { authority, clock } = await open({ config: { recentMs: 1_000 } });
    const old = await raise(authority);
    await run(authority, ann, { type: 'lower', flagId: old });
    clock.now += 1_001;
    const recent = await raise(authority);
    await run(authority, sue, { type: 'lower', flagId: recent });
    const open1 = await raise(authority);
    await run(authority, sue, { type: 'acknowledge', flagId: open1 });
    await raise(authority, bob);
    const snap = authority.snapshot(ann);
    expect(snap.epoch).to.equal(authority.epoch);
    expect(snap.pos).to.equal(authority.pos);
    expect(snap.events.map((e) => [e.flagId, e.seq])).to.deep.equal([
      [recent, 1],
      [recent, 2],
      [open1, 1],
      [open1, 2],
    ]);
    expect(authority.snapshot(sue).events).to.have.length(5);
    expect(authority.snapshot(tom).events).to.deep.equal([]);
  });
});

describe('Authority: durability', () => {
  it('answers a command and fans it out only once its write is durable, pipelining later writes', async () => {
    const storage = new GatedStorage();
    const { authority } = await open({ storage });
    const seen = record(authority, sue);
    const results: Outcome[] = [];
    const first = run(authority, ann, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'help' }, 'f1').then((o) => results.push(o));
    const second = run(authority, ann, { type: 'send-message', flagId: 'f1', text: 'x' }).then((o) => results.push(o));
    await storage.commits(2);
    await settle();
    // Both decided and handed to storage (group commit possible); nothing answered or sent yet.
    expect(storage.pending.map((p) => p.batch.events.map((pe) => pe.pos))).to.deep.equal([[1], [2]]);
    expect(results).to.deep.equal([]);
    expect(seen).to.deep.equal([]);
    storage.pending[0]!.release();
    await first;
    expect(seen.map((pe) => pe.pos)).to.deep.equal([1]);
    expect(results).to.have.length(1);
    storage.pending[1]!.release();
    await second;
    expect(seen.map((pe) => pe.pos)).to.deep.equal([1, 2]);
    expect(await storage.inner.outcome('f1')).to.deep.include({ id: 'f1', actorId: 'ann' });
  });

  it('stops with internal when a commit fails, and refuses everything afterwards', async () => {
    const storage = new GatedStorage();
    const { authority } = await open({ storage });
    const seen = record(authority, sue);
    const raised = run(authority, ann, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'help' });
    await storage.commits(1);
    storage.pending[0]!.fail(new Error('disk full'));
    const err = await raised.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(FlagError);
    expect((err as FlagError).code).to.equal('internal');
    expect((err as FlagError).message).to.contain('disk full');
    expect(seen).to.deep.equal([]);
    for (const next of [run(authority, ann, { type: 'end-interaction', interactionId: 'i-2' }), authority.tick()]) {
      const e = await next.then(
        () => null,
        (x: unknown) => x,
      );
      expect((e as FlagError).code).to.equal('internal');
    }
  });

  it('reopens from its storage with the same epoch, flags, owners and permanent idempotency', async () => {
    const storage = new MemoryStorage();
    const { authority } = await open({ storage });
    const id = await raise(authority, ann, 'i-1');
    const acked = await run(authority, sue, { type: 'acknowledge', flagId: id }, 'ack-1');
    await authority.close();
    const { authority: again } = await open({ storage });
    expect(again.epoch).to.equal(authority.epoch);
    expect(again.pos).to.equal(2);
    expect(again.flag(id)).to.deep.equal(authority.flag(id));
    expect(await run(again, sue, { type: 'acknowledge', flagId: id }, 'ack-1')).to.deep.equal(acked);
    expect((await run(again, bob, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'x' })).ok).to.equal(false);
    expect(await run(again, ann, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'x' })).to.deep.include({ ok: false });
    expect(again.replay(sue, { epoch: again.epoch, pos: 0 })!.map((pe) => pe.pos)).to.deep.equal([1, 2]);
  });
});
