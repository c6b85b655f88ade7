import { expect } from '@open-wc/testing';
import type { CommandEnvelope } from '../commands.js';
import type { ConnectionStatus } from '../transport.js';
import { IndexedDbOutbox } from './indexeddb-outbox.js';
import { createWebSocketTransport } from './websocket.js';
import { FlagError } from '../errors.js';

const msg = (id: string, text = id): CommandEnvelope => ({ id, command: { type: 'send-message', flagId: 'f1', text } });
const fresh = () => `outbox-test-${crypto.randomUUID()}`;

describe('IndexedDbOutbox', () => {
  it('keeps commands in the order issued, across instances (a reload), until deleted', async () => {
    const name = fresh();
    const first = new IndexedDbOutbox(name);
    await first.put(msg('c1'));
    await first.put(msg('c2'));
    await first.put(msg('c3'));
    await first.close();

    const afterReload = new IndexedDbOutbox(name);
    expect((await afterReload.load()).map((e) => e.id)).to.deep.equal(['c1', 'c2', 'c3']);
    await afterReload.delete('c2');
    expect(await afterReload.load()).to.deep.equal([msg('c1'), msg('c3')]);
    await afterReload.close();
  });

  it('putting the same id twice keeps one copy in its first place; deleting an unknown id is harmless', async () => {
    const outbox = new IndexedDbOutbox(fresh());
    await outbox.put(msg('a', 'first'));
    await outbox.put(msg('b'));
    await outbox.put(msg('a', 'second'));
    await outbox.delete('nope');
    expect(await outbox.load()).to.deep.equal([msg('a', 'first'), msg('b')]);
    await outbox.close();
  });

  it('separate names are separate outboxes', async () => {
    const a = new IndexedDbOutbox(fresh());
    const b = new IndexedDbOutbox(fresh());
    await a.put(msg('only-a'));
    expect(await b.load()).to.deep.equal([]);
    await a.close();
    await b.close();
  });
});

describe('createWebSocketTransport in the browser', () => {
  it('with no relay reachable: reports reconnecting and keeps an issued command in the IndexedDB outbox', async () => {
    const name = fresh();
    const outbox = new IndexedDbOutbox(name);
    // Port 9 (discard) on loopback: nothing listens, so every attempt fails fast.
    const transport = createWebSocketTransport({ url: 'ws://127.0.0.1:9/ws', token: () => 'unused', outbox, backoff: { initialMs: 10, maxMs: 50 } });
    const statuses: ConnectionStatus[] = [];
    const reconnecting = new Promise<void>((resolve) =>
      transport.connect({
        resumePoint: () => null,
        welcome: () => {},
        event: () => {},
        error: () => {},
        status: (s) => {
          statuses.push(s);
          if (s === 'reconnecting') resolve();
        },
      }),
    );
    await reconnecting;
    const pending = transport.execute(msg('offline-1'));
    const reopened = new IndexedDbOutbox(name);
    // put() is not awaited by the transport; a second put of the same id completes after it.
    await reopened.put(msg('offline-1'));
    expect((await reopened.load()).map((e) => e.id)).to.deep.equal(['offline-1']);
    transport.close();
    await pending.then(
      () => expect.fail('must not resolve offline'),
      (err: { code: string }) => expect(err.code).to.equal('transport-closed'),
    );
    expect(statuses[0]).to.equal('connecting');
    expect(statuses.at(-1)).to.equal('offline');
    expect((await reopened.load()).map((e) => e.id)).to.deep.equal(['offline-1'], 'closing does not lose it');
    await reopened.close();
  });

  it('without a WebSocket implementation it says so', () => {
    const original = globalThis.WebSocket;
    try {
      (globalThis as { WebSocket?: unknown }).WebSocket = undefined;
      expect(() => createWebSocketTransport({ url: 'ws://x', token: () => 't' })).to.throw(FlagError, /No WebSocket implementation/).with.property('code', 'invalid-input');
    } finally {
      globalThis.WebSocket = original;
    }
  });
});
