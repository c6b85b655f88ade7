/** Missed flags: escalated past a supervisor or lowered with nobody answering, kept bounded. */
import { expect } from '@open-wc/testing';
import { MemoryHub } from '../transports/memory.js';
import { onHub, until } from '../../test/harness.js';
import type { Participant } from '../model.js';
import { MissedFlags } from './missed.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['blue'] };
const sue: Participant = { id: 'sue', name: 'Sue Super', role: 'supervisor', teams: ['blue'] };
const tom: Participant = { id: 'tom', name: 'Tom Tier', role: 'supervisor', teams: ['escalations'] };
const AFTER_MS = 1000;

describe('MissedFlags', () => {
  let now = 1_000_000;
  const config = { escalation: { afterMs: AFTER_MS, secondTierTeams: ['escalations'] } };
  const world = onHub(() => new MemoryHub({ tickMs: 0, now: () => now, config }));

  it('lists a flag lowered unanswered and one that escalated past the team, newest first; not answered or own lowers', async () => {
    const agent = await world.connect(ann);
    const sup = await world.connect(sue);
    const missed = new MissedFlags(sup);
    const lowered = (await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'gave up' })).flagId!;
    const answered = (await agent.raise({ interactionId: 'i-2', channel: 'voice', message: 'answered' })).flagId!;
    const mine = (await agent.raise({ interactionId: 'i-3', channel: 'voice', message: 'I lowered it' })).flagId!;
    await until(sup.$openFlags, (f) => f.length === 3);
    await sup.acknowledge(answered);
    await sup.lower(mine);
    await agent.lower(answered);
    await agent.lower(lowered);
    await until(missed.$missed, (m) => m.length === 1);
    const escalated = (await agent.raise({ interactionId: 'i-4', channel: 'voice', message: 'nobody came' })).flagId!;
    now += AFTER_MS;
    await world.hub.tick();
    const list = await until(missed.$missed, (m) => m.length === 2);
    expect(list.map((m) => [m.flag.id, m.cause])).to.deep.equal([
      [escalated, 'escalated'],
      [lowered, 'lowered'],
    ]);
    missed.clear();
    expect(missed.$missed.get()).to.deep.equal([]);
    missed.close();
  });

  it('counts an escalation past the second tier for the second tier, not for a supervisor who only sees it then', async () => {
    const agent = await world.connect(ann);
    const tier = await world.connect(tom);
    const other = await world.connect({ id: 'oz', name: 'Oz Other', role: 'supervisor', teams: ['green'] });
    const [tierMissed, otherMissed] = [new MissedFlags(tier), new MissedFlags(other)];
    const { flagId } = await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'up the chain' });
    now += AFTER_MS;
    await world.hub.tick();
    await until(tier.$openFlags, (f) => f.length === 1);
    expect(tierMissed.$missed.get(), 'tier 1 just got it').to.deep.equal([]);
    now += AFTER_MS;
    await world.hub.tick();
    await until(other.$openFlags, (f) => f.length === 1);
    await until(tierMissed.$missed, (m) => m.length === 1);
    expect(tierMissed.$missed.get()[0]!.flag.id).to.equal(flagId);
    expect(otherMissed.$missed.get()).to.deep.equal([]);
  });

  it('keeps at most `limit` entries, one per flag', async () => {
    const agent = await world.connect(ann);
    const sup = await world.connect(sue);
    const missed = new MissedFlags(sup, 3);
    for (let i = 0; i < 5; i++) {
      const { flagId } = await agent.raise({ interactionId: `i-${i}`, channel: 'voice', message: `m${i}` });
      await agent.lower(flagId!);
    }
    const list = await until(missed.$missed, (m) => m[0]?.flag.message === 'm4');
    expect(list.map((m) => m.flag.message)).to.deep.equal(['m4', 'm3', 'm2']);
  });
});
