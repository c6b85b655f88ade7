import { expect } from '@esm-bundle/chai';
import type { Command } from '../commands.js';
import { FlagError } from '../errors.js';
import { reduceEvents } from '../machine.js';
import type { Participant } from '../model.js';
import { decodeClientFrame } from '../protocol.js';
import { Authority } from './authority.js';
import { READS_BURST, READS_PER_SECOND } from './read-budget.js';
import { MemoryStorage } from './storage.js';

const ann: Participant = { id: 'ann', name: 'Ann', role: 'agent', teams: ['team-a'] };
const ben: Participant = { id: 'ben', name: 'Ben', role: 'agent', teams: ['team-b'] };
const sue: Participant = { id: 'sue', name: 'Sue', role: 'supervisor', teams: ['team-a'] };
const tom: Participant = { id: 'tom', name: 'Tom', role: 'supervisor', teams: ['team-b'] };

describe('Authority history of lowered flags', () => {
  let now = 1_000_000;
  let authority: Authority;
  let n = 0;
  const run = async (actor: Participant, command: Command) => {
    const outcome = await authority.execute(actor, { id: `c${++n}`, command });
    if (!outcome.ok) throw FlagError.from(outcome.error);
    return outcome;
  };
  /** Raise, optionally acknowledge, then lower a flag; each step one second apart. */
  const lifecycle = async (agent: Participant, supervisor: Participant | null, interactionId: string, reason?: string) => {
    const { flagId } = await run(agent, { type: 'raise', interactionId, channel: 'voice', message: `help ${interactionId}`, ...(reason ? { reason } : {}) });
    now += 1000;
    if (supervisor) await run(supervisor, { type: 'acknowledge', flagId: flagId! });
    now += 1000;
    await run(supervisor ?? agent, { type: 'lower', flagId: flagId! });
    now += 1000;
    return flagId!;
  };
  const ids = (page: { flags: import('../model.js').FlagEvent[][] }) => page.flags.map((events) => reduceEvents(events)!.interactionId);

  beforeEach(async () => {
    now = 1_000_000;
    authority = await Authority.open({ storage: new MemoryStorage(), now: () => now, config: { recentMs: 10_000 }, historyRetentionMs: 10_000 });
  });
  afterEach(() => authority.close());

  it('gives a supervisor only their teams’ lowered flags and an agent only theirs, newest first', async () => {
    await lifecycle(ann, sue, 'a1');
    await lifecycle(ben, tom, 'b1');
    await lifecycle(ann, null, 'a2');
    await run(ann, { type: 'raise', interactionId: 'a3-open', channel: 'voice', message: 'still open' });
    expect(ids(await authority.historyPage(sue, {}))).to.deep.equal(['a2', 'a1']);
    expect(ids(await authority.historyPage(tom, {}))).to.deep.equal(['b1']);
    expect(ids(await authority.historyPage(ann, {}))).to.deep.equal(['a2', 'a1']);
    expect(ids(await authority.historyPage(ben, {}))).to.deep.equal(['b1']);
    expect(ids(await authority.historyPage(tom, { team: 'team-a' }))).to.deep.equal([]);
    const first = await authority.historyPage(sue, { limit: 1 });
    expect(ids(first)).to.deep.equal(['a2']);
    expect(ids(await authority.historyPage(sue, { limit: 1, cursor: first.next! }))).to.deep.equal(['a1']);
  });

  it('carries every event of a flag, its private messages included', async () => {
    const { flagId } = await run(ann, { type: 'raise', interactionId: 'm', channel: 'voice', message: 'help' });
    await run(sue, { type: 'send-message', flagId: flagId!, text: '<b>on my way</b>' });
    await run(sue, { type: 'lower', flagId: flagId! });
    const [events] = (await authority.historyPage(ann, {})).flags;
    expect(events!.map((e) => e.type)).to.deep.equal(['raised', 'message', 'lowered']);
    expect(events![1]).to.include({ text: '<b>on my way</b>' });
  });

  it('pages with a cursor, in memory and past it from storage', async () => {
    for (const i of [1, 2, 3, 4, 5]) await lifecycle(ann, sue, `p${i}`);
    now += 60_000;
    await run(ann, { type: 'raise', interactionId: 'later', channel: 'voice', message: 'x' }); // lets the oldest leave memory
    expect(authority.retainedHistories).to.equal(1);
    await lifecycle(ann, sue, 'p6');
    const first = await authority.historyPage(sue, { limit: 2 });
    expect(ids(first)).to.deep.equal(['p6', 'p5']);
    const second = await authority.historyPage(sue, { limit: 2, cursor: first.next! });
    expect(ids(second)).to.deep.equal(['p4', 'p3']);
    const third = await authority.historyPage(sue, { limit: 2, cursor: second.next! });
    expect(ids(third)).to.deep.equal(['p2', 'p1']);
    const last = await authority.historyPage(sue, { limit: 2, cursor: third.next! });
    expect(last).to.deep.equal({ flags: [], next: null });
  });

  it('filters by team, agent, supervisor, reason and time lowered', async () => {
    const sam: Participant = { id: 'sam', name: 'Sam', role: 'supervisor', teams: ['team-a'] };
    await lifecycle(ann, sue, 'r1', 'billing');
    const mid = now;
    await lifecycle(ann, sam, 'r2', 'refund');
    await lifecycle(ann, sue, 'r3', 'billing');
    expect(ids(await authority.historyPage(sue, { supervisor: 'sam' }))).to.deep.equal(['r2']);
    expect(ids(await authority.historyPage(sue, { reason: 'billing' }))).to.deep.equal(['r3', 'r1']);
    expect(ids(await authority.historyPage(sue, { agent: 'ann', team: 'team-a', since: mid }))).to.deep.equal(['r3', 'r2']);
    expect(ids(await authority.historyPage(sue, { until: mid }))).to.deep.equal(['r1']);
    expect(ids(await authority.historyPage(sue, { agent: 'ben' }))).to.deep.equal([]);
  });

  it('budgets the stored flags one participant’s pages read: past it a page is refused with a retry hint, others read on', async () => {
    // Ben's flags, all out of memory: Ann (an agent of another team) may see none of them, yet each page reads them.
    for (let i = 0; i < READS_BURST + 100; i++) {
      const { flagId } = await run(ben, { type: 'raise', interactionId: `b${i}`, channel: 'voice', message: 'help' });
      await run(ben, { type: 'lower', flagId: flagId! });
    }
    now += 60_000;
    await run(ann, { type: 'raise', interactionId: 'later', channel: 'voice', message: 'x' }); // lets them leave memory
    // Two pages read HISTORY_SCAN_MAX (2,000) each, finding nothing: the whole burst.
    const first = await authority.historyPage(ann, {});
    const page = await authority.historyPage(ann, { cursor: first.next! });
    expect([...first.flags, ...page.flags]).to.deep.equal([]);
    const refused = await authority.historyPage(ann, { cursor: page.next! }).then(
      () => undefined,
      (err: unknown) => err as FlagError,
    );
    expect(refused).to.be.instanceOf(FlagError);
    expect(refused!.code).to.equal('rate-limited');
    expect(refused!.details?.retryAfterMs).to.equal(1000 / READS_PER_SECOND);
    // Someone else's budget is their own; and Ann's refills with time.
    expect(ids(await authority.historyPage(tom, { limit: 1 }))).to.deep.equal([`b${READS_BURST + 99}`]);
    now += 1_000;
    expect(await authority.historyPage(ann, { cursor: page.next! })).to.deep.equal({ flags: [], next: null }); // the last 100
  });

  it('refuses a page larger than the limit at the frame boundary', () => {
    expect(() => decodeClientFrame(JSON.stringify({ v: 1, t: 'lowered', rid: 'r', query: { limit: 101 } }))).to.throw(FlagError, /limit/);
    expect(() => decodeClientFrame(JSON.stringify({ v: 1, t: 'lowered', rid: 'r', query: { cursor: 'x' } }))).to.throw(FlagError, /cursor/);
    expect(decodeClientFrame(JSON.stringify({ v: 1, t: 'lowered', rid: 'r', query: { limit: 100 } }))).to.deep.include({ t: 'lowered' });
  });
});
