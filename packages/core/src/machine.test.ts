import { expect } from '@esm-bundle/chai';
import type { Command } from './commands.js';
import { resolveConfig, type FlagConfig, type FlagConfigInput } from './config.js';
import { FlagError } from './errors.js';
import { applyEvent, decide, escalationDue, reduceEvents, type Decision, type DecisionState } from './machine.js';
import { SYSTEM_ACTOR, type Flag, type FlagEvent, type Participant } from './model.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['team-a'] };
const bob: Participant = { id: 'bob', name: 'Bob Agent', role: 'agent', teams: ['team-a'] };
const dan: Participant = { id: 'dan', name: 'Dan Agent', role: 'agent', teams: ['team-a', 'team-b'] };
const loner: Participant = { id: 'loner', name: 'Lone Agent', role: 'agent', teams: [] };
const sue: Participant = { id: 'sue', name: 'Sue Supervisor', role: 'supervisor', teams: ['team-a'] };
const sam: Participant = { id: 'sam', name: 'Sam Supervisor', role: 'supervisor', teams: ['team-a'] };
const tom: Participant = { id: 'tom', name: 'Tom Supervisor', role: 'supervisor', teams: ['team-b'] };

/** The smallest DecisionState: flags folded with applyEvent, as the Authority keeps them. */
class World implements DecisionState {
  readonly flags = new Map<string, Flag>();
  readonly events: FlagEvent[] = [];
  readonly config: FlagConfig;
  now = 1_000;
  #next = 0;
  constructor(config: FlagConfigInput = {}) {
    this.config = resolveConfig(config);
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
  /** Decide and, when it succeeds, apply the events. */
  run(actor: Participant, command: Command, id = `cmd-${++this.#next}`): Decision | FlagError {
    const d = decide(this, actor, { id, command }, this.now, this.config);
    if (!(d instanceof FlagError)) for (const e of d.events) this.flags.set(e.flagId, applyEvent(this.flags.get(e.flagId), e));
    if (!(d instanceof FlagError)) this.events.push(...d.events);
    return d;
  }
  ok(actor: Participant, command: Command, id?: string): Decision {
    const d = this.run(actor, command, id);
    if (d instanceof FlagError) throw new Error(`expected ${command.type} by ${actor.id} to succeed, got ${d.code}: ${d.message}`);
    return d;
  }
  /** Raise on interaction `i` as `agent`; returns the flag id. */
  raise(agent: Participant = ann, extra: Partial<Extract<Command, { type: 'raise' }>> = {}, interactionId = 'i-1'): string {
    return this.ok(agent, { type: 'raise', interactionId, channel: 'voice', message: 'Caller is angry', ...extra }).flagId!;
  }
}

function refused(d: Decision | FlagError, code: string): FlagError {
  expect(d, 'a FlagError').to.be.instanceOf(FlagError);
  const err = d as FlagError;
  expect(err.code, err.message).to.equal(code);
  expect(err.message).to.be.a('string').with.length.above(0);
  return err;
}

const every: Command[] = [
  { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'x' },
  { type: 'acknowledge', flagId: 'f' },
  { type: 'lower', flagId: 'f' },
  { type: 'send-message', flagId: 'f', text: 'x' },
  { type: 'request-join', flagId: 'f' },
  { type: 'accept-join', flagId: 'f' },
  { type: 'decline-join', flagId: 'f' },
  { type: 'cancel-join', flagId: 'f' },
  { type: 'end-interaction', interactionId: 'i-1' },
];

describe('machine: raise', () => {
  it('raises with defaults: seq 1, the command id as flag id, first team, normal severity, empty label', () => {
    const w = new World();
    const d = w.ok(ann, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'help' }, 'flag-1');
    expect(d).to.deep.include({ flagId: 'flag-1', changed: true });
    expect(d.events).to.deep.equal([
      { type: 'raised', interactionId: 'i-1', channel: 'voice', customerLabel: '', team: 'team-a', message: 'help', severity: 'normal', flagId: 'flag-1', seq: 1, at: 1_000, actor: { id: 'ann', name: 'Ann Agent', role: 'agent' } },
    ]);
    expect(w.flag('flag-1')).to.deep.include({ status: 'raised', escalation: 0, join: 'none', raisedAt: 1_000, seq: 1 });
  });

  it('keeps the optional fields it is given and raises on a chosen team of the agent', () => {
    const w = new World();
    const id = w.raise(dan, { customerLabel: 'Jo', reason: 'billing', severity: 'urgent', team: 'team-b' });
    expect(w.flag(id)).to.deep.include({ customerLabel: 'Jo', reason: 'billing', severity: 'urgent', team: 'team-b' });
  });

  it('is available on voice, enhanced messaging and enhanced chat; legacy chat only when enabled', () => {
    const w = new World();
    w.raise(ann, { channel: 'voice' }, 'v');
    w.raise(ann, { channel: 'enhanced-messaging' }, 'm');
    w.raise(ann, { channel: 'enhanced-chat' }, 'c');
    const err = refused(w.run(ann, { type: 'raise', interactionId: 'l', channel: 'legacy-chat', message: 'x' }), 'channel-unavailable');
    expect(err.message).to.contain('legacy-chat');
    const enabled = new World({ legacyChatEnabled: true });
    expect(enabled.flag(enabled.raise(ann, { channel: 'legacy-chat' }))!.channel).to.equal('legacy-chat');
  });

  it('rejects every command with fallback-mode in fallback mode, before anything else', () => {
    const w = new World({ fallbackMode: true });
    for (const command of every) for (const who of [ann, sue]) refused(w.run(who, command), 'fallback-mode');
  });

  it('validates the message, reason and customer label', () => {
    const w = new World({ limits: { messageLength: 10, reasonLength: 5, labelLength: 3 } });
    const raise = (extra: object) => w.run(ann, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'ok', ...extra });
    refused(raise({ message: '' }), 'invalid-input');
    expect(refused(raise({ message: ' \n\t ' }), 'invalid-input').message).to.contain('must not be empty');
    const long = refused(raise({ message: 'x'.repeat(11) }), 'too-long');
    expect(long.details).to.deep.equal({ limit: 10, length: 11 });
    expect(long.message).to.contain('11 characters; the limit is 10');
    refused(raise({ reason: 'x'.repeat(6) }), 'too-long');
    refused(raise({ customerLabel: 'x'.repeat(4) }), 'too-long');
    expect(w.events).to.deep.equal([]);
    expect(w.ok(ann, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'x'.repeat(10), reason: '12345', customerLabel: 'abc' }).changed).to.equal(true);
  });

  it('refuses a team the agent is not on, and an agent on no team', () => {
    const w = new World();
    expect(refused(w.run(ann, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'x', team: 'team-b' }), 'not-allowed').message).to.contain('team-b');
    expect(refused(w.run(loner, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'x' }), 'not-allowed').message).to.contain('no team');
  });

  it("refuses a supervisor, another agent's interaction, an open flag and a reused command id", () => {
    const w = new World();
    refused(w.run(sue, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'x' }), 'not-allowed');
    const id = w.raise(ann);
    expect(refused(w.run(bob, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'x' }), 'not-allowed').message).to.contain('another agent');
    expect(refused(w.run(ann, { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'x' }), 'already-open').details).to.deep.equal({ flagId: id });
    refused(w.run(ann, { type: 'raise', interactionId: 'i-2', channel: 'voice', message: 'x' }, id), 'invalid-input');
  });

  it('raises a new flag on an interaction whose previous flag was lowered', () => {
    const w = new World();
    const first = w.raise(ann);
    w.ok(ann, { type: 'lower', flagId: first });
    const second = w.raise(ann);
    expect(second).not.to.equal(first);
    expect(w.flag(second)!.seq).to.equal(1);
  });
});

