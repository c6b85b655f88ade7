/**
 * Offer routing at the source of truth: presence from sessions, statuses from `set-status`,
 * offers and their expiry from the tick (a fake clock), and a property: whatever supervisors
 * do, every flag ends acknowledged, lowered, opened to its team or escalated — never stuck on
 * an offer to nobody.
 */
import { expect } from '@esm-bundle/chai';
import fc from 'fast-check';
import type { Command, Outcome } from '../commands.js';
import type { Participant, PresenceView, SupervisorStatus } from '../model.js';
import { Authority } from './authority.js';
import { MemoryStorage } from './storage.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['billing'] };
const sam: Participant = { id: 'sam', name: 'Sam Supervisor', role: 'supervisor', teams: ['billing'] };
const nia: Participant = { id: 'nia', name: 'Nia Supervisor', role: 'supervisor', teams: ['billing'] };
const ola: Participant = { id: 'ola', name: 'Ola Supervisor', role: 'supervisor', teams: ['billing'] };
const OFFER_MS = 10_000;
const ESCALATE_MS = 30_000;

async function open(presenceSettleMs = 0) {
  const clock = { now: 1_000 };
  const authority = await Authority.open({
    presenceSettleMs,
    storage: new MemoryStorage(),
    now: () => clock.now,
    config: { escalation: { afterMs: ESCALATE_MS }, routing: { billing: { mode: 'offer', offerMs: OFFER_MS, maxPerSupervisor: 1 } } },
  });
  let n = 0;
  const run = (p: Participant, command: Command): Promise<Outcome> => authority.execute(p, { id: `c${++n}`, command });
  const views = new Map<string, PresenceView[]>();
  /** A session of `p`: online until the returned function is called. */
  const connect = (p: Participant) => authority.presence(p, (view) => views.set(p.id, [...(views.get(p.id) ?? []), view]));
  return { authority, clock, run, connect, views };
}

const last = <T>(list: T[] | undefined): T | undefined => list?.[list.length - 1];

