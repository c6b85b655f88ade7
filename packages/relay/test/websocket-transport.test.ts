/**
 * The WebSocket transport (core) against real relay processes in Node: offline → send →
 * "reload" → relay back → delivered once; status transitions; in-band token refresh.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import type { CommandEnvelope, ConnectionStatus, FlagError, FrameTransport, Outbox, PositionedEvent, ServerFrame } from '@flagline/core';
import { createWebSocketTransport } from '../../core/src/transports/websocket.js';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { RawClient } from './helpers/raw-client.js';
import { ann } from './helpers/people.js';

/** Stands in for IndexedDbOutbox in Node: it outlives the transport, as IndexedDB outlives a page. */
class SharedOutbox implements Outbox {
  readonly items = new Map<string, CommandEnvelope>();
  async load() {
    return [...this.items.values()];
  }
  async put(e: CommandEnvelope) {
    this.items.set(e.id, e);
  }
  async delete(id: string) {
    this.items.delete(id);
    if (this.items.size === 0) for (const done of this.#emptied.splice(0)) done();
  }
  readonly #emptied: (() => void)[] = [];
  /** Resolves once every command has been acknowledged and removed. */
  whenEmpty(): Promise<void> {
    return this.items.size === 0 ? Promise.resolve() : new Promise((done) => this.#emptied.push(done));
  }
}

/** A connected transport and what it reported, with a way to wait for a condition. */
function watch(transport: FrameTransport) {
  const seen = { statuses: [] as ConnectionStatus[], events: [] as PositionedEvent[], errors: [] as FlagError[] };
  const checks = new Set<() => void>();
  const changed = () => {
    for (const c of [...checks]) c();
  };
  transport.connect({
    resumePoint: () => null,
    welcome: () => {},
    event: (e) => {
      seen.events.push(e);
      changed();
    },
    status: (s) => {
      seen.statuses.push(s);
      changed();
    },
    error: (e) => {
      seen.errors.push(e);
      changed();
    },
  });
  const until = (cond: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (cond()) {
          checks.delete(check);
          resolve();
        }
      };
      checks.add(check);
      check();
    });
  return { seen, until };
}

describe('WebSocket transport with a real relay', () => {
  const relays: RelayProcess[] = [];
  after(async () => {
    process.stderr.write('AFTER HOOK\n');
    for (const r of relays.reverse()) { process.stderr.write(`disposing ${r.port}\n`); await r.dispose(); process.stderr.write('disposed\n'); }
  });

  it('offline → send → reload → relay back → delivered exactly once, outbox emptied', async () => {
    const first = await RelayProcess.start();
    relays.push(first);
    const outbox = new SharedOutbox();
    const make = () => createWebSocketTransport({ url: first.wsUrl, token: () => tokenFor(ann), WebSocket, outbox, backoff: { initialMs: 20, maxMs: 100 } });

    const offline = make();
    const w1 = watch(offline);
    await w1.until(() => w1.seen.statuses.at(-1) === 'online');
    const raised = await offline.execute({ id: 'ws-raise', command: { type: 'raise', interactionId: 'i-ws', channel: 'voice', message: 'hi' } });
    const flagId = raised.ok ? raised.flagId! : '';
    await first.stop();
    await w1.until(() => w1.seen.statuses.at(-1) === 'reconnecting');

    const sending = offline.execute({ id: 'ws-offline-msg', command: { type: 'send-message', flagId, text: 'sent while offline' } });
    await Promise.resolve();
    assert.deepEqual([...outbox.items.keys()], ['ws-offline-msg'], 'kept while offline');
    offline.close(); // the page reloads
    await assert.rejects(sending, { code: 'transport-closed' });
    assert.deepEqual([...outbox.items.keys()], ['ws-offline-msg'], 'the outbox survives the transport');

    const second = await RelayProcess.start({ db: first.db, port: first.port });
    relays.push(second);
    const reloaded = make();
    watch(reloaded);
    await outbox.whenEmpty();
    const history = await reloaded.history(flagId, 0);
    assert.deepEqual(history.map((e) => (e.type === 'message' ? e.text : e.type)), ['raised', 'sent while offline']);
    // The same id sent again (say, by a second tab sharing the outbox) changes nothing.
    const retry = await reloaded.execute({ id: 'ws-offline-msg', command: { type: 'send-message', flagId, text: 'sent while offline' } });
    assert.equal(retry.ok && retry.seq, 2);
    assert.equal((await reloaded.history(flagId, 0)).length, 2);
    reloaded.close();
  });

  it('reports connecting → online → reconnecting → online across a relay restart (bye)', async () => {
    const relay = await RelayProcess.start({ args: ['--reconnect-hint-ms', '0'] });
    relays.push(relay);
    const t = createWebSocketTransport({ url: relay.wsUrl, token: () => tokenFor(ann), WebSocket, backoff: { initialMs: 20, maxMs: 100 } });
    const w = watch(t);
    await w.until(() => w.seen.statuses.includes('online'));
    await relay.stop();
    await w.until(() => w.seen.statuses.at(-1) === 'reconnecting');
    const again = await RelayProcess.start({ db: relay.db, port: relay.port });
    relays.push(again);
    await w.until(() => w.seen.statuses.filter((s) => s === 'online').length === 2);
    assert.deepEqual([...new Set(w.seen.statuses)], ['connecting', 'online', 'reconnecting']);
    assert.deepEqual(w.seen.errors, []);
    t.close();
    assert.equal(w.seen.statuses.at(-1), 'offline');
  });

  it('refreshes its token in-band before expiry: the connection outlives the first token', async () => {
    const relay = await RelayProcess.start();
    relays.push(relay);
    let calls = 0;
    const first = await tokenFor(ann, '3s');
    const t = createWebSocketTransport({
      url: relay.wsUrl,
      token: async () => (++calls === 1 ? first : tokenFor(ann, '10m')),
      WebSocket,
      refreshBeforeMs: 2_000,
    });
    const w = watch(t);
    await w.until(() => w.seen.statuses.includes('online'));
    // A raw connection on the same short token is the clock: it is closed when that token dies.
    const clock = await RawClient.connect(relay.wsUrl, first);
    const expired = await clock.next<Extract<ServerFrame, { t: 'error' }>>((f) => f.t === 'error');
    assert.equal(expired.error.code, 'unauthenticated');
    const outcome = await t.execute({ id: 'after-expiry', command: { type: 'raise', interactionId: 'i-refresh', channel: 'voice', message: 'still here' } });
    assert.equal(outcome.ok, true);
    assert.equal(calls, 2, 'one hello token, one refresh');
    assert.deepEqual(w.seen.statuses, ['connecting', 'online'], 'never dropped');
    t.close();
  });
});
