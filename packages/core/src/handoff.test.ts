import { expect } from '@esm-bundle/chai';
import type { Command } from './commands.js';
import { resolveConfig, type FlagConfig } from './config.js';
import { FlagError } from './errors.js';
import { allowedActions, applyEvent, decide, escalationDue, transferDue, type Decision, type DecisionState } from './machine.js';
import { flagMetrics, SYSTEM_ACTOR, type Flag, type FlagEvent, type Participant } from './model.js';
import { presentFlag } from './present.js';
import { toTranscriptEntry } from './transcript.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['team-a'] };
const bob: Participant = { id: 'bob', name: 'Bob Agent', role: 'agent', teams: ['team-a'] };
const cal: Participant = { id: 'cal', name: 'Cal Agent', role: 'agent', teams: ['team-b'] };
const sue: Participant = { id: 'sue', name: 'Sue Supervisor', role: 'supervisor', teams: ['team-a'] };
const sam: Participant = { id: 'sam', name: 'Sam Supervisor', role: 'supervisor', teams: ['team-a'] };
const nia: Participant = { id: 'nia', name: 'Nia Supervisor', role: 'supervisor', teams: ['team-a'] };
const tom: Participant = { id: 'tom', name: 'Tom Supervisor', role: 'supervisor', teams: ['team-b'] };

/** Flags folded with applyEvent, and a directory of who is online (as the Authority's subscribers). */
class World implements DecisionState {
  readonly flags = new Map<string, Flag>();
  readonly online = new Map<string, Participant>();
  readonly config: FlagConfig = resolveConfig({ transferTimeoutMs: 30_000 });
  now = 1_000;
  #next = 0;
  constructor(...online: Participant[]) {
    for (const p of online) this.online.set(p.id, p);
  }
  flag(id: string) {
    return this.flags.get(id);
  }
  openFlagFor(interactionId: string) {
    return [...this.flags.values()].find((f) => f.interactionId === interactionId && f.status !== 'lowered');
  }
  interactionAgent(interactionId: string) {
    return [...this.flags.values()].find((f) => f.interactionId === interactionId)?.agent.id;
  }
  participant(id: string) {
    return this.online.get(id);
  }
  apply(events: FlagEvent[]) {
    for (const e of events) this.flags.set(e.flagId, applyEvent(this.flags.get(e.flagId), e));
  }
  run(actor: Participant, command: Command, id = `cmd-${++this.#next}`): Decision | FlagError {
    const d = decide(this, actor, { id, command }, this.now, this.config);
    if (!(d instanceof FlagError)) this.apply(d.events);
    return d;
  }
  ok(actor: Participant, command: Command, id?: string): Decision {
    const d = this.run(actor, command, id);
    if (d instanceof FlagError) throw new Error(`expected ${command.type} by ${actor.id} to succeed, got ${d.code}: ${d.message}`);
    return d;
  }
  /** Ann raises on i-1 and Sue acknowledges it. */
  helped(): string {
    const flagId = this.ok(ann, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'Caller is angry' }, 'f-1').flagId!;
    this.ok(sue, { type: 'acknowledge', flagId });
    return flagId;
  }
}

function refused(d: Decision | FlagError, code: string): FlagError {
  expect(d, 'a FlagError').to.be.instanceOf(FlagError);
  expect((d as FlagError).code, (d as FlagError).message).to.equal(code);
  return d as FlagError;
}

