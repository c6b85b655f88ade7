import { expect } from '@esm-bundle/chai';
import type { Command } from './commands.js';
import { resolveConfig, type TeamRouting } from './config.js';
import { FlagError } from './errors.js';
import { applyEvent, decide, escalationDue, routingDue, type DecisionState } from './machine.js';
import type { Flag, FlagEvent, Participant, SupervisorStatus } from './model.js';
import { loadOf, pickSupervisor, type Candidate } from './routing.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['billing'] };
const sam: Participant = { id: 'sam', name: 'Sam Supervisor', role: 'supervisor', teams: ['billing'] };
const nia: Participant = { id: 'nia', name: 'Nia Supervisor', role: 'supervisor', teams: ['billing'] };
const rule: TeamRouting = { mode: 'offer', offerMs: 15_000, maxPerSupervisor: 2 };
const config = resolveConfig({ routing: { billing: rule }, escalation: { afterMs: 60_000 } });

function candidate(p: Participant, over: Partial<Omit<Candidate, 'ref'>> = {}): Candidate {
  return { ref: { id: p.id, name: p.name, role: p.role }, online: true, status: 'available', inHand: 0, idleSince: 0, ...over };
}

/** A fake clock and a roster the test edits; decisions and routing read both. */
class World implements DecisionState {
  now = 1_000;
  flags = new Map<string, Flag>();
  roster: Candidate[] = [];
  constructor(readonly cfg = config) {}
  flag(id: string) {
    return this.flags.get(id);
  }
  openFlagFor(interactionId: string) {
    return [...this.flags.values()].find((f) => f.interactionId === interactionId && f.status !== 'lowered');
  }
  interactionAgent() {
    return undefined;
  }
  /** Online at the source of truth: whom a hand-off may name. */
  participant(id: string) {
    return [sam, nia].find((p) => p.id === id && this.roster.some((c) => c.ref.id === id && c.online));
  }
  candidates() {
    return this.roster.map((c) => ({ ...c, inHand: c.inHand + (loadOf(this.flags.values()).get(c.ref.id) ?? 0) }));
  }
  apply(events: FlagEvent[]) {
    for (const e of events) this.flags.set(e.flagId, applyEvent(this.flags.get(e.flagId), e));
    return events;
  }
  raise(reason?: string, id = 'f1'): FlagEvent[] {
    const d = decide(this, ann, { id, command: { type: 'raise', interactionId: `i-${id}`, channel: 'voice', message: 'help', ...(reason ? { reason } : {}) } }, this.now, this.cfg);
    if (d instanceof FlagError) throw d;
    return this.apply(d.events);
  }
  /** Decide a command now and apply its events when accepted. */
  run(p: Participant, command: Command): FlagError | FlagEvent[] {
    const d = decide(this, p, { id: `c-${++this.#n}`, command }, this.now, this.cfg);
    return d instanceof FlagError ? d : this.apply(d.events);
  }
  #n = 0;
  /** One tick of the source of truth's clock: the routing step, else the escalation. */
  tick(id = 'f1'): FlagEvent | null {
    const flag = this.flags.get(id)!;
    const due = routingDue(flag, this.now, this.cfg, this.candidates()) ?? escalationDue(flag, this.now, this.cfg);
    if (due) this.apply([due]);
    return due;
  }
  set(p: Participant, status: SupervisorStatus, online = true) {
    this.roster = this.roster.map((c) => (c.ref.id === p.id ? { ...c, status, online } : c));
  }
}

const offeredTo = (e: FlagEvent | null | undefined) => (e?.type === 'offered' ? e.to.id : e?.type);