describe('offer routing at the authority', () => {
  it('offers to an online supervisor, skips one who set busy, and moves on when the offer runs out', async () => {
    const { authority, clock, run, connect } = await open();
    connect(sam);
    connect(nia);
    expect(await run(nia, { type: 'set-status', status: 'busy' })).to.include({ ok: true });
    const raised = await run(ann, { type: 'raise', interactionId: 'i1', channel: 'voice', message: 'help' });
    const flagId = (raised as { flagId: string }).flagId;
    expect(authority.flag(flagId)?.offer?.to.id, 'Nia is busy').to.equal('sam');
    clock.now += OFFER_MS;
    await authority.tick();
    expect(authority.flag(flagId)?.offer, 'nobody else available').to.equal(undefined);
    expect(authority.flag(flagId)?.teamSince).to.equal(clock.now);
    expect(await run(nia, { type: 'acknowledge', flagId })).to.include({ ok: true });
  });

  it('spreads simultaneous flags by load and respects the cap', async () => {
    const { authority, run, connect } = await open();
    connect(sam);
    connect(nia);
    const ids: string[] = [];
    for (const i of ['i1', 'i2', 'i3']) ids.push(((await run(ann, { type: 'raise', interactionId: i, channel: 'voice', message: 'help' })) as { flagId: string }).flagId);
    const offers = ids.map((id) => authority.flag(id)?.offer?.to.id ?? 'team');
    expect(offers).to.deep.equal(['nia', 'sam', 'team']);
  });

  it('with a settle time, tells a team of sessions coming and going once, and a status at once', async () => {
    const { run, authority } = await open(20);
    const told: PresenceView[] = [];
    let onTold = () => {};
    const toldAgain = () => new Promise<void>((resolve) => (onTold = resolve));
    authority.presence(ann, (view) => {
      told.push(view);
      onTold();
    });
    expect(told).to.deep.equal([{ available: { billing: 0 } }], 'told at once when it starts watching');
    const views = new Map<string, PresenceView>();
    const leaves = [sam, nia, ola].map((p) => authority.presence(p, (view) => views.set(p.id, view)));
    expect(told.length, 'not yet: the sessions settle first').to.equal(1);
    await toldAgain();
    expect(told).to.deep.equal([{ available: { billing: 0 } }, { available: { billing: 3 } }], 'three supervisors back, told once');
    await run(sam, { type: 'set-status', status: 'away' });
    expect(told.at(-1), 'a status is told at once').to.deep.equal({ available: { billing: 2 } });
    expect(views.get('sam')).to.deep.equal({ available: { billing: 2 }, status: 'away' });
    leaves.forEach((leave) => leave());
    await toldAgain();
    expect(told.slice(3), 'three leaving, told once').to.deep.equal([{ available: { billing: 0 } }]);
  });

  it('tells agents how many supervisors of their team are available and supervisors their own status', async () => {
    const { run, connect, views } = await open();
    connect(ann);
    expect(last(views.get('ann'))).to.deep.equal({ available: { billing: 0 } });
    const leave = connect(sam);
    expect(last(views.get('ann'))).to.deep.equal({ available: { billing: 1 } });
    expect(last(views.get('sam'))).to.deep.equal({ available: { billing: 1 }, status: 'available' });
    await run(sam, { type: 'set-status', status: 'away' });
    expect(last(views.get('ann'))).to.deep.equal({ available: { billing: 0 } });
    expect(last(views.get('sam'))).to.deep.equal({ available: { billing: 0 }, status: 'away' });
    leave();
    const again = connect(sam);
    expect(last(views.get('sam'))?.status, 'a status outlives a reload').to.equal('away');
    again();
    expect((await run(ann, { type: 'set-status', status: 'busy' })).ok, 'agents have no status').to.equal(false);
  });

  it('re-offers at once when the offered supervisor goes away, on the next tick', async () => {
    const { authority, run, connect } = await open();
    connect(sam);
    connect(nia);
    const { flagId } = (await run(ann, { type: 'raise', interactionId: 'i1', channel: 'voice', message: 'help' })) as { flagId: string };
    const first = authority.flag(flagId)!.offer!.to;
    await run(first.id === 'sam' ? sam : nia, { type: 'set-status', status: 'away' });
    await authority.tick();
    expect(authority.flag(flagId)?.offer?.to.id).to.equal(first.id === 'sam' ? 'nia' : 'sam');
  });

  it('property: every flag ends acknowledged, lowered, open to its team or escalated', async () => {
    const SUPERVISORS = [sam, nia, ola];
    const action = fc.oneof(
      fc.record({ kind: fc.constant('raise' as const), i: fc.nat(5) }),
      fc.record({ kind: fc.constant('status' as const), who: fc.nat(2), status: fc.constantFrom<SupervisorStatus>('available', 'busy', 'away') }),
      fc.record({ kind: fc.constant('presence' as const), who: fc.nat(2) }),
      fc.record({ kind: fc.constant('ack' as const), who: fc.nat(2), flag: fc.nat(10) }),
      fc.record({ kind: fc.constant('lower' as const), flag: fc.nat(10) }),
      fc.record({ kind: fc.constant('clock' as const), ms: fc.constantFrom(1_000, 5_000, OFFER_MS) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 40 }), async (actions) => {
        const { authority, clock, run, connect } = await open();
        const sessions = new Map<string, () => void>();
        const flags: string[] = [];
        const offeredOffline: string[] = [];
        // An offer only ever goes to someone online when it is made.
        authority.subscribe({ ...sam, id: 'observer' }, ({ event }) => {
          if (event.type === 'offered' && !sessions.has(event.to.id)) offeredOffline.push(event.to.id);
        });
        for (const a of actions) {
          if (a.kind === 'raise') {
            const o = await run(ann, { type: 'raise', interactionId: `i${a.i}`, channel: 'voice', message: 'help' });
            if (o.ok && o.changed) flags.push(o.flagId!);
          } else if (a.kind === 'status') await run(SUPERVISORS[a.who]!, { type: 'set-status', status: a.status });
          else if (a.kind === 'presence') {
            const p = SUPERVISORS[a.who]!;
            const leave = sessions.get(p.id);
            if (leave) {
              leave();
              sessions.delete(p.id);
            } else sessions.set(p.id, connect(p));
          } else if (a.kind === 'ack' && flags.length) await run(SUPERVISORS[a.who]!, { type: 'acknowledge', flagId: flags[a.flag % flags.length]! });
          else if (a.kind === 'lower' && flags.length) await run(ann, { type: 'lower', flagId: flags[a.flag % flags.length]! });
          else if (a.kind === 'clock') {
            clock.now += a.ms;
            await authority.tick();
          }
        }
        // Time passes with nobody doing anything: at most one offer per supervisor, then the team.
        for (let i = 0; i <= SUPERVISORS.length; i++) {
          clock.now += OFFER_MS;
          await authority.tick();
        }
        expect(offeredOffline, 'offered to someone offline').to.deep.equal([]);
        for (const f of flags) {
          const flag = authority.flag(f)!;
          const settled = flag.status !== 'raised' || flag.teamSince !== undefined || flag.escalation > 0;
          expect(settled, `flag ${f} is stuck: ${JSON.stringify(flag)}`).to.equal(true);
          expect(flag.offer === undefined || flag.status !== 'raised', 'no offer pending after the round').to.equal(true);
          const offered = flag.offeredTo ?? [];
          expect(new Set(offered).size, 'each supervisor is offered a flag once').to.equal(offered.length);
        }
        await authority.close();
      }),
      { numRuns: 60 },
    );
  });
});
