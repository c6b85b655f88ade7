import { expect } from '@open-wc/testing';
import { createFlagClient } from '../client/client.js';
import type { FlagClient } from '../client/types.js';
import type { Participant } from '../model.js';
import { FlagError } from '../errors.js';
import { createBroadcastChannelTransport } from './broadcast-channel.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['blue'] };
const sue: Participant = { id: 'sue', name: 'Sue Super', role: 'supervisor', teams: ['blue'] };

function until<T>(store: { get(): T; subscribe(cb: (v: T) => void): () => void }, ok: (v: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const off = store.subscribe((v) => {
      if (ok(v)) {
        queueMicrotask(() => off());
        resolve(v);
      }
    });
  });
}

describe('broadcast-channel transport', () => {
  const clients: FlagClient[] = [];
  let channel: string;
  const tab = (p: Participant) => {
    const c = createFlagClient({ transport: createBroadcastChannelTransport({ participant: p, channel }), me: p });
    clients.push(c);
    return c;
  };
  beforeEach(() => {
    channel = `test-${crypto.randomUUID()}`;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await new Promise((r) => setTimeout(r, 0));
    indexedDB.deleteDatabase(`flagline:${channel}`);
  });

  it('refuses clearly where Web Locks are missing (pages that are not secure contexts)', () => {
    const own = Object.getOwnPropertyDescriptor(Navigator.prototype, 'locks')!;
    Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined, configurable: true });
    try {
      expect(() => createBroadcastChannelTransport({ participant: ann, channel })).to.throw(FlagError, /secure contexts/).with.property('code', 'invalid-input');
    } finally {
      Object.defineProperty(Navigator.prototype, 'locks', own);
    }
  });

  it('reports a tab that could not become the leader (its storage would not open) on the client', async () => {
    const open = IDBFactory.prototype.open;
    IDBFactory.prototype.open = () => {
      throw new DOMException('The user denied storage', 'SecurityError');
    };
    try {
      const client = createFlagClient({ transport: createBroadcastChannelTransport({ participant: ann, channel }), me: ann });
      clients.push(client);
      const { error } = await new Promise<{ error: FlagError }>((resolve) => client.on('error', resolve));
      expect(error).to.be.instanceOf(FlagError);
      expect(error).to.include({ code: 'internal' });
      expect(error.details).to.deep.equal({ source: 'leader' });
      expect(error.message).to.contain('The user denied storage');
    } finally {
      IDBFactory.prototype.open = open;
    }
  });

  it('carries a flag and its chat between tabs', async () => {
    const agent = tab(ann);
    const sup = tab(sue);
    await Promise.all([agent, sup].map((c) => until(c.$status, (s) => s === 'online')));
    const { flagId } = await agent.raise({ interactionId: 'call-1', channel: 'voice', message: 'help' });
    await until(sup.$openFlags, (f) => f.length === 1);
    await sup.acknowledge(flagId!);
    await sup.sendMessage(flagId!, 'on my way');
    const tl = await until(agent.timeline(flagId!), (t) => t.length === 3);
    expect(tl.map((i) => i.event.type)).to.deep.equal(['raised', 'acknowledged', 'message']);
  });

  it('survives the leader tab closing mid-conversation: nothing lost, nothing duplicated', async () => {
    const leaderTab = tab(ann); // first to connect: takes the leader lock
    await until(leaderTab.$status, (s) => s === 'online');
    const agent = tab(ann);
    const sup = tab(sue);
    await Promise.all([agent, sup].map((c) => until(c.$status, (s) => s === 'online')));
    const { flagId } = await agent.raise({ interactionId: 'call-1', channel: 'voice', message: 'help' });
    await until(sup.$flags, (m) => m.has(flagId!));
    // Close the leader and send at once: the messages wait and are resent to the next leader.
    leaderTab.close();
    const sent = Promise.all([agent.sendMessage(flagId!, 'one'), sup.sendMessage(flagId!, 'two'), agent.sendMessage(flagId!, 'three')]);
    await sent;
    const want = (t: readonly { event: { type: string } }[]) => t.filter((i) => i.event.type === 'message').length === 3;
    const a = await until(agent.timeline(flagId!), want);
    const s = await until(sup.timeline(flagId!), want);
    expect(a.map((i) => i.event.seq)).to.deep.equal([1, 2, 3, 4]);
    expect(s.map((i) => i.key)).to.deep.equal(a.map((i) => i.key));
  });

  it('restores state after every tab reloads, from IndexedDB', async () => {
    const first = tab(ann);
    await until(first.$status, (s) => s === 'online');
    const { flagId } = await first.raise({ interactionId: 'call-1', channel: 'voice', message: 'persist me' });
    first.close();
    clients.splice(0);
    const reloaded = tab(ann);
    const flags = await until(reloaded.$flags, (m) => m.has(flagId!));
    expect(flags.get(flagId!)!.message).to.equal('persist me');
  });

  it('keeps settings offline: a supervisor’s save reaches another tab live, a conflict is typed, and a reload loads it from IndexedDB', async () => {
    const sup = tab(sue);
    const agent = tab(ann);
    await Promise.all([sup, agent].map((c) => until(c.settings.$available, (a) => a)));
    await sup.saveSettings({ kind: 'team', team: 'blue' }, 'quickReasons', ['Refund'], 0);
    expect((await until(agent.settings.team('blue').quickReasons, (s) => s.version === 1)).value).to.deep.equal(['Refund']);
    const stale = await sup.saveSettings({ kind: 'team', team: 'blue' }, 'quickReasons', ['Other'], 0).catch((e: unknown) => e);
    expect((stale as FlagError).code).to.equal('conflict');
    for (const c of clients.splice(0)) c.close();
    const reloaded = tab(ann);
    expect((await until(reloaded.settings.team('blue').quickReasons, (s) => s.version === 1)).value).to.deep.equal(['Refund']);
  });
});
