import { expect } from '@esm-bundle/chai';
import type { CommandEnvelope } from '../commands.js';
import { FlagError } from '../errors.js';
import type { Participant } from '../model.js';
import { decodeClientFrame, encodeFrame, MAX_FRAME_LENGTH, type ClientFrame } from '../protocol.js';
import type { ConnectionStatus, TransportHandlers } from '../transport.js';
import { FrameTransport, reconnectDelay, type FrameTransportOptions, type Outbox, type PipeHandlers } from './frame-transport.js';

const ann: Participant = { id: 'ann', name: 'Ann', role: 'agent', teams: ['team-a'] };

/** A scripted server end: every connection attempt, what the client sent on it, and a way to answer. */
class ScriptedServer {
  readonly connections: Array<{ handlers: PipeHandlers; sent: ClientFrame[]; closed: boolean }> = [];
  #waiters: Array<() => void> = [];
  failNext = 0;

  connect: FrameTransportOptions['connect'] = (handlers) => {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('connection refused');
    }
    const conn = { handlers, sent: [] as ClientFrame[], closed: false };
    this.connections.push(conn);
    this.#changed();
    return {
      send: (raw) => {
        conn.sent.push(decodeClientFrame(raw));
        this.#changed();
      },
      // Like a real pipe, closing is reported back to the client.
      close: () => {
        conn.closed = true;
        queueMicrotask(() => handlers.close('closed'));
      },
    };
  };

  get last() {
    return this.connections.at(-1)!;
  }
  reply(frame: Parameters<typeof encodeFrame>[0]): void {
    this.last.handlers.message(encodeFrame(frame));
  }
  welcome(): void {
    this.reply({ t: 'welcome', me: ann, epoch: 'e', pos: 0, resumed: false });
  }
  /** Resolves once `condition` holds (checked whenever the client connects or sends). */
  async until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((r) => this.#waiters.push(r));
  }
  async hello(count = 1): Promise<void> {
    await this.until(() => this.connections.filter((c) => c.sent.some((f) => f.t === 'hello')).length >= count);
  }
  #changed(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}

function recorder() {
  const statuses: ConnectionStatus[] = [];
  const errors: FlagError[] = [];
  const handlers: TransportHandlers = {
    resumePoint: () => null,
    welcome: () => {},
    event: () => {},
    status: (s) => statuses.push(s),
    error: (e) => errors.push(e),
  };
  return { statuses, errors, handlers };
}

const noJitter = { random: () => 0, backoff: { initialMs: 1, maxMs: 1 } };
const raise: CommandEnvelope = { id: 'c1', command: { type: 'raise', interactionId: 'i', channel: 'voice', message: 'help' } };
const rejection = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as FlagError);

