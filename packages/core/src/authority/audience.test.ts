import { expect } from '@esm-bundle/chai';
import fc from 'fast-check';
import { resolveConfig } from '../config.js';
import type { Flag, FlagEvent, Participant } from '../model.js';
import { canSee } from '../rules.js';
import { Audience, type Subscriber } from './audience.js';

const TEAMS = ['a', 'b', 'c', 'tier2'];
const config = resolveConfig({ escalation: { secondTierTeams: ['tier2'] } });

const participant: fc.Arbitrary<Participant> = fc.record({
  id: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5'),
  name: fc.constant('Someone'),
  role: fc.constantFrom('agent' as const, 'supervisor' as const),
  teams: fc.subarray(TEAMS),
});

const flag: fc.Arbitrary<Flag> = fc.record({
  agentId: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5'),
  team: fc.constantFrom(...TEAMS),
  escalation: fc.constantFrom(0 as const, 1 as const, 2 as const),
}).map(({ agentId, team, escalation }) => ({
  id: 'f',
  interactionId: 'i',
  channel: 'voice',
  customerLabel: '',
  team,
  agent: { id: agentId, name: 'Agent', role: 'agent' },
  message: 'help',
  severity: 'normal',
  status: 'raised',
  raisedAt: 0,
  escalation,
  join: 'none',
  seq: 1,
}));

/** A plain event of the flag (the index looks only at transfers). */
const event: FlagEvent = { type: 'acknowledged', flagId: 'f', seq: 2, at: 0, actor: { id: 'sup', name: 'S', role: 'supervisor' } };

describe('Audience: the fan-out index', () => {
  it('offers every event to everyone canSee lets see it, each once (property)', () => {
    fc.assert(
      fc.property(fc.array(participant, { maxLength: 12 }), fc.array(flag, { minLength: 1, maxLength: 6 }), fc.nat(), (actors, flags, dropSeed) => {
        const audience = new Audience();
        const subs: Subscriber[] = actors.map((actor) => ({ actor, listener: () => {} }));
        const leaves = subs.map((s) => audience.add(s));
        // Some leave again: they must never be offered anything.
        const gone = new Set(subs.filter((_, i) => (dropSeed >> i) & 1));
        subs.forEach((s, i) => gone.has(s) && leaves[i]!());
        for (const f of flags) {
          const offered = [...audience.candidates(f, event)];
          expect(new Set(offered).size).to.equal(offered.length, 'no one twice');
          for (const s of offered) expect(gone.has(s)).to.equal(false, 'no one who left');
          const allowed = subs.filter((s) => !gone.has(s) && canSee(s.actor, f, config));
          for (const s of allowed) expect(offered).to.include(s);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('offers an unescalated flag to its agent and its team only, not to every connection', () => {
    const audience = new Audience();
    const many = Array.from({ length: 500 }, (_, i): Subscriber => ({ actor: { id: `s${i}`, name: 'S', role: 'supervisor', teams: ['other'] }, listener: () => {} }));
    for (const s of many) audience.add(s);
    const mine: Subscriber = { actor: { id: 'sup', name: 'S', role: 'supervisor', teams: ['a'] }, listener: () => {} };
    const agent: Subscriber = { actor: { id: 'p1', name: 'A', role: 'agent', teams: ['a'] }, listener: () => {} };
    audience.add(mine);
    audience.add(agent);
    const f = fc.sample(flag, { numRuns: 1, seed: 3 })[0]!;
    expect([...audience.candidates({ ...f, agent: { id: 'p1', name: 'A', role: 'agent' }, team: 'a', escalation: 0 }, event)]).to.deep.equal([agent, mine]);
  });

  it('lets a subscription leave after the Authority cleared the index (a relay shutting down)', () => {
    const audience = new Audience();
    const sup: Subscriber = { actor: { id: 'sup', name: 'S', role: 'supervisor', teams: ['a'] }, listener: () => {} };
    const leave = audience.add(sup);
    audience.clear();
    expect(() => leave()).not.to.throw();
    expect(audience.participant('sup')).to.equal(undefined);
  });
});
