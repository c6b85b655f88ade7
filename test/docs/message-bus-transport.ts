/**
 * Flagline over a message bus the host already runs between its web app and its backend
 * (docs/write-a-transport.md quotes this file; message-bus-transport.test.ts runs the
 * conformance suite against it). The backend runs Flagline's Authority; the bus carries
 * protocol frames. Topics, per connection: `flagline/open` (payload: the connection id), then
 * `flagline/<id>/up` (client → backend frames), `flagline/<id>/down` (backend → client frames),
 * `flagline/<id>/close` (the client hung up) and `flagline/<id>/closed` (the backend did).
 */
import { FrameTransport, type Transport } from '@flagline/core';
import { AuthoritySession, type Authenticated, type Authority } from '@flagline/core/authority';

/** The host's bus, as most are: named topics, text payloads, delivered in order or not at all. */
export interface MessageBus {
  publish(topic: string, payload: string): void;
  /** Returns the unsubscribe function. */
  subscribe(topic: string, handler: (payload: string) => void): () => void;
}

/** The bus drops messages nobody listens to: if the backend does not answer, open again. */
const ANSWER_WITHIN_MS = 1000;

/** In the web app: a Flagline transport over the bus. FrameTransport does reconnects, the outbox and request matching. */
export function messageBusTransport(bus: MessageBus, token: () => Promise<string>): Transport {
  return new FrameTransport({
    token, // sent in the hello frame; the backend's `authenticate` turns it into a participant
    connect: ({ message, close }) => {
      const id = crypto.randomUUID();
      const hangUp = (reason: string) => {
        clearTimeout(noAnswer);
        stopDown();
        stopClosed();
        close(reason);
      };
      const noAnswer = setTimeout(() => hangUp('the backend did not answer'), ANSWER_WITHIN_MS);
      const stopDown = bus.subscribe(`flagline/${id}/down`, (frame) => {
        clearTimeout(noAnswer);
        message(frame);
      });
      const stopClosed = bus.subscribe(`flagline/${id}/closed`, hangUp);
      bus.publish('flagline/open', id);
      return {
        send: (frame) => bus.publish(`flagline/${id}/up`, frame),
        close: () => {
          bus.publish(`flagline/${id}/close`, '');
          queueMicrotask(() => hangUp('closed'));
        },
      };
    },
  });
}

/**
 * In the backend: one AuthoritySession per connection. `authenticate` is your own sign-in check
 * (verify the token, return `{ participant }`; throw FlagError('unauthenticated') to refuse).
 * Identity comes only from it. A backend serving several tenants passes, instead of the
 * Authority, a function from the verified hello to that tenant's Authority (the relay does).
 */
export function serveFlaglineOnBus(bus: MessageBus, authority: Authority, authenticate: (token: string | undefined) => Promise<Authenticated>) {
  const connections = new Map<string, () => void>();
  const end = (id: string) => {
    connections.get(id)?.();
    connections.delete(id);
  };
  const stopOpen = bus.subscribe('flagline/open', (id) => {
    const session = new AuthoritySession(authority, { authenticate, send: (frame) => bus.publish(`flagline/${id}/down`, frame) });
    const stopUp = bus.subscribe(`flagline/${id}/up`, (frame) => void session.receive(frame));
    const stopClose = bus.subscribe(`flagline/${id}/close`, () => end(id));
    connections.set(id, () => {
      stopUp();
      stopClose();
      session.close();
    });
  });
  /** End every connection and tell its client, which reconnects by itself (deploys, restarts). */
  const dropAll = (reason: string) => {
    for (const id of [...connections.keys()]) {
      end(id);
      bus.publish(`flagline/${id}/closed`, reason);
    }
  };
  return {
    dropAll,
    close() {
      stopOpen();
      dropAll('the backend is stopping');
    },
  };
}
