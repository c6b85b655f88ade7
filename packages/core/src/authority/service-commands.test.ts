/**
 * Commands from a host backend (the relay's service API) through the same Authority: on behalf
 * of a participant (`via`), ending and assigning interactions, strict assignment.
 */
import { expect } from '@esm-bundle/chai';
import type { Command, Outcome, ServiceCommand } from '../commands.js';
import type { FlagConfigInput } from '../config.js';
import { SYSTEM_ACTOR, type Participant, type PositionedEvent, type ServiceRef } from '../model.js';
import { decodeServerFrame, encodeFrame } from '../protocol.js';
import { describeEvent } from '../transcript.js';
import { Authority } from './authority.js';
import { MemoryStorage } from './storage.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['team-a'] };
const ben: Participant = { id: 'ben', name: 'Ben Agent', role: 'agent', teams: ['team-a', 'team-b'] };
const sue: Participant = { id: 'sue', name: 'Sue Supervisor', role: 'supervisor', teams: ['team-a'] };
const crm: ServiceRef = { id: 'crm', name: 'Acme CRM' };

/** Memory storage whose flags can be erased, as the relay's privacy delete erases them from its store. */
class ErasableStorage extends MemoryStorage {
  readonly erased = new Set<string>();
  override async flagEvents(flagId: string) {
    return this.erased.has(flagId) ? [] : super.flagEvents(flagId);
  }
}

async function open(config: FlagConfigInput = {}) {
  const assigned = new Map<string, string>();
  const storage = new ErasableStorage();
  const authority = await Authority.open({ storage, config, assignments: assigned });
  const seen = new Map<string, PositionedEvent[]>();
  for (const p of [ann, ben, sue]) {
    seen.set(p.id, []);
    authority.subscribe(p, (pe) => seen.get(p.id)!.push(pe));
  }
  let n = 0;
  const run = (actor: Participant, command: Command, id = `c-${++n}`, via?: ServiceRef) => authority.execute(actor, { id, command }, via);
  const service = (command: ServiceCommand, id = `s-${++n}`) => authority.executeService(crm, { id, command });
  return { authority, storage, assigned, seen, run, service };
}

function code(outcome: Outcome): string {
  return outcome.ok ? 'ok' : outcome.error.code;
}

const raise = (interactionId = 'call-1'): Command => ({ type: 'raise', interactionId, channel: 'voice', message: 'Caller is angry' });