describe('offer routing (pure, fake clock)', () => {
  it('offers a new flag in the same write as its raise, to the one with the fewest in hand', () => {
    const w = new World();
    w.roster = [candidate(sam, { inHand: 1 }), candidate(nia)];
    const events = w.raise();
    expect(events.map((e) => e.type)).to.deep.equal(['raised', 'offered']);
    expect(events[1]).to.include({ until: 1_000 + 15_000 });
    expect(offeredTo(events[1])).to.equal('nia');
  });

  it('breaks ties by the longest idle, then by id', () => {
    const flag = applyEvent(undefined, new World().raise()[0]!);
    expect(pickSupervisor(flag, rule, [candidate(sam, { idleSince: 5 }), candidate(nia, { idleSince: 9 })])?.id).to.equal('sam');
    expect(pickSupervisor(flag, rule, [candidate(sam, { idleSince: 5 }), candidate(nia, { idleSince: 5 })])?.id).to.equal('nia');
  });

  it('waits out the offer, then offers the next, then opens the flag to the team, then escalates as before', () => {
    const w = new World();
    w.roster = [candidate(sam), candidate(nia)];
    w.raise();
    expect(w.flags.get('f1')!.offer?.to.id).to.equal('nia');
    w.now += 14_999;
    expect(w.tick(), 'the offer still runs').to.equal(null);
    w.now += 1;
    expect(offeredTo(w.tick())).to.equal('sam');
    w.now += 15_000;
    const ended = w.tick();
    expect(ended?.type).to.equal('offer-ended');
    expect(w.flags.get('f1')).to.include({ teamSince: w.now }).and.not.have.property('offer');
    w.now += 59_999;
    expect(w.tick(), 'the escalation clock starts when the team gets it').to.equal(null);
    w.now += 1;
    expect(w.tick()).to.include({ type: 'escalated', level: 1 });
  });

  it('skips busy, away and offline supervisors and those at the cap; nobody left goes straight to the team', () => {
    const w = new World();
    w.roster = [candidate(sam, { status: 'busy' }), candidate(nia, { inHand: 2 })];
    expect(w.raise().map((e) => e.type)).to.deep.equal(['raised', 'offer-ended']);
    const v = new World();
    v.roster = [candidate(sam, { status: 'away' }), candidate(nia, { online: false })];
    expect(v.raise().map((e) => e.type)).to.deep.equal(['raised', 'offer-ended']);
    const empty = new World();
    expect(empty.raise().map((e) => e.type), 'nobody online').to.deep.equal(['raised', 'offer-ended']);
  });

  it('moves on at once when the offered supervisor goes busy or offline', () => {
    const w = new World();
    w.roster = [candidate(sam), candidate(nia)];
    w.raise();
    w.now += 1_000;
    w.set(nia, 'busy');
    expect(offeredTo(w.tick())).to.equal('sam');
    w.set(sam, 'available', false);
    expect(w.tick()?.type).to.equal('offer-ended');
  });

  it('keeps an offer to a supervisor it does not know (another process made it) until the offer ends', () => {
    const w = new World();
    w.roster = [candidate(nia)];
    w.raise();
    w.roster = [candidate(sam)];
    w.now += 1_000;
    expect(w.tick()).to.equal(null);
    w.now += 14_000;
    expect(offeredTo(w.tick())).to.equal('sam');
  });

  it('honours skills: a supervisor with a skills list gets only the reasons on it', () => {
    const cfg = resolveConfig({ routing: { billing: { ...rule, skills: { nia: ['refund'] } } } });
    const w = new World(cfg);
    w.roster = [candidate(sam, { inHand: 1 }), candidate(nia)];
    expect(offeredTo(w.raise('refund')[1])).to.equal('nia');
    const v = new World(cfg);
    v.roster = [candidate(sam, { inHand: 1 }), candidate(nia)];
    expect(offeredTo(v.raise('billing dispute')[1]), 'not her skill').to.equal('sam');
    const u = new World(cfg);
    u.roster = [candidate(nia)];
    expect(u.raise()[1]?.type, 'no reason, no skill match').to.equal('offer-ended');
  });

  it('lets only the offered supervisor acknowledge or accept or decline a join while the offer runs; the team once it ended', () => {
    const w = new World();
    w.roster = [candidate(nia)];
    w.raise();
    const taken = w.run(sam, { type: 'acknowledge', flagId: 'f1' });
    expect(taken).to.be.instanceOf(FlagError);
    expect((taken as FlagError).code).to.equal('not-allowed');
    expect((taken as FlagError).message).to.contain('Nia Supervisor');
    w.run(ann, { type: 'request-join', flagId: 'f1' });
    expect((w.run(sam, { type: 'accept-join', flagId: 'f1' }) as FlagError).code).to.equal('not-allowed');
    expect((w.run(sam, { type: 'decline-join', flagId: 'f1' }) as FlagError).code, 'nor decline it for her').to.equal('not-allowed');
    expect(w.flags.get('f1')?.join).to.equal('requested');
    w.now += 15_000;
    expect(w.tick()?.type).to.equal('offer-ended');
    expect(w.run(sam, { type: 'accept-join', flagId: 'f1' })).not.to.be.instanceOf(FlagError);
    expect(w.flags.get('f1')?.acknowledgedBy?.id).to.equal('sam');
  });

  it('the offered supervisor takes it while the offer runs', () => {
    const w = new World();
    w.roster = [candidate(nia)];
    w.raise();
    expect(w.run(nia, { type: 'acknowledge', flagId: 'f1' })).not.to.be.instanceOf(FlagError);
  });

  it('an acknowledged flag leaves routing: the offer is cleared and the clock does nothing more', () => {
    const w = new World();
    w.roster = [candidate(nia)];
    w.raise();
    w.run(nia, { type: 'acknowledge', flagId: 'f1' });
    expect(w.flags.get('f1')).to.not.have.property('offer');
    w.now += 1_000_000;
    expect(w.tick()).to.equal(null);
  });

  it('a hand-off is not an offer: offered, acknowledged, handed off and accepted, then handed back to the whole team, not offered again', () => {
    const w = new World();
    w.roster = [candidate(sam), candidate(nia, { inHand: 1 })];
    expect(offeredTo(w.raise()[1])).to.equal('sam');
    w.run(sam, { type: 'acknowledge', flagId: 'f1' });
    expect((w.run(sam, { type: 'transfer', flagId: 'f1', to: 'nia' }) as FlagEvent[]).map((e) => e.type)).to.deep.equal(['transfer-offered']);
    expect(w.flags.get('f1')).to.not.have.property('offer');
    w.run(nia, { type: 'accept-transfer', flagId: 'f1' });
    w.now += 1_000;
    expect((w.run(nia, { type: 'transfer', flagId: 'f1' }) as FlagEvent[]).map((e) => e.type)).to.deep.equal(['handed-back']);
    // Back in the queue: any supervisor of the team may take it, nobody is offered it, and it escalates a full afterMs later.
    expect(w.tick()).to.equal(null);
    w.now += 59_999;
    expect(w.tick()).to.equal(null);
    w.now += 1;
    expect(w.tick()?.type).to.equal('escalated');
  });

  it('a team without routing broadcasts as before: no offer on raise', () => {
    const w = new World(resolveConfig({}));
    w.roster = [candidate(sam)];
    expect(w.raise().map((e) => e.type)).to.deep.equal(['raised']);
  });

  it('refuses a routing entry that is not valid', () => {
    expect(() => resolveConfig({ routing: { billing: { ...rule, offerMs: 10 } } })).to.throw(FlagError, /routing\.billing/);
    expect(() => resolveConfig({ routing: { billing: { ...rule, maxPerSupervisor: 0 } } })).to.throw(FlagError);
    expect(() => resolveConfig({ routing: { billing: { mode: 'broadcast' } as never } })).to.throw(FlagError);
  });

  it('a team named like an Object property is not routed by accident', () => {
    const w = new World();
    const d = decide(w, { ...ann, teams: ['constructor'] }, { id: 'x', command: { type: 'raise', interactionId: 'i-x', channel: 'voice', message: 'help' } }, w.now, config);
    expect((d as { events: FlagEvent[] }).events.map((e) => e.type)).to.deep.equal(['raised']);
  });
});

