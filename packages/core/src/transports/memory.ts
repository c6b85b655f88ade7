/**
 * The in-process hub: many clients in one page or process (tests, Storybook, demos). It is a
 * real source of truth (the same Authority the relay runs) behind the same frames and codec;
 * only the wire is a function call, delivered asynchronously like a network would.
 */
import { Authority, type AuthorityOptions } from '../authority/authority.js';
import { AuthoritySession } from '../authority/session.js';
import { MemoryStorage } from '../authority/storage.js';
import type { Participant } from '../model.js';
import { FrameTransport, type Pipe } from './frame-transport.js';

export type MemoryHubOptions = Partial<AuthorityOptions> & {
  /** Escalation timer period; 0 turns the timer off (call `tick()` yourself). Default 1000. */
  tickMs?: number;
};

export class MemoryHub {
  readonly ready: Promise<Authority>;
  readonly #pipes = new Set<Pipe>();
  #online = true;

  constructor(opts: MemoryHubOptions = {}) {
    const { tickMs = 1000, ...rest } = opts;
    this.ready = Authority.open({ storage: new MemoryStorage(), ...rest }).then((authority) => {
      if (tickMs > 0) authority.start(tickMs);
      return authority;
    });
  }

  /** A transport authenticated as `participant` (in-process, the hub trusts the host's word). */
  transport(participant: Participant): FrameTransport {
    return new FrameTransport({
      backoff: { initialMs: 10, maxMs: 200 },
      connect: (handlers) => {
        let open = true;
        let session: AuthoritySession | null = null;
        const deliver = (fn: () => void) => queueMicrotask(() => open && fn());
        const pipe: Pipe = {
          send: (raw) => {
            deliver(() => {
              void this.ready.then((authority) => {
                session ??= new AuthoritySession(authority, {
                  authenticate: async () => ({ participant }),
                  send: (frame) => deliver(() => handlers.message(frame)),
                });
                return session.receive(raw);
              });
            });
          },
          close: () => {
            if (!open) return;
            open = false;
            session?.close();
            this.#pipes.delete(pipe);
            queueMicrotask(() => handlers.close('closed'));
          },
        };
        if (!this.#online) {
          queueMicrotask(() => handlers.close('hub offline'));
          return { send: () => {}, close: () => {} };
        }
        this.#pipes.add(pipe);
        return pipe;
      },
    });
  }

  /** Simulate a network outage: every connection drops and none opens until `goOnline()`. */
  goOffline(): void {
    this.#online = false;
    for (const pipe of [...this.#pipes]) pipe.close();
  }

  goOnline(): void {
    this.#online = true;
  }

  async tick(): Promise<void> {
    await (await this.ready).tick();
  }

  async close(): Promise<void> {
    this.goOffline();
    await (await this.ready).close();
  }
}

