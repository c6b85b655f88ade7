/**
 * Resuming replays exactly the events a participant may see after their resume point, whatever
 * happened: agents raising, writing and lowering, interactions assigned from one agent to
 * another, restarts from checkpoints. Agents are answered without walking the replay window when
 * nothing of theirs is past their point (the Authority's agent horizons), so this checks that
 * shortcut against the rule itself (canSee: an agent sees their own flags, and the assignment that
 * took one away), at every resume point, for every agent.
 */
import { expect } from '@esm-bundle/chai';
import fc from 'fast-check';
import type { Command } from '../commands.js';
import type { Participant, PositionedEvent, ServiceRef } from '../model.js';
import { Authority } from './authority.js';
import { MemoryStorage } from './storage.js';

const AGENTS: Participant[] = ['ann', 'bob', 'cat'].map((id) => ({ id, name: id.toUpperCase(), role: 'agent', teams: ['team-a'] }));
const sue: Participant = { id: 'sue', name: 'Sue Supervisor', role: 'supervisor', teams: ['team-a'] };
const crm: ServiceRef = { id: 'crm', name: 'Acme CRM' };

type Action =
  | { kind: 'raise' | 'message' | 'lower'; agent: number; call: number }
  | { kind: 'assign'; agent: number; call: number }
  | { kind: 'restart' };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constantFrom('raise' as const, 'message' as const, 'lower' as const), agent: fc.nat(2), call: fc.nat(3) }),
  fc.record({ kind: fc.constant('assign' as const), agent: fc.nat(2), call: fc.nat(3) }),
  fc.record({ kind: fc.constant('restart' as const) }),
);

describe('Authority: replay after a resume point', () => {
  it('gives every agent, at every resume point, exactly the events they may see (restarts and assignments included)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 30 }), async (actions) => {
        const storage = new MemoryStorage();
        const assignments = new Map<string, string>();
        const open = () => Authority.open({ storage, assignments, checkpointEvery: { events: 4, ms: 1e9 } });
        let authority = await open();
        // Every event, as the team's supervisor sees them all.
        const all: PositionedEvent[] = [];
        const watch = () => authority.subscribe(sue, (pe) => all.push(pe));
        watch();
        let n = 0;
        for (const a of actions) {
          const call = `call-${a.kind === 'restart' ? 0 : a.call}`;
          if (a.kind === 'restart') {
            await authority.close();
            authority = await open();
            watch();
          } else if (a.kind === 'assign') {
            assignments.set(call, AGENTS[a.agent]!.id);
            await authority.executeService(crm, { id: `s-${++n}`, command: { type: 'assign', interactionId: call, agent: AGENTS[a.agent]! } });
          } else {
            const agent = AGENTS[a.agent]!;
            const open = authority.openFlagFor(call);
            const command: Command | null =
              a.kind === 'raise'
                ? { type: 'raise', interactionId: call, channel: 'voice', message: 'help' }
                : open
                  ? a.kind === 'message'
                    ? { type: 'send-message', flagId: open.id, text: 'x' }
                    : { type: 'lower', flagId: open.id }
                  : null;
            if (command) await authority.execute(agent, { id: `c-${++n}`, command });
          }
        }
        const epoch = authority.epoch;
        for (const agent of AGENTS)
          for (let pos = 0; pos <= authority.pos; pos++) {
            const expected = all.filter(({ pos: p, event }) => {
              if (p <= pos) return false;
              const flag = authority.flag(event.flagId);
              return flag?.agent.id === agent.id || (event.type === 'assigned' && event.from.id === agent.id);
            });
            expect(authority.replay(agent, { epoch, pos })?.map((pe) => pe.pos), `${agent.id} from ${pos}`).to.deep.equal(expected.map((pe) => pe.pos));
          }
        await authority.close();
      }),
      { numRuns: 150 },
    );
  });
});