describe('machine: transfer to a supervisor', () => {
  it('offers the flag to the named supervisor with the note; the holder still helps until accepted', () => {
    const w = new World(sue, nia);
    const flagId = w.helped();
    const d = w.ok(sue, { type: 'transfer', flagId, to: 'nia', note: 'billing dispute, she knows it' });
    expect(d.events).to.have.length(1);
    expect(d.events[0]).to.deep.include({ type: 'transfer-offered', to: { id: 'nia', name: 'Nia Supervisor', role: 'supervisor' }, note: 'billing dispute, she knows it', seq: 3, actor: { id: 'sue', name: 'Sue Supervisor', role: 'supervisor' } });
    const flag = w.flag(flagId)!;
    expect(flag.acknowledgedBy?.id).to.equal('sue');
    expect(flag.transfer).to.deep.equal({ from: { id: 'sue', name: 'Sue Supervisor', role: 'supervisor' }, to: { id: 'nia', name: 'Nia Supervisor', role: 'supervisor' }, at: 1_000, note: 'billing dispute, she knows it' });
  });

  it('accepting makes the receiver the one helping; the first acknowledgement time stays', () => {
    const w = new World(sue, nia);
    const flagId = w.helped();
    w.ok(sue, { type: 'transfer', flagId, to: 'nia' });
    w.now = 5_000;
    const d = w.ok(nia, { type: 'accept-transfer', flagId });
    expect(d.events.map((e) => e.type)).to.deep.equal(['transfer-accepted']);
    const flag = w.flag(flagId)!;
    expect(flag).to.deep.include({ status: 'acknowledged', acknowledgedBy: { id: 'nia', name: 'Nia Supervisor', role: 'supervisor' }, acknowledgedAt: 1_000 });
    expect(flag.transfer).to.equal(undefined);
    // Nia now helps: she may chat, hand it on, and Sue no longer may hand it off.
    expect(allowedActions(nia, flag, w.config).has('transfer')).to.equal(true);
    expect(allowedActions(sue, flag, w.config).has('transfer')).to.equal(false);
  });

  it('declining leaves the flag with the holder, who may hand it off again', () => {
    const w = new World(sue, nia, sam);
    const flagId = w.helped();
    w.ok(sue, { type: 'transfer', flagId, to: 'nia' });
    const d = w.ok(nia, { type: 'decline-transfer', flagId, reason: 'on a call' });
    expect(d.events[0]).to.deep.include({ type: 'transfer-declined', reason: 'on a call' });
    expect(w.flag(flagId)).to.deep.include({ status: 'acknowledged', acknowledgedBy: { id: 'sue', name: 'Sue Supervisor', role: 'supervisor' } });
    expect(w.flag(flagId)!.transfer).to.equal(undefined);
    w.ok(sue, { type: 'transfer', flagId, to: 'sam' });
  });

  it('refuses: agents, not the holder, nobody helping yet, a pending offer, oneself, lowered flags, a long note', () => {
    const w = new World(sue, nia, sam, ann);
    const flagId = w.ok(ann, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'x' }).flagId!;
    refused(w.run(sue, { type: 'transfer', flagId, to: 'nia' }), 'invalid-state');
    w.ok(sue, { type: 'acknowledge', flagId });
    refused(w.run(ann, { type: 'transfer', flagId, to: 'nia' }), 'not-allowed');
    refused(w.run(sam, { type: 'transfer', flagId, to: 'nia' }), 'not-allowed');
    refused(w.run(sue, { type: 'transfer', flagId, to: 'sue' }), 'invalid-input');
    refused(w.run(sue, { type: 'transfer', flagId, to: 'nia', note: 'x'.repeat(w.config.limits.messageLength + 1) }), 'too-long');
    w.ok(sue, { type: 'transfer', flagId, to: 'nia' });
    refused(w.run(sue, { type: 'transfer', flagId, to: 'sam' }), 'invalid-state');
    refused(w.run(sue, { type: 'transfer', flagId }), 'invalid-state');
    w.ok(ann, { type: 'lower', flagId });
    refused(w.run(sue, { type: 'transfer', flagId }), 'invalid-state');
  });

  it('answers an unknown, offline, non-supervisor or blind receiver with one not-found that names no one', () => {
    const w = new World(sue, nia, tom, bob);
    const flagId = w.helped();
    const answers = ['ghost', 'sam', 'bob', 'tom'].map((to) => refused(w.run(sue, { type: 'transfer', flagId, to }), 'not-found'));
    for (const [i, err] of answers.entries()) expect(err.message).to.equal(`There is no supervisor ${['ghost', 'sam', 'bob', 'tom'][i]} online who can see flag ${flagId}.`);
  });

  it('leaves a named receiver to the source of truth when the state knows nobody (a client preview)', () => {
    const w = new World(sue, nia);
    const flagId = w.helped();
    const blind: DecisionState = { flag: (id) => w.flag(id), openFlagFor: () => undefined, interactionAgent: () => 'ann' };
    refused(decide(blind, sue, { id: 'p', command: { type: 'transfer', flagId, to: 'nia' } }, 1, w.config), 'unavailable');
  });

  it('refuses accept and decline without a pending offer, from anyone but the receiver, and after lowering', () => {
    const w = new World(sue, nia, sam);
    const flagId = w.helped();
    for (const type of ['accept-transfer', 'decline-transfer'] as const) refused(w.run(nia, { type, flagId }), 'invalid-state');
    w.ok(sue, { type: 'transfer', flagId, to: 'nia' });
    for (const type of ['accept-transfer', 'decline-transfer'] as const) {
      refused(w.run(sam, { type, flagId }), 'not-allowed');
      refused(w.run(sue, { type, flagId }), 'not-allowed');
      refused(w.run(ann, { type, flagId }), 'not-allowed');
      refused(w.run(tom, { type, flagId }), 'not-found');
    }
    refused(w.run(nia, { type: 'decline-transfer', flagId, reason: 'x'.repeat(w.config.limits.reasonLength + 1) }), 'too-long');
    w.ok(sue, { type: 'lower', flagId });
    expect(w.flag(flagId)!.transfer).to.equal(undefined);
    refused(w.run(nia, { type: 'accept-transfer', flagId }), 'invalid-state');
  });
});

