/**
 * A transfer by the host (the relay's service API assigns the interaction to another agent): the
 * flag moves to the new agent's client and leaves the old agent's, live as after a reload.
 */
import { expect } from '@open-wc/testing';
import { MemoryHub } from '../transports/memory.js';
import { onHub, until } from '../../test/harness.js';
import type { Participant } from '../model.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['blue'] };
const ben: Participant = { id: 'ben', name: 'Ben Agent', role: 'agent', teams: ['blue'] };
const crm = { id: 'crm', name: 'Acme CRM' };

describe('a flag transferred by the host', () => {
  const on = onHub(() => new MemoryHub());

  it('leaves the old agent’s client, reaches the new one’s, and a reloaded old agent agrees', async () => {
    const annClient = await on.connect(ann);
    const benClient = await on.connect(ben);
    const { flagId } = await annClient.raise({ interactionId: 'call-9', channel: 'voice', message: 'help' });
    const transferred: string[] = [];
    annClient.on('event', ({ event }) => event.type === 'assigned' && transferred.push(event.agent.id));
    const authority = await on.hub.ready;
    const outcome = await authority.executeService(crm, { id: 'assign-1', command: { type: 'assign', interactionId: 'call-9', agent: ben } });
    expect(outcome.ok).to.equal(true);
    await until(benClient.$myFlags, (flags) => flags.some((f) => f.id === flagId && f.agent.id === 'ben'));
    await until(annClient.$flags, (flags) => !flags.has(flagId!));
    expect(transferred).to.deep.equal(['ben'], 'the old agent was told whom it went to');
    // A reloaded client of Ann's holds what the live one does: the snapshot leaves the flag out.
    const reloaded = await on.connect(ann);
    expect(reloaded.$flags.get().has(flagId!)).to.equal(false);
    expect(annClient.$myFlags.get()).to.deep.equal([]);
  });
});
