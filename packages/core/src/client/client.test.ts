import { expect } from '@open-wc/testing';
import { createFlagClient } from './client.js';
import { MemoryHub } from '../transports/memory.js';
import type { Participant } from '../model.js';
import type { FlagContext } from '../context.js';
import type { FlagClient } from './types.js';
import type { Transport } from '../transport.js';
import type { TranscriptEntry } from '../transcript.js';
import { FlagError } from '../errors.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['blue'] };
const bob: Participant = { id: 'bob', name: 'Bob Agent', role: 'agent', teams: ['green'] };
const sue: Participant = { id: 'sue', name: 'Sue Super', role: 'supervisor', teams: ['blue'] };
const sam: Participant = { id: 'sam', name: 'Sam Super', role: 'supervisor', teams: ['blue'] };

/** Resolves once a store's value satisfies the predicate (stores update asynchronously over the hub). */
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

/** Ann's hub transport with its `execute` replaced (the rest delegates to the hub's). */
function withExecute(base: Transport, execute: Transport['execute']): Transport {
  return Object.assign(Object.create(base) as Transport, {
    connect: base.connect.bind(base),
    history: base.history.bind(base),
    snapshot: base.snapshot.bind(base),
    close: base.close.bind(base),
    execute,
  });
}

describe('createFlagClient over the memory hub', () => {
  let hub: MemoryHub;
  const clients: FlagClient[] = [];
  const connect = (p: Participant, extra: Partial<Parameters<typeof createFlagClient>[0]> = {}) => {
    const c = createFlagClient({ transport: hub.transport(p), me: p, ...extra });
    clients.push(c);
    return c;
  };
  beforeEach(() => {
    hub = new MemoryHub({ tickMs: 0 });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await hub.close();
  });

  it('plays the whole story between an agent and a supervisor', async () => {
    const entries: TranscriptEntry[] = [];
    const agent = connect(ann, { transcriptSink: { append: (e) => void entries.push(e) } });
    const sup = connect(sue);
    await until(agent.$status, (s) => s === 'online');
    await until(sup.$status, (s) => s === 'online');

    const raised = await agent.raise({ interactionId: 'call-1', channel: 'voice', customerLabel: 'Jo', message: 'Help please', severity: 'urgent' });
    expect(raised.flag?.status).to.equal('raised');
    const flagId = raised.flagId!;
    const seen = await until(sup.$openFlags, (f) => f.length === 1);
    expect(seen[0]!.message).to.equal('Help please');

    await sup.acknowledge(flagId);
    const acked = await until(agent.$flags, (m) => m.get(flagId)?.status === 'acknowledged');
    expect(acked.get(flagId)!.acknowledgedBy!.name).to.equal('Sue Super');

    await agent.sendMessage(flagId, 'Customer wants a refund');
    await sup.sendMessage(flagId, 'Offer 10%');
    await until(agent.timeline(flagId), (t) => t.some((i) => i.event.type === 'message' && i.event.actor.id === 'sue'));
    expect(agent.$unread.get().get(flagId)).to.equal(1);
    agent.markRead(flagId);
    expect(agent.$unread.get().has(flagId)).to.equal(false);

    await agent.requestJoin(flagId);
    await sup.acceptJoin(flagId);
    await sup.lower(flagId, 'resolved');
    const lowered = await until(agent.$flags, (m) => m.get(flagId)?.status === 'lowered');
    expect(lowered.get(flagId)!.lowered).to.include({ cause: 'supervisor', reason: 'resolved' });

    await until({ get: () => entries, subscribe: (cb) => { const t = setInterval(() => cb(entries), 5); return () => clearInterval(t); } }, (e) => e.length === 7);
    expect(entries.map((e) => e.type)).to.deep.equal(['raised', 'acknowledged', 'message', 'message', 'join-requested', 'join-accepted', 'lowered']);
    expect(entries.map((e) => e.id)).to.deep.equal([1, 2, 3, 4, 5, 6, 7].map((n) => `${flagId}:${n}`));
  });

  it('shows a raise optimistically and rolls it back visibly when the source of truth refuses', async () => {
    const agent = connect(ann);
    await until(agent.$status, (s) => s === 'online');
    await agent.raise({ interactionId: 'i1', channel: 'voice', message: 'first' });
    // A second agent's client with a stale view raises on the same interaction id: refused.
    const other = connect(bob);
    await until(other.$status, (s) => s === 'online');
    const errors: FlagError[] = [];
    other.on('error', ({ error }) => errors.push(error));
    const attempt = other.raise({ interactionId: 'i1', channel: 'voice', message: 'mine?' });
    expect(other.$myFlags.get().length).to.equal(1);
    const err = await attempt.then(() => null, (e: FlagError) => e);
    expect(err?.code).to.equal('not-allowed');
    expect(other.$myFlags.get().length).to.equal(0);
    expect(errors.map((e) => e.code)).to.deep.equal(['not-allowed']);
  });

  it('rejects locally, with the stable code, what no source of truth would accept', async () => {
    const agent = connect(ann, { config: { fallbackMode: true } });
    const err = await agent.raise({ interactionId: 'i1', channel: 'voice', message: 'x' }).catch((e: FlagError) => e);
    expect(err).to.be.instanceOf(FlagError);
    expect((err as FlagError).code).to.equal('fallback-mode');
    const legacy = connect(ann);
    expect(legacy.availability('legacy-chat')).to.deep.equal({ available: false, reason: 'channel-unavailable' });
    const e2 = await legacy.raise({ interactionId: 'i2', channel: 'legacy-chat', message: 'x' }).catch((e: FlagError) => e);
    expect((e2 as FlagError).code).to.equal('channel-unavailable');
  });

  it('shows a message once while its event has arrived and its result has not', async () => {
    const base = hub.transport(ann);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let holdMessages = false;
    // A transport whose results lag behind its events, as over a busy socket.
    const lagging = withExecute(base, async (env) => {
      const outcome = await base.execute(env);
      if (holdMessages && env.command.type === 'send-message') await held;
      return outcome;
    });
    const agent = createFlagClient({ transport: lagging, me: ann });
    clients.push(agent);
    await until(agent.$status, (s) => s === 'online');
    const { flagId } = await agent.raise({ interactionId: 'i1', channel: 'voice', message: 'help' });
    holdMessages = true;
    const sent = agent.sendMessage(flagId!, 'only once');
    const timeline = await until(agent.timeline(flagId!), (t) => t.some((i) => i.event.type === 'message' && i.state === 'sent'));
    expect(timeline.filter((i) => i.event.type === 'message').map((i) => `${i.state}: ${(i.event as { text: string }).text}`)).to.deep.equal(['sent: only once']);
    release();
    await sent;
    expect(agent.timeline(flagId!).get().filter((i) => i.event.type === 'message')).to.have.length(1);
  });

  it('keeps a failed message with Retry and never duplicates it', async () => {
    const base = hub.transport(ann);
    let refuseNext = false;
    // A transport that refuses once, as a relay does when rate-limiting.
    const flaky = withExecute(base, (env) => {
      if (!refuseNext) return base.execute(env);
      refuseNext = false;
      return Promise.reject(new FlagError('rate-limited', 'Slow down.'));
    });
    const agent = createFlagClient({ transport: flaky, me: ann });
    clients.push(agent);
    const sup = connect(sue);
    await until(agent.$status, (s) => s === 'online');
    const { flagId } = await agent.raise({ interactionId: 'i1', channel: 'voice', message: 'help' });
    refuseNext = true;
    const err = await agent.sendMessage(flagId!, 'are you there?').catch((e: FlagError) => e);
    expect((err as FlagError).code).to.equal('rate-limited');
    const failed = agent.timeline(flagId!).get().at(-1)!;
    expect(failed).to.include({ state: 'failed' });
    expect(failed.error!.code).to.equal('rate-limited');
    await agent.retryMessage(failed.commandId!);
    // Retrying a delivered message again is refused: there is nothing failed to retry.
    const again = await agent.retryMessage(failed.commandId!).catch((e: FlagError) => e);
    expect((again as FlagError).code).to.equal('not-found');
    const tl = await until(sup.timeline(flagId!), (t) => t.some((i) => i.event.type === 'message'));
    expect(tl.filter((i) => i.event.type === 'message').length).to.equal(1);
    expect(agent.timeline(flagId!).get().map((i) => i.state)).to.deep.equal(['sent', 'sent']);
  });

  it('cancels and declines joins, and ends the interaction (which lowers its flag)', async () => {
    const agent = connect(ann);
    const sup = connect(sue);
    await Promise.all([agent, sup].map((c) => until(c.$status, (s) => s === 'online')));
    const { flagId } = await agent.raise({ interactionId: 'call-9', channel: 'enhanced-chat', message: 'help' });
    await agent.requestJoin(flagId!);
    await agent.cancelJoin(flagId!);
    await agent.requestJoin(flagId!);
    await until(sup.$flags, (m) => m.get(flagId!)?.join === 'requested');
    await sup.declineJoin(flagId!, 'On another call');
    const declined = await until(agent.$flags, (m) => m.get(flagId!)?.join === 'declined');
    expect(declined.get(flagId!)!.joinBy!.name).to.equal('Sue Super');
    const ended = await agent.endInteraction('call-9');
    expect(ended.flag!.lowered).to.include({ cause: 'interaction-ended' });
    const none = await agent.endInteraction('call-9');
    expect(none).to.include({ changed: false, note: 'no-open-flag' });
    expect(agent.timeline(flagId!).get().map((i) => i.event.type)).to.deep.equal(['raised', 'join-requested', 'join-cancelled', 'join-requested', 'join-declined', 'lowered']);
  });

  it('discards a failed message on request', async () => {
    const agent = connect(ann);
    const sup = connect(sue);
    await Promise.all([agent, sup].map((c) => until(c.$status, (s) => s === 'online')));
    const { flagId } = await agent.raise({ interactionId: 'i1', channel: 'voice', message: 'help' });
    await until(sup.$flags, (m) => m.has(flagId!));
    await sup.lower(flagId!);
    await until(agent.$flags, (m) => m.get(flagId!)?.status === 'lowered');
    // The flag was lowered: the message is refused and kept, failed, until discarded.
    const err = await agent.sendMessage(flagId!, 'too late').catch((e: FlagError) => e);
    expect((err as FlagError).code).to.equal('invalid-state');
    const failed = agent.timeline(flagId!).get().at(-1)!;
    expect(failed.state).to.equal('failed');
    agent.discardMessage(failed.commandId!);
    expect(agent.timeline(flagId!).get().some((i) => i.state === 'failed')).to.equal(false);
  });

  it('lets exactly one of two racing supervisors acknowledge and tells the other who won', async () => {
    const agent = connect(ann);
    const a = connect(sue);
    const b = connect(sam);
    await Promise.all([agent, a, b].map((c) => until(c.$status, (s) => s === 'online')));
    const { flagId } = await agent.raise({ interactionId: 'i1', channel: 'voice', message: 'help' });
    await until(b.$flags, (m) => m.has(flagId!));
    await until(a.$flags, (m) => m.has(flagId!));
    const results = await Promise.allSettled([a.acknowledge(flagId!), b.acknowledge(flagId!)]);
    expect(results[0]!.status).to.equal('fulfilled');
    const loser = results[1] as PromiseRejectedResult;
    expect(loser.reason.code).to.equal('already-acknowledged');
    expect(loser.reason.message).to.contain('Sue Super');
    const final = await until(b.$flags, (m) => m.get(flagId!)?.status === 'acknowledged');
    expect(final.get(flagId!)!.acknowledgedBy!.id).to.equal('sue');
  });

  it('resumes after an outage with nothing lost or duplicated', async () => {
    const agent = connect(ann);
    const sup = connect(sue);
    await Promise.all([agent, sup].map((c) => until(c.$status, (s) => s === 'online')));
    const { flagId } = await agent.raise({ interactionId: 'i1', channel: 'voice', message: 'help' });
    await until(sup.$flags, (m) => m.has(flagId!));
    hub.goOffline();
    await until(sup.$status, (s) => s === 'reconnecting');
    const sent = Promise.all([agent.sendMessage(flagId!, 'one'), agent.sendMessage(flagId!, 'two')]);
    hub.goOnline();
    await sent;
    const tl = await until(sup.timeline(flagId!), (t) => t.filter((i) => i.event.type === 'message').length === 2);
    expect(tl.map((i) => i.event.seq)).to.deep.equal([1, 2, 3]);
  });

  it("forwards a raise's context and automatic mark; the team's supervisor sees them, another team's not even the flag", async () => {
    const context: FlagContext = { turns: [{ from: 'customer', text: 'I want to cancel everything.', at: 3_000 }], summary: ['I want to cancel everything.'] };
    const automatic = { ruleId: 'cancel', ruleName: 'Customer mentions cancelling' };
    const entries: TranscriptEntry[] = [];
    const agent = connect(ann, { transcriptSink: { append: (e) => void entries.push(e) } });
    const sup = connect(sue);
    const other = connect({ ...sam, id: 'tom', teams: ['green'] });
    const raised = await agent.raise({ interactionId: 'call-1', channel: 'voice', message: 'Wants to cancel', context, automatic });
    expect(raised.flag?.context).to.deep.equal(context);
    const [seen] = await until(sup.$openFlags, (f) => f.length === 1);
    expect(seen!.context).to.deep.equal(context);
    expect(seen!.automatic).to.deep.equal(automatic);
    await until(other.$status, (s) => s === 'online');
    expect(other.$flags.get().size).to.equal(0);
    expect(entries.map((e) => e.type)).to.deep.equal(['raised']);
    expect(entries[0]!.text).to.contain('\nCustomer: I want to cancel everything.');
  });

  it('rejects a raise with a bad context (its source of truth refuses the frame, naming where) and leaves no flag behind', async () => {
    const agent = connect(ann);
    const summary = ['x'.repeat(501)];
    const error = await agent.raise({ interactionId: 'call-1', channel: 'voice', message: 'm', context: { turns: [], summary } }).then(() => null, (err: unknown) => err);
    expect(error).to.be.instanceOf(FlagError);
    expect((error as FlagError).code).to.equal('invalid-frame');
    expect((error as FlagError).message).to.contain('at cmd.context.summary.0');
    expect(agent.$flags.get().size).to.equal(0);
  });
});

describe('flagMetrics', () => {
  it('derives time to acknowledge and to lower from a flag', async () => {
    const { flagMetrics, reduceEvents } = await import('../index.js');
    const actor = { id: 'ann', name: 'Ann', role: 'agent' as const };
    const sup = { id: 'sue', name: 'Sue', role: 'supervisor' as const };
    const flag = reduceEvents([
      { type: 'raised', flagId: 'f', seq: 1, at: 1000, actor, interactionId: 'i', channel: 'voice', customerLabel: '', team: 'blue', message: 'm', severity: 'normal' },
      { type: 'acknowledged', flagId: 'f', seq: 2, at: 4000, actor: sup },
      { type: 'lowered', flagId: 'f', seq: 3, at: 9000, actor: sup, cause: 'supervisor' },
    ])!;
    expect(flagMetrics(flag)).to.deep.equal({ timeToAcknowledgeMs: 3000, timeToLowerMs: 8000 });
  });
});
