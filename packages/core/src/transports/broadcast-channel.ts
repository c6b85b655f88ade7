/**
 * Clients in different tabs of one origin, no server. One tab is elected leader with the Web
 * Locks API and runs the Authority on IndexedDB; every client (the leader's own included)
 * talks to it in protocol frames over a BroadcastChannel. When the leader tab closes, another
 * tab takes the lock, loads the same IndexedDB state, and clients reconnect and resume;
 * commands not yet acknowledged are resent with their ids, so nothing is lost or duplicated.
 */
import { Authority } from '../authority/authority.js';
import { IndexedDbStorage } from '../authority/indexeddb-storage.js';
import { AuthoritySession } from '../authority/session.js';
import type { FlagConfigInput } from '../config.js';
import type { Participant } from '../model.js';
import { FrameTransport, type Pipe } from './frame-transport.js';
import { randomId } from '../random-id.js';
import { FlagError } from '../errors.js';

export interface BroadcastChannelTransportOptions {
  /** Who uses this tab. Tabs of one origin trust each other, as they share storage anyway. */
  participant: Participant;
  /** Separates deployments on one origin; also names the IndexedDB database. */
  channel?: string;
  config?: FlagConfigInput;
  /** How long a connection waits for a leader to accept it before retrying. */
  acceptTimeoutMs?: number;
}

type Message =
  | { kind: 'open'; conn: string; participant: Participant }
  | { kind: 'accept'; conn: string }
  | { kind: 'to-leader'; conn: string; frame: string }
  | { kind: 'to-client'; conn: string; frame: string }
  | { kind: 'close'; conn: string }
  | { kind: 'leader' };

export function createBroadcastChannelTransport(opts: BroadcastChannelTransportOptions): FrameTransport {
  if (!globalThis.navigator?.locks)
    throw new FlagError('invalid-input', 'The BroadcastChannel transport elects its leader tab with Web Locks, which browsers offer only in secure contexts (https or localhost); on this page use the WebSocket or memory transport.');
  const name = `flagline:${opts.channel ?? 'default'}`;
  const abort = new AbortController();

  const transport = new FrameTransport({
    backoff: { initialMs: 20, maxMs: 500 },
    connect: (handlers) => {
      const conn = randomId();
      const bc = new BroadcastChannel(name);
      let accepted = false;
      let open = true;
      const queue: string[] = [];
      const post = (m: Message) => bc.postMessage(m);
      const close = (reason: string) => {
        if (!open) return;
        open = false;
        clearTimeout(timer);
        post({ kind: 'close', conn });
        bc.close();
        handlers.close(reason);
      };
      const timer = setTimeout(() => !accepted && close('no leader answered'), opts.acceptTimeoutMs ?? 1000);
      bc.onmessage = ({ data }: MessageEvent<Message>) => {
        if (data.kind === 'leader') close('leader changed');
        else if (data.kind === 'accept' && data.conn === conn && !accepted) {
          accepted = true;
          clearTimeout(timer);
          for (const frame of queue.splice(0)) post({ kind: 'to-leader', conn, frame });
        } else if (data.kind === 'to-client' && data.conn === conn) handlers.message(data.frame);
        else if (data.kind === 'close' && data.conn === conn) close('leader closed the connection');
      };
      post({ kind: 'open', conn, participant: opts.participant });
      const pipe: Pipe = {
        send: (frame) => {
          if (!open) return;
          if (accepted) post({ kind: 'to-leader', conn, frame });
          else queue.push(frame);
        },
        close: () => close('closed'),
      };
      return pipe;
    },
  });
  // Compete for leadership for as long as this transport lives.
  void navigator.locks
    .request(`${name}:leader`, { signal: abort.signal }, async () => {
      const leader = await Leader.start(name, opts.config);
      await new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve()));
      await leader.stop();
    })
    .catch((err: unknown) => {
      // Closing the transport aborts the wait for the lock: that is not a failure.
      if (abort.signal.aborted) return;
      transport.reportError(
        new FlagError('internal', `This tab could not become the Flagline leader (${String(err)}); it leaves the role to another tab, and without one flags cannot be raised.`, { source: 'leader' }),
      );
    });
  const close = transport.close.bind(transport);
  transport.close = () => {
    close();
    abort.abort();
  };
  return transport;
}

/** The leader tab's side: one Authority, one AuthoritySession per connection. */
class Leader {
  readonly #bc: BroadcastChannel;
  readonly #authority: Authority;
  readonly #sessions = new Map<string, AuthoritySession>();

  private constructor(name: string, authority: Authority) {
    this.#authority = authority;
    this.#bc = new BroadcastChannel(name);
    this.#bc.onmessage = ({ data }: MessageEvent<Message>) => this.#receive(data);
  }

  static async start(name: string, config: FlagConfigInput | undefined): Promise<Leader> {
    const authority = await Authority.open({ storage: new IndexedDbStorage(name), ...(config ? { config } : {}) });
    authority.start();
    const leader = new Leader(name, authority);
    // Everyone connected to the previous leader reconnects (and resumes) here.
    leader.#bc.postMessage({ kind: 'leader' } satisfies Message);
    return leader;
  }

  #receive(m: Message): void {
    if (m.kind === 'open') {
      const { conn, participant } = m;
      const session = new AuthoritySession(this.#authority, {
        authenticate: async () => ({ participant }),
        send: (frame) => this.#bc.postMessage({ kind: 'to-client', conn, frame } satisfies Message),
      });
      this.#sessions.set(conn, session);
      this.#bc.postMessage({ kind: 'accept', conn } satisfies Message);
    } else if (m.kind === 'to-leader') {
      const session = this.#sessions.get(m.conn);
      if (session) void session.receive(m.frame);
      else this.#bc.postMessage({ kind: 'close', conn: m.conn } satisfies Message);
    } else if (m.kind === 'close') {
      this.#sessions.get(m.conn)?.close();
      this.#sessions.delete(m.conn);
    }
  }

  async stop(): Promise<void> {
    for (const [conn, session] of this.#sessions) {
      session.close();
      this.#bc.postMessage({ kind: 'close', conn } satisfies Message);
    }
    this.#sessions.clear();
    this.#bc.close();
    await this.#authority.close();
  }
}