describe('machine: hand back to the team queue and expiry', () => {
  it('handing back makes the flag unacknowledged again, and it escalates a full afterMs later', () => {
    const w = new World(sue);
    const flagId = w.helped();
    w.now = 200_000;
    const d = w.ok(sue, { type: 'transfer', flagId, note: 'end of shift' });
    expect(d.events[0]).to.deep.include({ type: 'handed-back', note: 'end of shift' });
    const flag = w.flag(flagId)!;
    expect(flag).to.deep.include({ status: 'raised', queuedAt: 200_000, acknowledgedAt: 1_000 });
    expect(flag.acknowledgedBy).to.equal(undefined);
    expect(flagMetrics(flag).timeToAcknowledgeMs).to.equal(0);
    expect(escalationDue(flag, 200_000 + w.config.escalation.afterMs - 1, w.config)).to.equal(null);
    expect(escalationDue(flag, 200_000 + w.config.escalation.afterMs, w.config)).to.deep.include({ type: 'escalated', level: 1 });
    w.ok(sam, { type: 'acknowledge', flagId });
    expect(w.flag(flagId)!.acknowledgedBy?.id).to.equal('sam');
  });

  it('expires an offer transferTimeoutMs after it was made, back to the team queue, by the system', () => {
    const w = new World(sue, nia);
    const flagId = w.helped();
    w.ok(sue, { type: 'transfer', flagId, to: 'nia' });
    expect(transferDue(w.flag(flagId)!, 1_000 + 29_999, w.config)).to.equal(null);
    const due = transferDue(w.flag(flagId)!, 31_000, w.config)!;
    expect(due).to.deep.include({ type: 'transfer-expired', seq: 4, at: 31_000, actor: SYSTEM_ACTOR });
    w.apply([due]);
    expect(w.flag(flagId)).to.deep.include({ status: 'raised', queuedAt: 31_000 });
    expect(w.flag(flagId)!.transfer).to.equal(undefined);
    expect(transferDue(w.flag(flagId)!, 99_000, w.config)).to.equal(null);
  });

  it('races resolve to one winner: accept then expiry (nothing to expire), expiry then accept (refused)', () => {
    const accepted = new World(sue, nia);
    const a = accepted.helped();
    accepted.ok(sue, { type: 'transfer', flagId: a, to: 'nia' });
    accepted.ok(nia, { type: 'accept-transfer', flagId: a });
    expect(transferDue(accepted.flag(a)!, 99_000, accepted.config)).to.equal(null);

    const expired = new World(sue, nia);
    const e = expired.helped();
    expired.ok(sue, { type: 'transfer', flagId: e, to: 'nia' });
    expired.apply([transferDue(expired.flag(e)!, 99_000, expired.config)!]);
    refused(expired.run(nia, { type: 'accept-transfer', flagId: e }), 'invalid-state');
    // Nia can still take it from the queue like anyone in the team.
    expired.ok(nia, { type: 'acknowledge', flagId: e });
  });

  it('races resolve to one winner: two transfers (the second is refused), transfer then lower', () => {
    const w = new World(sue, nia, sam);
    const flagId = w.helped();
    w.ok(sue, { type: 'transfer', flagId, to: 'nia' });
    refused(w.run(sue, { type: 'transfer', flagId, to: 'sam' }), 'invalid-state');
    expect(w.flag(flagId)!.transfer?.to.id).to.equal('nia');
    w.ok(ann, { type: 'lower', flagId });
    expect(transferDue(w.flag(flagId)!, 99_000, w.config)).to.equal(null);
  });
});