describe('machine: acknowledge', () => {
  it('lets a supervisor of the team acknowledge: status, who and when', () => {
    const w = new World();
    const id = w.raise();
    w.now = 5_000;
    const d = w.ok(sue, { type: 'acknowledge', flagId: id });
    expect(d.events.map((e) => [e.type, e.seq])).to.deep.equal([['acknowledged', 2]]);
    expect(w.flag(id)).to.deep.include({ status: 'acknowledged', acknowledgedBy: { id: 'sue', name: 'Sue Supervisor', role: 'supervisor' }, acknowledgedAt: 5_000 });
  });

  it('refuses agents, other teams, unknown and lowered flags', () => {
    const w = new World();
    const id = w.raise();
    expect(refused(w.run(ann, { type: 'acknowledge', flagId: id }), 'not-allowed').message).to.contain('Only a supervisor');
    // Another team's flag answers exactly like a flag that does not exist: no existence oracle.
    expect(refused(w.run(tom, { type: 'acknowledge', flagId: id }), 'not-found').message).to.equal(`There is no flag ${id} that you can see.`);
    expect(refused(w.run(sue, { type: 'acknowledge', flagId: 'nope' }), 'not-found').message).to.equal('There is no flag nope that you can see.');
    w.ok(ann, { type: 'lower', flagId: id });
    expect(refused(w.run(sue, { type: 'acknowledge', flagId: id }), 'invalid-state').details).to.deep.equal({ status: 'lowered' });
  });

  it('names who already acknowledged; the same supervisor again changes nothing', () => {
    const w = new World();
    const id = w.raise();
    w.ok(sue, { type: 'acknowledge', flagId: id });
    const err = refused(w.run(sam, { type: 'acknowledge', flagId: id }), 'already-acknowledged');
    expect(err.message).to.contain('Sue Supervisor');
    expect(err.details).to.deep.equal({ acknowledgedBy: { id: 'sue', name: 'Sue Supervisor', role: 'supervisor' } });
    expect(w.ok(sue, { type: 'acknowledge', flagId: id })).to.deep.equal({ flagId: id, events: [], changed: false, note: 'already-acknowledged' });
  });
});

