/**
 * WebSocket upgrades that arrive while the relay loads its state at start. The relay listens as
 * soon as it starts; an upgrade that comes in before its state is loaded waits here, unanswered,
 * and all are released together the moment the state is loaded — so after a crash no client sits
 * in a backoff wait while the relay is ready. Each waits at most `maxMs` (then HTTP 503 with
 * Retry-After, and the client backs off as after any refusal); one whose client gives up is
 * dropped. `/readyz` answers 503 until the state is loaded, so a load balancer with several
 * relays sends new clients to a ready one meanwhile; only clients that reach this relay anyway
 * (a single relay, or one the balancer already chose) are held.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export type Upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

interface Held {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  timer: ReturnType<typeof setTimeout>;
  gone: () => void;
}

export class UpgradeHold {
  readonly #held = new Set<Held>();

  constructor(
    readonly maxMs: number,
    /** Answers an upgrade that waited `maxMs` in vain, or every one when the start fails. */
    readonly refuse: (req: IncomingMessage, socket: Duplex) => void,
  ) {}

  get size(): number {
    return this.#held.size;
  }

  hold(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const held: Held = {
      req,
      socket,
      head,
      timer: setTimeout(() => {
        this.#drop(held);
        this.refuse(req, socket);
      }, this.maxMs),
      gone: () => this.#drop(held),
    };
    socket.once('close', held.gone);
    this.#held.add(held);
  }

  /** Every held upgrade goes on through `upgrade`, in arrival order. */
  release(upgrade: Upgrade): void {
    for (const held of [...this.#held]) {
      this.#drop(held);
      upgrade(held.req, held.socket, held.head);
    }
  }

  /** The start failed: every held upgrade is answered `refuse`. */
  refuseAll(): void {
    for (const held of [...this.#held]) {
      this.#drop(held);
      this.refuse(held.req, held.socket);
    }
  }

  #drop(held: Held): void {
    clearTimeout(held.timer);
    held.socket.off('close', held.gone);
    this.#held.delete(held);
  }
}