describe('machine: check-in', () => {
  it('opens a flag with the agent, already helped by the supervisor: raised (naming the agent) then acknowledged', () => {
    const w = new World(ann, sue);
    const d = w.ok(sue, { type: 'check-in', agentId: 'ann', interactionId: 'i-9', channel: 'enhanced-chat', message: 'How is it going?' }, 'c-1');
    expect(d.flagId).to.equal('c-1');
    expect(d.events.map((e) => [e.type, e.seq, e.actor.id])).to.deep.equal([
      ['raised', 1, 'sue'],
      ['acknowledged', 2, 'sue'],
    ]);
    const flag = w.flag('c-1')!;
    expect(flag).to.deep.include({ agent: { id: 'ann', name: 'Ann Agent', role: 'agent' }, checkInBy: { id: 'sue', name: 'Sue Supervisor', role: 'supervisor' }, team: 'team-a', status: 'acknowledged' });
    // The same machinery: both sides chat; the agent may ask to join and lower it.
    expect([...allowedActions(ann, flag, w.config)]).to.include.members(['send-message', 'request-join', 'lower']);
    expect(presentFlag(flag, ann, w.config)).to.deep.include({ mine: true, phase: 'acknowledged', checkInBy: flag.checkInBy });
    expect(toTranscriptEntry(d.events[0]!, 'i-9').text).to.equal('Sue Supervisor opened a check-in with Ann Agent: "How is it going?"');
  });

  it("refuses agents, another team's or unknown agents alike, someone else's interaction, an open flag, bad text", () => {
    const w = new World(ann, bob, cal, sue, tom);
    const checkIn = (agentId: string, extra: Partial<Extract<Command, { type: 'check-in' }>> = {}): Command => ({ type: 'check-in', agentId, interactionId: 'i-1', channel: 'voice', message: 'hi', ...extra });
    refused(w.run(ann, checkIn('bob')), 'not-allowed');
    for (const agentId of ['cal', 'ghost', 'tom']) expect(refused(w.run(sue, checkIn(agentId)), 'not-found').message).to.equal(`There is no agent ${agentId} online on your teams.`);
    refused(w.run(sue, checkIn('ann', { team: 'team-b' })), 'not-allowed');
    refused(w.run(sue, checkIn('ann', { message: ' ' })), 'invalid-input');
    refused(w.run(sue, checkIn('ann', { channel: 'legacy-chat' })), 'channel-unavailable');
    w.ok(ann, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'x' });
    refused(w.run(sue, checkIn('ann')), 'already-open');
    refused(w.run(sue, checkIn('bob')), 'not-allowed');
  });
});

describe('present and transcript: hand-off', () => {
  it('shows the pending offer to both, marked toMe for the receiver, with its expiry', () => {
    const w = new World(sue, nia);
    const flagId = w.helped();
    w.ok(sue, { type: 'transfer', flagId, to: 'nia', note: 'n' });
    const flag = w.flag(flagId)!;
    expect(presentFlag(flag, nia, w.config).transfer).to.deep.include({ toMe: true, expiresAt: 31_000, note: 'n' });
    expect(presentFlag(flag, ann, w.config).transfer).to.deep.include({ toMe: false });
    expect([...presentFlag(flag, nia, w.config).actions]).to.include.members(['accept-transfer', 'decline-transfer']);
    expect([...presentFlag(flag, sam, w.config).actions]).to.not.include.members(['accept-transfer']);
  });

  it('writes one readable line per hand-off event', () => {
    const at = { flagId: 'f', at: 1, seq: 3 };
    const lines = ([
      { ...at, type: 'transfer-offered', actor: sue, to: nia, note: 'she knows it' },
      { ...at, type: 'transfer-accepted', actor: nia },
      { ...at, type: 'transfer-declined', actor: nia, reason: 'busy' },
      { ...at, type: 'transfer-expired', actor: SYSTEM_ACTOR },
      { ...at, type: 'handed-back', actor: sue },
    ] as FlagEvent[]).map((e) => toTranscriptEntry({ ...e, actor: { id: e.actor.id, name: e.actor.name, role: e.actor.role } } as FlagEvent, 'i').text);
    expect(lines).to.deep.equal([
      'Sue Supervisor offered the flag to Nia Supervisor (note: "she knows it")',
      'Nia Supervisor took over the flag',
      'Nia Supervisor declined the hand-off: busy',
      'The hand-off was not accepted in time: the flag went back to the team queue',
      'Sue Supervisor handed the flag back to the team queue',
    ]);
  });
});