describe('machine: lower', () => {
  it('records who lowered, when, why and whether agent or supervisor', () => {
    const w = new World();
    const a = w.raise(ann, {}, 'i-1');
    const b = w.raise(bob, {}, 'i-2');
    w.now = 9_000;
    w.ok(ann, { type: 'lower', flagId: a, reason: 'solved' });
    w.ok(sue, { type: 'lower', flagId: b });
    expect(w.flag(a)!.lowered).to.deep.equal({ by: { id: 'ann', name: 'Ann Agent', role: 'agent' }, at: 9_000, cause: 'agent', reason: 'solved' });
    expect(w.flag(b)!.lowered).to.deep.equal({ by: { id: 'sue', name: 'Sue Supervisor', role: 'supervisor' }, at: 9_000, cause: 'supervisor' });
    expect(w.flag(a)!.status).to.equal('lowered');
  });

  it('answers a second lowering with changed: false and the note already-lowered', () => {
    const w = new World();
    const id = w.raise();
    w.ok(sue, { type: 'lower', flagId: id });
    expect(w.ok(ann, { type: 'lower', flagId: id })).to.deep.equal({ flagId: id, events: [], changed: false, note: 'already-lowered' });
  });

  it("refuses a reason too long and another agent's or team's flag", () => {
    const w = new World({ limits: { reasonLength: 3 } });
    const id = w.raise();
    refused(w.run(ann, { type: 'lower', flagId: id, reason: 'abcd' }), 'too-long');
    expect(refused(w.run(bob, { type: 'lower', flagId: id }), 'not-found').message).to.not.contain('another agent');
    refused(w.run(tom, { type: 'lower', flagId: id }), 'not-found');
    refused(w.run(ann, { type: 'lower', flagId: 'nope' }), 'not-found');
    expect(w.flag(id)!.status).to.equal('raised');
  });
});

describe('machine: send-message', () => {
  it('adds a message event from either side carrying the command id', () => {
    const w = new World();
    const id = w.raise();
    const d = w.ok(ann, { type: 'send-message', flagId: id, text: 'are you there?' }, 'm-1');
    expect(d.events).to.deep.equal([{ type: 'message', text: 'are you there?', clientId: 'm-1', flagId: id, seq: 2, at: 1_000, actor: { id: 'ann', name: 'Ann Agent', role: 'agent' } }]);
    expect(w.ok(sue, { type: 'send-message', flagId: id, text: 'yes' }).events[0]!.seq).to.equal(3);
    expect(w.flag(id)!.seq).to.equal(3);
  });

  it('refuses empty, too long, lowered, and outsiders', () => {
    const w = new World({ limits: { messageLength: 4 } });
    const id = w.raise(ann, { message: 'help' });
    refused(w.run(ann, { type: 'send-message', flagId: id, text: '  ' }), 'invalid-input');
    refused(w.run(ann, { type: 'send-message', flagId: id, text: 'hello' }), 'too-long');
    refused(w.run(bob, { type: 'send-message', flagId: id, text: 'hi' }), 'not-found');
    refused(w.run(tom, { type: 'send-message', flagId: id, text: 'hi' }), 'not-found');
    w.ok(ann, { type: 'lower', flagId: id });
    expect(refused(w.run(sue, { type: 'send-message', flagId: id, text: 'hi' }), 'invalid-state').message).to.contain('send message');
  });
});