describe('service commands through the Authority', () => {
  it('a flag raised on behalf of an agent belongs to the agent and records the service', async () => {
    const { authority, run, seen } = await open();
    const outcome = await run(ann, raise(), 'crm-1', crm);
    expect(code(outcome)).to.equal('ok');
    const flag = authority.flag('crm-1')!;
    expect(flag.agent).to.deep.equal({ id: 'ann', name: 'Ann Agent', role: 'agent' });
    expect(flag.raisedVia).to.deep.equal(crm);
    const [event] = seen.get('ann')!.map((pe) => pe.event);
    expect(event!.via).to.deep.equal(crm);
    expect(describeEvent(event!)).to.equal('Ann Agent raised a flag: "Caller is angry" (via Acme CRM)');
    // The agent acts on it from the desk like on any of her flags.
    expect(code(await run(ann, { type: 'send-message', flagId: 'crm-1', text: 'thanks' }))).to.equal('ok');
  });

  it('a command id a service used is the service’s: the agent reusing it is refused, the service retrying gets its outcome', async () => {
    const { run } = await open();
    const first = await run(ann, raise(), 'crm-2', crm);
    expect(code(await run(ann, raise('call-2'), 'crm-2'))).to.equal('not-allowed');
    expect(await run(ann, raise(), 'crm-2', crm)).to.deep.equal(first);
  });

  it('ending an interaction lowers its open flag whoever owns it, as the system via the service; again: nothing to do', async () => {
    const { authority, run, service, seen } = await open();
    await run(ann, raise(), 'f-1');
    const ended = await service({ type: 'end-interaction', interactionId: 'call-1' });
    expect(ended).to.deep.include({ ok: true, flagId: 'f-1', changed: true });
    const flag = authority.flag('f-1')!;
    expect(flag.status).to.equal('lowered');
    expect(flag.lowered).to.deep.include({ cause: 'interaction-ended', by: SYSTEM_ACTOR });
    expect(seen.get('sue')!.at(-1)!.event).to.deep.include({ type: 'lowered', via: crm });
    expect(await service({ type: 'end-interaction', interactionId: 'call-1' })).to.deep.include({ ok: true, changed: false, note: 'no-open-flag' });
  });

  it('a transfer moves the open flag to the new agent: the old one is told and can no longer act, the new one can', async () => {
    const { authority, assigned, run, service, seen } = await open();
    await run(ann, raise(), 'f-1');
    assigned.set('call-1', 'ben');
    const moved = await service({ type: 'assign', interactionId: 'call-1', agent: ben });
    expect(moved).to.deep.include({ ok: true, flagId: 'f-1', changed: true });
    const flag = authority.flag('f-1')!;
    expect(flag.agent.id).to.equal('ben');
    expect(flag.team).to.equal('team-a');
    const told = seen.get('ann')!.at(-1)!.event;
    expect(told).to.deep.include({ type: 'assigned', from: { id: 'ann', name: 'Ann Agent', role: 'agent' }, agent: { id: 'ben', name: 'Ben Agent', role: 'agent' } });
    expect(describeEvent(told)).to.equal('The interaction was transferred from Ann Agent to Ben Agent (via Acme CRM)');
    expect(seen.get('ben')!.at(-1)!.event.type).to.equal('assigned');

    expect(code(await run(ann, { type: 'lower', flagId: 'f-1' }))).to.equal('not-found');
    expect(code(await run(ben, { type: 'lower', flagId: 'f-1' }))).to.equal('ok');
    expect(code(await run(ann, raise()))).to.equal('not-allowed');
    expect(code(await run(ben, raise()))).to.equal('ok');
    // Ann's later subscription events no longer include Ben's flag.
    expect(seen.get('ann')!.filter((pe) => pe.event.flagId !== 'f-1')).to.have.length(0);
  });

  it('a transfer into another team hands the flag to that team afresh: the old team\'s helper, join and hand-off no longer hold it', async () => {
    const nia: Participant = { id: 'nia', name: 'Nia Supervisor', role: 'supervisor', teams: ['team-b'] };
    const { authority, assigned, run, service } = await open();
    await run(ann, raise(), 'f-x');
    expect(code(await run(sue, { type: 'acknowledge', flagId: 'f-x' }))).to.equal('ok');
    expect(code(await run(ann, { type: 'request-join', flagId: 'f-x' }))).to.equal('ok');
    assigned.set('call-1', 'ben');
    expect(await service({ type: 'assign', interactionId: 'call-1', agent: ben, team: 'team-b' })).to.deep.include({ ok: true, changed: true });
    const flag = authority.flag('f-x')!;
    expect([flag.team, flag.status, flag.acknowledgedBy, flag.join, flag.escalation]).to.deep.equal(['team-b', 'raised', undefined, undefined, 0]);
    expect(code(await run(sue, { type: 'send-message', flagId: 'f-x', text: 'still mine?' }))).to.equal('not-found');
    expect(code(await run(nia, { type: 'acknowledge', flagId: 'f-x' })), 'the new team can take it').to.equal('ok');
    expect(code(await run(ben, { type: 'request-join', flagId: 'f-x' }))).to.equal('ok');
    expect(code(await run(nia, { type: 'accept-join', flagId: 'f-x' }))).to.equal('ok');
  });

  it('assigning an interaction with no open flag decides who may raise on it, without the first raiser owning it forever', async () => {
    const { assigned, run, service } = await open();
    await run(ann, raise(), 'f-1');
    await run(ann, { type: 'lower', flagId: 'f-1' });
    assigned.set('call-1', 'ben');
    expect(await service({ type: 'assign', interactionId: 'call-1', agent: ben })).to.deep.include({ ok: true, changed: false, note: 'no-open-flag' });
    expect(code(await run(ann, raise()))).to.equal('not-allowed');
    expect(code(await run(ben, raise()))).to.equal('ok');
    expect(await service({ type: 'assign', interactionId: 'call-1', agent: ben })).to.deep.include({ changed: false, note: 'already-assigned' });
  });

  it('refuses to assign to a supervisor or into a team the agent is not in', async () => {
    const { service } = await open();
    expect(code(await service({ type: 'assign', interactionId: 'call-1', agent: sue }))).to.equal('invalid-input');
    expect(code(await service({ type: 'assign', interactionId: 'call-1', agent: ann, team: 'team-b' }))).to.equal('invalid-input');
  });

  it('strict mode: an agent raises only on interactions assigned to them', async () => {
    const { assigned, run } = await open({ requireAssignment: true });
    const refused = await run(ann, raise());
    expect(code(refused)).to.equal('not-allowed');
    expect(!refused.ok && refused.error.message).to.equal('Interaction call-1 is not assigned to you.');
    assigned.set('call-1', 'ann');
    expect(code(await run(ann, raise()))).to.equal('ok');
    expect(code(await run(ben, raise('call-1')))).to.equal('not-allowed');
  });

  it('forgetting an interaction (privacy) refuses while a flag is open, then leaves nothing in history, snapshots or replay', async () => {
    const { authority, storage, run, service } = await open();
    const start = { epoch: authority.epoch, pos: authority.pos };
    await run(ann, raise('call-other'), 'f-other');
    await run(ann, raise('call-private'), 'f-private');
    await run(ann, { type: 'send-message', flagId: 'f-private', text: 'secret' });
    let erased: string[] = [];
    const refused = await authority.forgetInteraction('call-private', (ids) => void (erased = ids)).catch((err: { code: string }) => err.code);
    expect([refused, erased]).to.deep.equal(['invalid-state', []]);
    await service({ type: 'end-interaction', interactionId: 'call-private' });
    expect(
      await authority.forgetInteraction('call-private', (ids) => {
        erased = ids;
        for (const id of ids) storage.erased.add(id);
      }),
    ).to.deep.equal(['f-private']);
    expect(erased).to.deep.equal(['f-private']);
    expect(authority.flag('f-private')).to.equal(undefined);
    expect(await authority.history(sue, 'f-private', 0).catch((err: { code: string }) => err.code)).to.equal('not-found');
    expect(authority.snapshot(sue).events.map((e) => e.flagId)).to.deep.equal(['f-other']);
    expect(authority.replay(sue, start)!.map((pe) => pe.event.flagId)).to.deep.equal(['f-other']);
    // The interaction is free again: its first raiser no longer owns it.
    expect(code(await run(ben, raise('call-private')))).to.equal('ok');
  });

  it('the protocol carries assigned events and via, strictly', () => {
    const event = {
      type: 'assigned',
      flagId: 'f-1',
      seq: 2,
      at: 5,
      actor: SYSTEM_ACTOR,
      via: crm,
      from: { id: 'ann', name: 'Ann', role: 'agent' },
      agent: { id: 'ben', name: 'Ben', role: 'agent' },
      team: 'team-a',
    } as const;
    const frame = decodeServerFrame(encodeFrame({ t: 'event', pos: 2, event }));
    expect(frame).to.deep.equal({ v: 1, t: 'event', pos: 2, event });
    const sneaky = JSON.stringify({ v: 1, t: 'event', pos: 2, event: { ...event, via: { ...crm, admin: true } } });
    expect(() => decodeServerFrame(sneaky)).to.throw(/Invalid frame at event.via/);
  });
});