describe('FrameTransport', () => {
  it('retries a connector that throws, then sends the hello with the token', async () => {
    const server = new ScriptedServer();
    server.failNext = 2;
    const t = new FrameTransport({ connect: server.connect, token: async () => 'tok', ...noJitter });
    const r = recorder();
    t.connect(r.handlers);
    await server.hello();
    expect(server.last.sent[0]).to.deep.equal({ v: 1, t: 'hello', token: 'tok', resume: null });
    expect(r.statuses.slice(0, 3)).to.deep.equal(['connecting', 'reconnecting', 'reconnecting']);
    expect(() => t.connect(r.handlers)).to.throw(FlagError, 'connects once');
    t.close();
  });

  it('reports a token that cannot be had as unauthenticated', async () => {
    const server = new ScriptedServer();
    const t = new FrameTransport({ connect: server.connect, token: () => Promise.reject(new Error('expired')) });
    const r = recorder();
    const failed = new Promise<void>((resolve) => t.connect({ ...r.handlers, error: (e) => (r.errors.push(e), resolve()) }));
    await failed;
    expect(r.errors[0]!.code).to.equal('unauthenticated');
    expect(r.errors[0]!.message).to.contain('expired');
    t.close();
  });

  it('keeps commands and requests until online, sends them after the welcome, and settles them by id', async () => {
    const server = new ScriptedServer();
    const t = new FrameTransport({ connect: server.connect, ...noJitter });
    t.connect(recorder().handlers);
    const outcome = t.execute(raise);
    const again = t.execute({ ...raise });
    const history = t.history('f', 0);
    await server.hello();
    expect(server.last.sent.map((f) => f.t)).to.deep.equal(['hello']);
    server.welcome();
    expect(server.last.sent.map((f) => f.t)).to.deep.equal(['hello', 'cmd', 'history']);
    server.reply({ t: 'result', id: 'c1', outcome: { ok: true, flagId: 'c1', seq: 1, changed: true } });
    server.reply({ t: 'history', rid: 'r1', events: [] });
    server.reply({ t: 'result', id: 'unknown', outcome: { ok: true, flagId: null, seq: 0, changed: false } });
    expect(await outcome).to.deep.equal({ ok: true, flagId: 'c1', seq: 1, changed: true });
    expect(await again).to.deep.equal(await outcome);
    expect(await history).to.deep.equal([]);
    t.close();
  });

  it('rejects a command or request answered by an error frame with its id, and reports the others', async () => {
    const server = new ScriptedServer();
    const t = new FrameTransport({ connect: server.connect, ...noJitter });
    const r = recorder();
    t.connect(r.handlers);
    await server.hello();
    server.welcome();
    const cmd = t.execute(raise);
    const snap = t.snapshot();
    server.reply({ t: 'error', rid: 'c1', error: { code: 'rate-limited', message: 'slow' } });
    server.reply({ t: 'error', rid: 'r1', error: { code: 'internal', message: 'oops' } });
    server.reply({ t: 'error', error: { code: 'invalid-frame', message: 'what?' } });
    server.last.handlers.message('{"v":1,"t":"nonsense"}');
    expect(((await rejection(cmd)) as FlagError).code).to.equal('rate-limited');
    expect(((await rejection(snap)) as FlagError).code).to.equal('internal');
    expect(r.errors.map((e) => e.code)).to.deep.equal(['invalid-frame', 'invalid-frame']);
    t.close();
  });

  it('resends the same command id after retryAfterMs when the source of truth answers unavailable, reporting it', async () => {
    const server = new ScriptedServer();
    const t = new FrameTransport({ connect: server.connect, ...noJitter });
    const r = recorder();
    t.connect(r.handlers);
    await server.hello();
    server.welcome();
    let settled = false;
    const cmd = t.execute(raise).finally(() => (settled = true));
    const sent = () => server.last.sent.filter((f) => f.t === 'cmd').length;
    await server.until(() => sent() === 1);
    server.reply({ t: 'error', rid: 'c1', error: { code: 'unavailable', message: 'no replica', details: { retryAfterMs: 5 } } });
    await server.until(() => sent() === 2);
    expect(server.last.sent.filter((f) => f.t === 'cmd')).to.deep.equal([{ v: 1, t: 'cmd', id: 'c1', cmd: raise.command }, { v: 1, t: 'cmd', id: 'c1', cmd: raise.command }]);
    expect(settled).to.equal(false);
    expect(r.errors.map((e) => e.code)).to.deep.equal(['unavailable']);
    server.reply({ t: 'result', id: 'c1', outcome: { ok: true, flagId: 'c1', seq: 1, changed: true } });
    expect(await cmd).to.deep.equal({ ok: true, flagId: 'c1', seq: 1, changed: true });
    t.close();
  });

  it('closes for good when the server says unauthenticated', async () => {
    const server = new ScriptedServer();
    const t = new FrameTransport({ connect: server.connect, ...noJitter });
    const r = recorder();
    t.connect(r.handlers);
    await server.hello();
    const pending = t.execute(raise);
    server.reply({ t: 'error', error: { code: 'unauthenticated', message: 'bad token' } });
    expect(((await rejection(pending)) as FlagError).code).to.equal('transport-closed');
    expect(r.statuses.at(-1)).to.equal('offline');
    expect(((await rejection(t.execute(raise))) as FlagError).code).to.equal('transport-closed');
    expect(((await rejection(t.history('f', 0))) as FlagError).code).to.equal('transport-closed');
  });

  it('reconnects after a bye and after drop(), resending what is unanswered', async () => {
    const server = new ScriptedServer();
    const t = new FrameTransport({ connect: server.connect, random: () => 0, backoff: { initialMs: 1, maxMs: 1 } });
    t.connect(recorder().handlers);
    await server.hello();
    server.welcome();
    const cmd = t.execute(raise);
    server.reply({ t: 'bye', reason: 'restarting', reconnectInMs: 0 });
    expect(server.connections[0]!.closed).to.equal(true);
    await server.hello(2);
    server.welcome();
    expect(server.last.sent.map((f) => f.t)).to.deep.equal(['hello', 'cmd']);
    t.drop();
    await server.hello(3);
    server.welcome();
    server.reply({ t: 'result', id: 'c1', outcome: { ok: true, flagId: 'c1', seq: 1, changed: true } });
    expect((await cmd).ok).to.equal(true);
    t.close();
  });

  it('restores commands from its outbox and clears each one once answered', async () => {
    const server = new ScriptedServer();
    const stored = new Map<string, CommandEnvelope>([['c1', raise]]);
    const outbox: Outbox = {
      load: async () => [...stored.values()],
      put: async (e) => void stored.set(e.id, e),
      delete: async (id) => void stored.delete(id),
    };
    const t = new FrameTransport({ connect: server.connect, outbox, ...noJitter });
    t.connect(recorder().handlers);
    await server.hello();
    server.welcome();
    expect(server.last.sent.filter((f) => f.t === 'cmd').map((f) => (f as Extract<ClientFrame, { t: 'cmd' }>).id)).to.deep.equal(['c1']);
    const next = t.execute({ id: 'c2', command: { type: 'end-interaction', interactionId: 'i' } });
    expect([...stored.keys()]).to.deep.equal(['c1', 'c2']);
    server.reply({ t: 'result', id: 'c1', outcome: { ok: true, flagId: 'c1', seq: 1, changed: true } });
    server.reply({ t: 'result', id: 'c2', outcome: { ok: true, flagId: null, seq: 0, changed: false } });
    await next;
    expect([...stored.keys()]).to.deep.equal([]);
    t.close();
  });

  it('refuses at once a command no server could answer (an unusable id, a frame too long to read), keeping it out of the outbox', async () => {
    const puts: string[] = [];
    const t = new FrameTransport({ connect: new ScriptedServer().connect, outbox: { load: async () => [], put: async (e) => void puts.push(e.id), delete: async () => {} } });
    const err = (await rejection(t.execute({ id: 'has spaces', command: raise.command }))) as FlagError;
    expect(err.code).to.equal('invalid-frame');
    expect(err.message).to.contain('at id');
    const long = (await rejection(t.execute({ id: 'c-long', command: { type: 'send-message', flagId: 'f-1', text: 'x'.repeat(MAX_FRAME_LENGTH) } }))) as FlagError;
    expect(long.code).to.equal('too-long');
    expect(long.details).to.include({ limit: MAX_FRAME_LENGTH });
    expect(puts).to.deep.equal([]);
  });
});

