// The transport of docs/write-a-transport.md, proved with the conformance suite in node:test.
import { describe, it } from 'node:test';
import { FlagError } from '@flagline/core';
import { Authority, MemoryStorage } from '@flagline/core/authority';
import { CONFORMANCE_PARTICIPANTS, runTransportConformance } from '@flagline/core/conformance';
import { messageBusTransport, serveFlaglineOnBus, type MessageBus } from './message-bus-transport.js';

/** Stands in for the host's bus: in order, asynchronous like a network, lost when nobody listens. */
class LocalBus implements MessageBus {
  readonly #topics = new Map<string, Set<(payload: string) => void>>();
  publish(topic: string, payload: string): void {
    queueMicrotask(() => {
      for (const handler of [...(this.#topics.get(topic) ?? [])]) handler(payload);
    });
  }
  subscribe(topic: string, handler: (payload: string) => void): () => void {
    const handlers = this.#topics.get(topic) ?? new Set();
    this.#topics.set(topic, handlers.add(handler));
    return () => handlers.delete(handler);
  }
}

/** The token is the participant's id here; yours is whatever your sign-in issues. */
async function authenticate(token: string | undefined) {
  const participant = Object.values(CONFORMANCE_PARTICIPANTS).find((p) => p.id === token);
  if (!participant) throw new FlagError('unauthenticated', 'Unknown token.');
  return { participant };
}

runTransportConformance({
  name: 'message bus transport (docs/write-a-transport.md)',
  describe,
  it,
  features: { dropConnections: true, restart: true },
  async createHarness() {
    const bus = new LocalBus();
    const storage = new MemoryStorage();
    let authority = await Authority.open({ storage });
    let backend = serveFlaglineOnBus(bus, authority, authenticate);
    return {
      transportFor: (participant) => messageBusTransport(bus, async () => participant.id),
      dropConnections: () => backend.dropAll('network failure'),
      async restart() {
        backend.close();
        await authority.close();
        authority = await Authority.open({ storage });
        backend = serveFlaglineOnBus(bus, authority, authenticate);
      },
      async close() {
        backend.close();
        await authority.close();
      },
    };
  },
});
