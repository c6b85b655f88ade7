import { expect } from '@esm-bundle/chai';
import type { Command, Outcome } from '../commands.js';
import { SYSTEM_ACTOR, type Participant, type PositionedEvent } from '../model.js';
import { Authority } from './authority.js';
import { MemoryStorage } from './storage.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['team-a'] };
const sue: Participant = { id: 'sue', name: 'Sue Supervisor', role: 'supervisor', teams: ['team-a'] };
const nia: Participant = { id: 'nia', name: 'Nia Supervisor', role: 'supervisor', teams: ['team-a'] };

async function open() {
  const clock = { now: 1_000 };
  const authority = await Authority.open({ storage: new MemoryStorage(), now: () => clock.now, config: { transferTimeoutMs: 30_000 } });
  return { authority, clock };
}
let n = 0;
const run = (a: Authority, who: Participant, command: Command): Promise<Outcome> => a.execute(who, { id: `cmd-${++n}`, command });
function code(outcome: Outcome): string {
  return outcome.ok ? 'ok' : outcome.error.code;
}
async function raise(a: Authority): Promise<string> {
  const outcome = await run(a, ann, { type: 'raise', interactionId: `i-${++n}`, channel: 'voice', message: 'help' });
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.flagId!;
}
function record(a: Authority, who: Participant): { seen: PositionedEvent[]; leave: () => void } {
  const seen: PositionedEvent[] = [];
  return { seen, leave: a.subscribe(who, (pe) => seen.push(pe)) };
}

describe('Authority: hand-off and check-in', () => {
  it('knows as receivers only those subscribed right now', async () => {
    const { authority } = await open();
    record(authority, ann);
    const sueSub = record(authority, sue);
    const flagId = await raise(authority);
    await run(authority, sue, { type: 'acknowledge', flagId });
    expect(code(await run(authority, sue, { type: 'transfer', flagId, to: 'nia' }))).to.equal('not-found');
    const niaSub = record(authority, nia);
    const second = record(authority, nia);
    second.leave();
    expect(code(await run(authority, sue, { type: 'transfer', flagId, to: 'nia' }))).to.equal('ok');
    expect(niaSub.seen.map((pe) => pe.event.type)).to.deep.equal(['transfer-offered']);
    niaSub.leave();
    sueSub.leave();
  });

  it('asks the directory for someone not subscribed here (another relay process), and says so when it cannot answer', async () => {
    const asked: string[] = [];
    let failing = false;
    const authority = await Authority.open({
      storage: new MemoryStorage(),
      directory: {
        participant: async (id) => {
          asked.push(id);
          if (failing) throw new Error('redis down');
          return id === 'nia' ? nia : undefined;
        },
      },
    });
    record(authority, sue);
    const flagId = await raise(authority);
    await run(authority, sue, { type: 'acknowledge', flagId });
    expect(code(await run(authority, sue, { type: 'transfer', flagId, to: 'ghost' }))).to.equal('not-found');
    failing = true;
    expect(code(await run(authority, sue, { type: 'transfer', flagId, to: 'nia' }))).to.equal('unavailable');
    failing = false;
    expect(code(await run(authority, sue, { type: 'transfer', flagId, to: 'nia' }))).to.equal('ok');
    expect(authority.flag(flagId)!.transfer?.to).to.deep.equal({ id: 'nia', name: 'Nia Supervisor', role: 'supervisor' });
    // Subscribers are known without asking.
    record(authority, ann);
    await run(authority, sue, { type: 'check-in', agentId: 'ann', interactionId: 'i-x', channel: 'voice', message: 'hi' });
    expect(asked).to.deep.equal(['ghost', 'nia', 'nia']);
  });

  it('expires an offer on the tick once transferTimeoutMs passed, back to the team queue; acceptance after it is refused', async () => {
    const { authority, clock } = await open();
    const sueSub = record(authority, sue);
    record(authority, nia);
    const flagId = await raise(authority);
    await run(authority, sue, { type: 'acknowledge', flagId });
    await run(authority, sue, { type: 'transfer', flagId, to: 'nia' });
    clock.now += 29_999;
    await authority.tick();
    expect(authority.flag(flagId)!.transfer?.to.id).to.equal('nia');
    clock.now += 1;
    await authority.tick();
    expect(authority.flag(flagId)).to.deep.include({ status: 'raised', queuedAt: 31_000 });
    expect(sueSub.seen.at(-1)!.event).to.deep.include({ type: 'transfer-expired', actor: SYSTEM_ACTOR });
    expect(code(await run(authority, nia, { type: 'accept-transfer', flagId }))).to.equal('invalid-state');
  });

  it('serialises an accept and the expiry on the same tick: one wins', async () => {
    const { authority, clock } = await open();
    record(authority, nia);
    const flagId = await raise(authority);
    await run(authority, sue, { type: 'acknowledge', flagId });
    await run(authority, sue, { type: 'transfer', flagId, to: 'nia' });
    clock.now += 30_000;
    const [accepted] = await Promise.all([run(authority, nia, { type: 'accept-transfer', flagId }), authority.tick()]);
    expect(code(accepted)).to.equal('ok');
    const types = (await authority.history(sue, flagId, 0)).map((e) => e.type);
    expect(types).to.deep.equal(['raised', 'acknowledged', 'transfer-offered', 'transfer-accepted']);
  });

  it('opens a check-in only with an agent subscribed on a shared team; the agent is told', async () => {
    const { authority } = await open();
    const checkIn: Command = { type: 'check-in', agentId: 'ann', interactionId: 'i-7', channel: 'voice', message: 'All good?' };
    expect(code(await run(authority, sue, checkIn))).to.equal('not-found');
    const annSub = record(authority, ann);
    expect(code(await run(authority, sue, checkIn))).to.equal('ok');
    expect(annSub.seen.map((pe) => [pe.event.type, pe.event.actor.id])).to.deep.equal([
      ['raised', 'sue'],
      ['acknowledged', 'sue'],
    ]);
    expect(code(await run(authority, ann, { type: 'raise', interactionId: 'i-7', channel: 'voice', message: 'x' }))).to.equal('already-open');
  });
});
