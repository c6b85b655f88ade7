/** Test setup shared by core's client tests: clients on a fresh memory hub per test, and waiting on stores. */
import type { ReadableAtom } from 'nanostores';
import { createFlagClient } from '../src/client/client.js';
import type { FlagClient, FlagClientOptions } from '../src/client/types.js';
import type { Participant } from '../src/model.js';
import type { MemoryHub } from '../src/transports/memory.js';

/** Resolves with the store's value once `ok` holds (stores update asynchronously over the hub). */
export function until<T>(store: ReadableAtom<T>, ok: (v: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const off = store.subscribe((v) => {
      if (ok(v)) {
        queueMicrotask(() => off());
        resolve(v);
      }
    });
  });
}

/** A hub made by `makeHub` before each test of the enclosing describe; it and every client connected to it are closed after. */
export function onHub(makeHub: () => MemoryHub) {
  let hub: MemoryHub;
  const clients: FlagClient[] = [];
  beforeEach(() => {
    hub = makeHub();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await hub.close();
  });
  return {
    get hub() {
      return hub;
    },
    /** A client of `p` on the hub, resolved once it is online. */
    async connect(p: Participant, options: Partial<FlagClientOptions> = {}): Promise<FlagClient> {
      const client = createFlagClient({ transport: hub.transport(p), me: p, ...options });
      clients.push(client);
      await until(client.$status, (s) => s === 'online');
      return client;
    },
  };
}