describe('offer routing in the state machine: new events and what they refuse', () => {
  it('an offer event for a flag that does not exist is impossible', () => {
    const orphan = { type: 'offered', flagId: 'nope', seq: 2, at: 1, actor: { id: 'system', name: 'Flagline', role: 'supervisor' }, to: { id: 'sam', name: 'Sam', role: 'supervisor' }, until: 2 } as FlagEvent;
    expect(() => applyEvent(undefined, orphan)).to.throw(FlagError);
  });

  it('set-status: a supervisor’s decision writes nothing to any flag; an agent is refused', () => {
    const w = new World();
    const ok = decide(w, sam, { id: 's1', command: { type: 'set-status', status: 'away' } }, w.now, config);
    expect(ok).to.deep.equal({ flagId: null, events: [], changed: true });
    expect((decide(w, ann, { id: 's2', command: { type: 'set-status', status: 'away' } }, w.now, config) as FlagError).code).to.equal('not-allowed');
  });

  it('while offered: lowering and chat stay open to all who may see it; the clock does not escalate it', () => {
    const w = new World();
    w.roster = [candidate(nia), candidate(sam, { status: 'busy' })];
    w.raise();
    expect(w.run(sam, { type: 'send-message', flagId: 'f1', text: 'I can see it' })).not.to.be.instanceOf(FlagError);
    const flag = w.flags.get('f1')!;
    expect(escalationDue(flag, w.now + 10 * 60_000, config), 'no escalation while an offer is pending').to.equal(null);
    expect(w.run(ann, { type: 'lower', flagId: 'f1' })).not.to.be.instanceOf(FlagError);
    w.now += 15_000;
    expect(w.tick(), 'a lowered flag leaves routing').to.equal(null);
  });
});
