/**
 * The client decides with the source of truth's rules: the welcome carries its configuration,
 * so a client created without the same settings still previews, offers and prunes as the
 * source of truth would. The host can only be stricter (fallback mode, legacy chat off, lower limits).
 */
import { expect } from '@open-wc/testing';
import { MemoryHub } from '../transports/memory.js';
import type { FlagConfigInput } from '../config.js';
import type { Participant } from '../model.js';
import { presentFlag } from '../present.js';
import { onHub, until } from '../../test/harness.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['blue'] };
const tia: Participant = { id: 'tia', name: 'Tia Tier-two', role: 'supervisor', teams: ['tier-2'] };

describe('the client follows the source of truth’s configuration', () => {
  let clock: number;
  const world = onHub(() => {
    clock = 1_000_000;
    return new MemoryHub({ tickMs: 0, now: () => clock, config: { escalation: { afterMs: 1000, secondTierTeams: ['tier-2'] }, limits: { reasonLength: 20 }, recentMs: 5000 } });
  });
  const connect = (p: Participant, config?: FlagConfigInput) => world.connect(p, config ? { config } : {});

  it('a second-tier supervisor can act on a flag that escalated to them, with no config of its own', async () => {
    const agent = await connect(ann);
    const tier2 = await connect(tia);
    const { flagId } = await agent.raise({ interactionId: 'call-1', channel: 'voice', message: 'help' });
    clock += 1000;
    await world.hub.tick();
    const flag = await until(tier2.flag(flagId!), (f) => f?.escalation === 1);
    expect([...presentFlag(flag!, tia, tier2.config).actions].sort()).to.deep.equal(['acknowledge', 'lower', 'send-message']);
    const result = await tier2.acknowledge(flagId!);
    expect(result.changed).to.equal(true);
  });

  it('holds lowered flags for the source of truth’s recentMs, not its own default', async () => {
    // The client's clock is the hub's; expiry runs on updates here (its timer never fires).
    const frozenTimers = { now: () => clock, setTimeout: () => 0, clearTimeout: () => {} };
    const agent = await world.connect(ann, { clock: frozenTimers });
    expect(agent.config.recentMs).to.equal(5000);
    const { flagId } = await agent.raise({ interactionId: 'call-1', channel: 'voice', message: 'help' });
    await agent.lower(flagId!);
    clock += 5001;
    await agent.raise({ interactionId: 'call-2', channel: 'voice', message: 'again' });
    expect(agent.$flags.get().has(flagId!)).to.equal(false);
  });

  it('keeps the host stricter where it asked: fallback mode, legacy chat off, lower limits', async () => {
    const strict = await connect(ann, { fallbackMode: true, limits: { reasonLength: 10 } });
    expect(strict.config.fallbackMode).to.equal(true);
    expect(strict.config.limits).to.deep.equal({ messageLength: 1000, reasonLength: 10, labelLength: 120 });
    const refused = await strict.raise({ interactionId: 'call-1', channel: 'voice', message: 'help' }).catch((e: unknown) => e);
    expect(refused).to.include({ code: 'fallback-mode' });

    // A host cannot widen what the source of truth accepts: its longer limit gives way.
    const loose = await connect(ann, { limits: { reasonLength: 500 }, legacyChatEnabled: true });
    expect(loose.config.limits.reasonLength).to.equal(20);
    expect(loose.config.legacyChatEnabled).to.equal(false);
    const tooLong = await loose.raise({ interactionId: 'call-2', channel: 'voice', message: 'help', reason: 'x'.repeat(21) }).catch((e: unknown) => e);
    expect(tooLong).to.include({ code: 'too-long' });
  });
});