describe('FrameTransport.reconnectNow', () => {
  it('skips the rest of a long backoff wait, and does nothing while connected', async () => {
    const server = new ScriptedServer();
    const t = new FrameTransport({ connect: server.connect, random: () => 1, backoff: { initialMs: 60_000, maxMs: 60_000, fastWindowMs: 0 } });
    const r = recorder();
    t.connect(r.handlers);
    await server.hello(1);
    server.welcome();
    t.reconnectNow();
    expect(server.connections.length).to.equal(1);
    t.drop();
    // The pipe reports its close in a microtask; after it the transport is waiting to retry.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(r.statuses.at(-1)).to.equal('reconnecting');
    // A minute of backoff is pending; coming back online cuts it short.
    t.reconnectNow();
    await server.hello(2);
    expect(server.connections.length).to.equal(2);
    t.close();
  });

  it('reconnect waits: full jitter, capped at 1 s for the first 10 s of an outage, then doubling up to 5 s', () => {
    const most = () => 1;
    const caps = (sinceLostMs: number) => [0, 1, 2, 3, 4, 5, 6].map((attempt) => reconnectDelay(attempt, sinceLostMs, {}, most));
    expect(caps(0)).to.deep.equal([250, 500, 1_000, 1_000, 1_000, 1_000, 1_000]);
    expect(caps(9_999)).to.deep.equal([250, 500, 1_000, 1_000, 1_000, 1_000, 1_000]);
    expect(caps(10_000)).to.deep.equal([250, 500, 1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(reconnectDelay(3, 0, {}, () => 0.5)).to.equal(500, 'uniform in [0, cap)');
    expect(reconnectDelay(6, 60_000, { maxMs: 30_000 }, most)).to.equal(16_000);
    expect(reconnectDelay(6, 0, { maxMs: 400 }, most)).to.equal(400, 'a max below the fast cap wins');
  });

  it("tells the pipe when the source of truth welcomed it (the WebSocket transport then schedules its token refresh)", async () => {
    const server = new ScriptedServer();
    let welcomed = 0;
    const t = new FrameTransport({ connect: (h) => ({ ...server.connect(h), welcomed: () => welcomed++ }), ...noJitter });
    t.connect(recorder().handlers);
    await server.hello();
    expect(welcomed).to.equal(0);
    server.welcome();
    expect(welcomed).to.equal(1);
    t.close();
  });

  describe('an outbox that fails is reported, never swallowed', () => {
    const broken = (failing: keyof Outbox): Outbox => ({
      load: async () => (failing === 'load' ? Promise.reject(new Error('IndexedDB is gone')) : []),
      put: async () => (failing === 'put' ? Promise.reject(new Error('quota exceeded')) : undefined),
      delete: async () => (failing === 'delete' ? Promise.reject(new Error('transaction aborted')) : undefined),
    });
    /** Transport handlers whose first reported error resolves `reported`. */
    const reporting = () => {
      const { handlers } = recorder();
      const reported = new Promise<FlagError>((resolve) => (handlers.error = resolve));
      return { handlers, reported };
    };

    it('a failed load', async () => {
      const server = new ScriptedServer();
      const { handlers, reported } = reporting();
      const t = new FrameTransport({ connect: server.connect, outbox: broken('load'), ...noJitter });
      t.connect(handlers);
      const error = await reported;
      expect(error).to.be.instanceOf(FlagError);
      expect(error).to.include({ code: 'internal' });
      expect(error.details).to.deep.equal({ source: 'outbox', operation: 'load' });
      expect(error.message).to.contain('IndexedDB is gone');
      // The transport still connects: a broken outbox costs durability across reloads, not the session.
      await server.hello();
      t.close();
    });

    /** A connected transport on a broken outbox runs one raise to its answer; resolves with what was reported. */
    async function raiseWith(failing: 'put' | 'delete') {
      const server = new ScriptedServer();
      const { handlers, reported } = reporting();
      const t = new FrameTransport({ connect: server.connect, outbox: broken(failing), ...noJitter });
      t.connect(handlers);
      await server.hello();
      server.welcome();
      const result = t.execute(raise);
      await server.until(() => server.last.sent.some((f) => f.t === 'cmd'));
      server.reply({ t: 'result', id: 'c1', outcome: { ok: true, flagId: 'c1', seq: 1, changed: true } });
      const outcome = await result;
      const error = await reported;
      t.close();
      return { outcome, error };
    }

    it('a failed save, while the command still goes out and is answered', async () => {
      const { outcome, error } = await raiseWith('put');
      expect(outcome.ok).to.equal(true);
      expect(error.details).to.deep.equal({ source: 'outbox', operation: 'put' });
      expect(error.message).to.contain('quota exceeded');
    });

    it('a failed removal of an answered command', async () => {
      const { error } = await raiseWith('delete');
      expect(error.details).to.deep.equal({ source: 'outbox', operation: 'delete' });
      expect(error.message).to.contain('c1');
    });
  });
});
