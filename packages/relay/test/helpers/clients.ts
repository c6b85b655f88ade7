/** Real FlagClients over the WebSocket transport (Node: `ws` as the WebSocket class). */
import { WebSocket } from 'ws';
import { createFlagClient, type FlagClient, type Participant } from '@flagline/core';
import type { ReadableAtom } from 'nanostores';
import { createWebSocketTransport } from '../../../core/src/transports/websocket.js';
import { tokenFor, type RelayProcess } from './relay-process.js';

export function clientFor(relay: RelayProcess, me: Participant): FlagClient {
  const transport = createWebSocketTransport({
    url: relay.wsUrl,
    token: () => tokenFor(me),
    WebSocket,
    backoff: { initialMs: 20, maxMs: 200 },
  });
  return createFlagClient({ transport, me });
}

/** Resolves with the store's value once `ok` holds (the test's own timeout bounds the wait). */
export function until<T>(store: ReadableAtom<T>, ok: (value: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    let done = false;
    const stop = store.subscribe((value) => {
      if (done || !ok(value)) return;
      done = true;
      resolve(value);
      queueMicrotask(() => stop());
    });
    if (done) stop();
  });
}
