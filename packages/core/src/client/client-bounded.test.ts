/**
 * A client over a whole shift: lowered flags leave after `recentMs` (what a fresh snapshot holds),
 * with their timelines and unread counts, and an update to one flag touches that flag's stores
 * only, however many flags came before. Time is a clock the test moves (the hub's Authority reads
 * it too), never a wait.
 */
import { expect } from '@open-wc/testing';
import type { ReadableAtom } from 'nanostores';
import { MemoryHub } from '../transports/memory.js';
import { onHub, until } from '../../test/harness.js';
import type { Flag, Participant } from '../model.js';
import type { FlagClient } from './types.js';
import { ManualClock } from '../../test/manual-clock.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['blue'] };
const sue: Participant = { id: 'sue', name: 'Sue Super', role: 'supervisor', teams: ['blue'] };
const RECENT_MS = 1000;

describe('a bounded client', () => {
  let clock: ManualClock;
  const world = onHub(() => {
    clock = new ManualClock();
    return new MemoryHub({ tickMs: 0, now: clock.now, config: { recentMs: RECENT_MS } });
  });
  const connect = (p: Participant) => world.connect(p, { clock, config: { recentMs: RECENT_MS } });
  /** Raise and lower one flag through the agent; resolves once `watcher` saw it lowered. */
  const cycle = async (agent: FlagClient, watcher: FlagClient, i: number) => {
    const { flagId } = await agent.raise({ interactionId: `call-${i}`, channel: 'voice', message: `help ${i}` });
    await agent.lower(flagId!);
    await until(watcher.flag(flagId!), (f) => f?.status === 'lowered');
    return flagId!;
  };

  it('lets a lowered flag go recentMs after it was lowered, with its timeline; its unread count goes when it is lowered', async () => {
    const agent = await connect(ann);
    const sup = await connect(sue);
    const { flagId } = await agent.raise({ interactionId: 'call-1', channel: 'voice', message: 'help' });
    await until(sup.flag(flagId!), (f) => f !== undefined);
    await sup.sendMessage(flagId!, 'on my way');
    await until(agent.$unread, (u) => u.get(flagId!) === 1);
    const timeline = agent.timeline(flagId!);
    const seenTimeline: number[] = [];
    const stop = timeline.subscribe((items) => seenTimeline.push(items.length));
    const byInteraction = agent.flagFor('call-1');
    const stopFor = byInteraction.listen(() => {});
    await agent.lower(flagId!);
    await until(sup.flag(flagId!), (f) => f?.status === 'lowered');

    clock.advance(RECENT_MS);
    // A snapshot taken now still holds it (lowered exactly recentMs ago): so does the client.
    expect(agent.$flags.get().get(flagId!)?.status).to.equal('lowered');
    expect(sup.$flags.get().has(flagId!)).to.equal(true);
    expect(agent.$myFlags.get().map((f) => f.id)).to.deep.equal([flagId]);
    expect(timeline.get().map((i) => i.event.type)).to.deep.equal(['raised', 'message', 'lowered']);
    // Unread counts are for open flags (what badges show): the lowered flag's is gone already.
    expect(agent.$unread.get().has(flagId!)).to.equal(false);

    clock.advance(1);
    for (const client of [agent, sup]) {
      expect(client.$flags.get().has(flagId!)).to.equal(false);
      expect(client.flag(flagId!).get()).to.equal(undefined);
    }
    expect(agent.$myFlags.get()).to.deep.equal([]);
    expect(agent.$unread.get().has(flagId!)).to.equal(false);
    expect(byInteraction.get()).to.equal(undefined);
    expect(timeline.get()).to.deep.equal([]);
    expect(seenTimeline.at(-1)).to.equal(0);
    stop();
    stopFor();
  });

  it('lets flags that expire together go in one update of each list', async () => {
    const agent = await connect(ann);
    const sup = await connect(sue);
    for (let i = 0; i < 50; i++) await cycle(agent, sup, i);
    expect(agent.$myFlags.get()).to.have.length(50);
    let updates = 0;
    const stop = agent.$myFlags.listen(() => updates++);
    clock.advance(RECENT_MS + 1);
    expect(agent.$myFlags.get()).to.deep.equal([]);
    expect(updates).to.equal(1);
    stop();
  });

  it('holds exactly the flags a freshly loaded client holds, at every moment of a shift', async () => {
    const agent = await connect(ann);
    const sup = await connect(sue);
    const open: string[] = [];
    for (let i = 0; i < 30; i++) {
      if (i % 3 === 0) {
        const { flagId } = await agent.raise({ interactionId: `open-${i}`, channel: 'voice', message: 'still open' });
        open.push(flagId!);
      } else {
        await cycle(agent, sup, i);
      }
      clock.advance(150);
      if (i % 10 !== 9) continue;
      const reloaded = await connect(sue);
      await until(reloaded.$flags, (m) => open.every((id) => m.has(id)));
      const live = sup.$flags.get();
      const fresh = reloaded.$flags.get();
      expect([...live.keys()].sort(), `after ${i + 1} flags`).to.deep.equal([...fresh.keys()].sort());
      for (const [id, flag] of fresh) expect(live.get(id)).to.deep.equal(flag);
      expect(live.size).to.be.lessThan(open.length + RECENT_MS / 150 + 1);
    }
  });

  it('does the same work for an update after 5,000 flags as after the first', async function () {
    this.timeout(60_000);
    const agent = await connect(ann);
    const sup = await connect(sue);
    // What a wallboard listens to: the lists, the counts, and a few flags' own stores.
    const notified = new Map<string, number>();
    const watch = (name: string, store: ReadableAtom<unknown>) => store.listen(() => notified.set(name, (notified.get(name) ?? 0) + 1));
    const { flagId: watched } = await agent.raise({ interactionId: 'watched', channel: 'voice', message: 'a flag on screen' });
    const { flagId: other } = await agent.raise({ interactionId: 'other', channel: 'voice', message: 'another flag on screen' });
    await until(sup.$openFlags, (f) => f.length === 2);
    const stops = [
      watch('$openFlags', sup.$openFlags),
      watch('$unread', sup.$unread),
      watch('$busy', sup.$busy),
      watch('flag(watched)', sup.flag(watched!)),
      watch('timeline(watched)', sup.timeline(watched!)),
      watch('flag(other)', sup.flag(other!)),
      watch('timeline(other)', sup.timeline(other!)),
      watch('flagFor(other)', sup.flagFor('other')),
    ];
    /** The stores one message from the agent on the watched flag notifies. */
    const oneUpdate = async () => {
      notified.clear();
      const { commandId } = await agent.sendMessage(watched!, 'still there?');
      await until(sup.timeline(watched!), (t) => t.some((i) => i.event.type === 'message' && i.event.clientId === commandId));
      return Object.fromEntries([...notified].sort());
    };
    await cycle(agent, sup, -1);
    const first = await oneUpdate();

    for (let i = 0; i < 5000; i++) {
      await cycle(agent, sup, i);
      clock.advance(5);
    }
    const after = await oneUpdate();
    expect(after).to.deep.equal(first);
    expect(after['flag(other)'] ?? 0).to.equal(0);
    expect(after['timeline(other)'] ?? 0).to.equal(0);
    expect(after['flagFor(other)'] ?? 0).to.equal(0);
    // Only the flags of the last recentMs are still held, with the two open ones.
    const held = sup.$flags.get();
    expect(held.size).to.be.at.most(2 + RECENT_MS / 5 + 1);
    expect([...held.values()].filter((f: Flag) => f.status !== 'lowered').map((f) => f.id).sort()).to.deep.equal([watched, other].sort());
    for (const stop of stops) stop();
  });
});