describe('machine: join requests', () => {
  it('request → cancel → request → decline (with reason), recording who and when', () => {
    const w = new World();
    const id = w.raise();
    w.ok(sue, { type: 'acknowledge', flagId: id });
    w.ok(ann, { type: 'request-join', flagId: id });
    expect(w.flag(id)).to.deep.include({ join: 'requested', joinBy: { id: 'ann', name: 'Ann Agent', role: 'agent' }, joinAt: 1_000 });
    expect(w.ok(ann, { type: 'request-join', flagId: id })).to.deep.equal({ flagId: id, events: [], changed: false, note: 'already-requested' });
    w.ok(ann, { type: 'cancel-join', flagId: id });
    expect(w.flag(id)!.join).to.equal('cancelled');
    w.ok(ann, { type: 'request-join', flagId: id });
    const d = w.ok(sue, { type: 'decline-join', flagId: id, reason: 'busy' });
    expect(d.events[0]).to.deep.include({ type: 'join-declined', reason: 'busy' });
    expect(w.flag(id)!.join).to.equal('declined');
    w.ok(ann, { type: 'request-join', flagId: id });
    expect(w.ok(sue, { type: 'decline-join', flagId: id }).events[0]).not.to.have.property('reason');
  });

  it('accepting an unacknowledged flag acknowledges it first, in consecutive seqs', () => {
    const w = new World();
    const id = w.raise();
    w.ok(ann, { type: 'request-join', flagId: id });
    const d = w.ok(sam, { type: 'accept-join', flagId: id });
    expect(d.events.map((e) => [e.type, e.seq, e.actor.id])).to.deep.equal([
      ['acknowledged', 3, 'sam'],
      ['join-accepted', 4, 'sam'],
    ]);
    expect(w.flag(id)).to.deep.include({ status: 'acknowledged', join: 'accepted', seq: 4 });
    expect(w.flag(id)!.acknowledgedBy!.id).to.equal('sam');
  });

  it('accepting a flag one already acknowledged adds only join-accepted', () => {
    const w = new World();
    const id = w.raise();
    w.ok(sue, { type: 'acknowledge', flagId: id });
    w.ok(ann, { type: 'request-join', flagId: id });
    expect(w.ok(sue, { type: 'accept-join', flagId: id }).events.map((e) => e.type)).to.deep.equal(['join-accepted']);
    expect(refused(w.run(ann, { type: 'request-join', flagId: id }), 'invalid-state').details).to.deep.equal({ join: 'accepted' });
  });

  it("of two supervisors accepting an unclaimed flag's request, the second is told who took it", () => {
    const w = new World();
    const id = w.raise();
    w.ok(ann, { type: 'request-join', flagId: id });
    expect(w.ok(sue, { type: 'accept-join', flagId: id }).events.map((e) => e.type)).to.deep.equal(['acknowledged', 'join-accepted']);
    expect(refused(w.run(sam, { type: 'accept-join', flagId: id }), 'already-acknowledged').details).to.deep.equal({ acknowledgedBy: w.flag(id)!.acknowledgedBy });
    refused(w.run(sam, { type: 'decline-join', flagId: id }), 'already-acknowledged');
    // The one who took it, answering again, is told the request is gone.
    refused(w.run(sue, { type: 'accept-join', flagId: id }), 'invalid-state');
  });

  it('refuses answers without a pending request, from another supervisor, or from the wrong role', () => {
    const w = new World({ limits: { reasonLength: 2 } });
    const id = w.raise();
    refused(w.run(sue, { type: 'accept-join', flagId: id }), 'invalid-state');
    refused(w.run(sue, { type: 'decline-join', flagId: id }), 'invalid-state');
    refused(w.run(ann, { type: 'cancel-join', flagId: id }), 'invalid-state');
    refused(w.run(sue, { type: 'request-join', flagId: id }), 'not-allowed');
    w.ok(sue, { type: 'acknowledge', flagId: id });
    w.ok(ann, { type: 'request-join', flagId: id });
    refused(w.run(ann, { type: 'accept-join', flagId: id }), 'not-allowed');
    refused(w.run(ann, { type: 'decline-join', flagId: id }), 'not-allowed');
    refused(w.run(sue, { type: 'cancel-join', flagId: id }), 'not-allowed');
    expect(refused(w.run(sam, { type: 'accept-join', flagId: id }), 'already-acknowledged').message).to.contain('Sue Supervisor');
    refused(w.run(sam, { type: 'decline-join', flagId: id }), 'already-acknowledged');
    refused(w.run(tom, { type: 'accept-join', flagId: id }), 'not-found');
    refused(w.run(sue, { type: 'decline-join', flagId: id, reason: 'abc' }), 'too-long');
    refused(w.run(bob, { type: 'request-join', flagId: id }), 'not-found');
    expect(w.flag(id)!.join).to.equal('requested');
  });

  it('takes no join commands on a lowered flag', () => {
    const w = new World();
    const id = w.raise();
    w.ok(ann, { type: 'request-join', flagId: id });
    w.ok(ann, { type: 'lower', flagId: id });
    for (const command of [{ type: 'request-join', flagId: id }, { type: 'cancel-join', flagId: id }] as const) refused(w.run(ann, command), 'invalid-state');
    for (const command of [{ type: 'accept-join', flagId: id }, { type: 'decline-join', flagId: id }] as const) refused(w.run(sue, command), 'invalid-state');
  });
});

describe('machine: end-interaction', () => {
  it('lowers the open flag with cause interaction-ended', () => {
    const w = new World();
    const id = w.raise();
    const d = w.ok(ann, { type: 'end-interaction', interactionId: 'i-1' });
    expect(d.flagId).to.equal(id);
    expect(d.events[0]).to.deep.include({ type: 'lowered', cause: 'interaction-ended', seq: 2 });
    expect(w.flag(id)!.lowered!.cause).to.equal('interaction-ended');
  });

  it('has nothing to do without an open flag', () => {
    const w = new World();
    expect(w.ok(ann, { type: 'end-interaction', interactionId: 'i-9' })).to.deep.equal({ flagId: null, events: [], changed: false, note: 'no-open-flag' });
    const id = w.raise();
    w.ok(ann, { type: 'lower', flagId: id });
    expect(w.ok(ann, { type: 'end-interaction', interactionId: 'i-1' }).note).to.equal('no-open-flag');
  });

  it("refuses supervisors and another agent's interaction", () => {
    const w = new World();
    w.raise();
    refused(w.run(sue, { type: 'end-interaction', interactionId: 'i-1' }), 'not-allowed');
    refused(w.run(bob, { type: 'end-interaction', interactionId: 'i-1' }), 'not-allowed');
    expect(w.openFlagFor('i-1')).to.not.equal(undefined);
  });
});

describe('machine: escalation', () => {
  const config = resolveConfig({ escalation: { afterMs: 60_000, secondTierTeams: ['tier-2'] } });
  const raised = (): Flag => {
    const w = new World(config);
    return w.flag(w.raise())!;
  };

  it('escalates an unacknowledged flag to level 1 after afterMs, then to level 2 after as long again', () => {
    let flag = raised();
    expect(escalationDue(flag, 1_000 + 59_999, config)).to.equal(null);
    const first = escalationDue(flag, 61_000, config)!;
    expect(first).to.deep.equal({ type: 'escalated', level: 1, flagId: flag.id, seq: 2, at: 61_000, actor: SYSTEM_ACTOR });
    flag = applyEvent(flag, first);
    expect(flag).to.deep.include({ escalation: 1, escalatedAt: 61_000 });
    expect(escalationDue(flag, 61_000 + 59_999, config)).to.equal(null);
    const second = escalationDue(flag, 121_000, config)!;
    expect(second).to.deep.include({ level: 2, seq: 3 });
    flag = applyEvent(flag, second);
    expect(escalationDue(flag, 10_000_000, config)).to.equal(null);
  });

  it('never escalates an acknowledged or lowered flag', () => {
    const w = new World(config);
    const a = w.raise(ann, {}, 'i-1');
    const b = w.raise(bob, {}, 'i-2');
    w.ok(sue, { type: 'acknowledge', flagId: a });
    w.ok(bob, { type: 'lower', flagId: b });
    expect(escalationDue(w.flag(a)!, 1e9, config)).to.equal(null);
    expect(escalationDue(w.flag(b)!, 1e9, config)).to.equal(null);
  });

  it('measures level 2 from raisedAt when a stored flag has no escalatedAt', () => {
    const flag: Flag = { ...raised(), escalation: 1 };
    expect(escalationDue(flag, 61_000, config)).to.deep.include({ level: 2 });
  });
});

describe('machine: applyEvent and reduceEvents', () => {
  it('throws invalid-state for an event of a flag it never saw raised', () => {
    const event: FlagEvent = { type: 'acknowledged', flagId: 'ghost', seq: 2, at: 0, actor: SYSTEM_ACTOR };
    expect(() => applyEvent(undefined, event)).to.throw(FlagError, 'unknown flag ghost').with.property('code', 'invalid-state');
  });

  it('reduces a whole history to the flag the state machine built step by step', () => {
    const w = new World();
    const id = w.raise(ann, { reason: 'r' });
    w.ok(ann, { type: 'send-message', flagId: id, text: 'hi' });
    w.ok(ann, { type: 'request-join', flagId: id });
    w.ok(sue, { type: 'accept-join', flagId: id });
    w.ok(sue, { type: 'lower', flagId: id, reason: 'done' });
    expect(reduceEvents(w.events)).to.deep.equal(w.flag(id));
    expect(reduceEvents([])).to.equal(undefined);
  });

  it('does not mutate the flag it folds into', () => {
    const w = new World();
    const before = w.flag(w.raise())!;
    const copy = structuredClone(before);
    applyEvent(before, { type: 'acknowledged', flagId: before.id, seq: 2, at: 5, actor: SYSTEM_ACTOR });
    expect(before).to.deep.equal(copy);
  });
});

describe('allowedActions', () => {
  it('offers each participant exactly what the source of truth would accept', async () => {
    const { allowedActions, applyEvent } = await import('./machine.js');
    const { resolveConfig } = await import('./config.js');
    const config = resolveConfig();
    const agentRef = { id: 'a1', name: 'A', role: 'agent' as const };
    const boss = { id: 's1', name: 'S', role: 'supervisor' as const, teams: ['t'] };
    const other = { id: 's2', name: 'T', role: 'supervisor' as const, teams: ['t'] };
    const agent = { ...agentRef, teams: ['t'] };
    let flag = applyEvent(undefined, { type: 'raised', flagId: 'f', seq: 1, at: 0, actor: agentRef, interactionId: 'i', channel: 'voice', customerLabel: '', team: 't', message: 'm', severity: 'normal' });
    expect([...allowedActions(agent, flag, config)].sort()).to.deep.equal(['lower', 'request-join', 'send-message']);
    expect([...allowedActions(boss, flag, config)].sort()).to.deep.equal(['acknowledge', 'lower', 'send-message']);
    flag = applyEvent(flag, { type: 'acknowledged', flagId: 'f', seq: 2, at: 1, actor: { id: 's1', name: 'S', role: 'supervisor' } });
    flag = applyEvent(flag, { type: 'join-requested', flagId: 'f', seq: 3, at: 2, actor: agentRef });
    // The one helping may also hand it off.
    expect([...allowedActions(boss, flag, config)].sort()).to.deep.equal(['accept-join', 'decline-join', 'lower', 'send-message', 'transfer']);
    // Only the supervisor who acknowledged may answer the join.
    expect([...allowedActions(other, flag, config)].sort()).to.deep.equal(['lower', 'send-message']);
    expect([...allowedActions(agent, flag, config)].sort()).to.deep.equal(['cancel-join', 'lower', 'send-message']);
    flag = applyEvent(flag, { type: 'lowered', flagId: 'f', seq: 4, at: 3, actor: agentRef, cause: 'agent' });
    expect(allowedActions(boss, flag, config).size).to.equal(0);
  });
});
