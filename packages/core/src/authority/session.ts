/**
 * One client's connection to an Authority, in frames: the server half of the protocol.
 * The relay wraps it in a WebSocket, the memory hub in a function call, the
 * broadcast-channel leader in a BroadcastChannel. Identity comes only from `authenticate`.
 */
import { FlagError } from '../errors.js';
import type { Participant } from '../model.js';
import { decodeClientFrame, encodeFrame, type ClientFrame, type OutgoingServerFrame } from '../protocol.js';
import type { Authority } from './authority.js';

export interface SessionOptions {
  /** Turns the hello frame's token into a participant; throws FlagError('unauthenticated') to refuse. */
  authenticate(token: string | undefined): Promise<Participant>;
  /** Sends one encoded frame to the client; `sent` is the same frame as data (for metrics: never re-parse `frame`). */
  send(frame: string, sent: OutgoingServerFrame): void;
  /** Called before every command: throw a FlagError (e.g. rate-limited) to refuse it. */
  admit?(frame: ClientFrame): void;
}

export class AuthoritySession {
  #me: Participant | null = null;
  #unsubscribe: (() => void) | null = null;
  #closed = false;
  readonly #authority: Authority;
  readonly #opts: SessionOptions;

  constructor(authority: Authority, opts: SessionOptions) {
    this.#authority = authority;
    this.#opts = opts;
  }

  get participant(): Participant | null {
    return this.#me;
  }

  /** Handle one raw frame from the client. Never throws: every failure becomes an error frame. */
  async receive(raw: unknown): Promise<void> {
    let frame: ClientFrame;
    try {
      frame = decodeClientFrame(raw);
    } catch (err) {
      this.#error(err, requestIdOf(raw));
      return;
    }
    try {
      this.#opts.admit?.(frame);
      await this.#handle(frame);
    } catch (err) {
      this.#error(err, 'rid' in frame ? frame.rid : frame.t === 'cmd' ? frame.id : undefined);
    }
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  async #handle(frame: ClientFrame): Promise<void> {
    if (frame.t === 'hello') return this.#hello(frame);
    const me = this.#me;
    if (!me) throw new FlagError('unauthenticated', 'Send a hello frame with your token first.');
    switch (frame.t) {
      case 'refresh': {
        const next = await this.#opts.authenticate(frame.token);
        if (next.id !== me.id) throw new FlagError('unauthenticated', 'A refreshed token must be for the same participant.');
        Object.assign(me, next);
        return;
      }
      case 'cmd': {
        const outcome = await this.#authority.execute(me, { id: frame.id, command: frame.cmd });
        return this.#send({ t: 'result', id: frame.id, outcome });
      }
      case 'history':
        return this.#send({ t: 'history', rid: frame.rid, events: await this.#authority.history(me, frame.flagId, frame.afterSeq) });
      case 'snapshot':
        return this.#send({ t: 'snapshot', rid: frame.rid, snapshot: this.#authority.snapshot(me) });
    }
  }

  async #hello(frame: Extract<ClientFrame, { t: 'hello' }>): Promise<void> {
    if (this.#me) throw new FlagError('invalid-frame', 'Already authenticated: hello is sent once per connection.');
    const me = { ...(await this.#opts.authenticate(frame.token)) };
    if (this.#closed) return;
    this.#me = me;
    const authority = this.#authority;
    // Replay and subscribe in the same turn so no event falls between them.
    const missed = frame.resume ? authority.replay(me, frame.resume) : null;
    this.#send({ t: 'welcome', me, epoch: authority.epoch, pos: authority.pos, resumed: missed !== null, config: authority.config });
    for (const pe of missed ?? []) this.#send({ t: 'event', pos: pe.pos, event: pe.event });
    // `me` is updated in place on refresh, so the subscription sees the current teams.
    this.#unsubscribe = authority.subscribe(me, (pe) => this.#send({ t: 'event', pos: pe.pos, event: pe.event }));
  }

  #send(frame: OutgoingServerFrame): void {
    if (!this.#closed) this.#opts.send(encodeFrame(frame), frame);
  }

  #error(err: unknown, rid?: string): void {
    const error = err instanceof FlagError ? err : new FlagError('internal', 'Internal error.');
    this.#send(rid === undefined ? { t: 'error', error: error.toJSON() } : { t: 'error', rid, error: error.toJSON() });
  }
}

/** The id of a request or command in a frame that failed validation, so its sender is answered. */
function requestIdOf(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 65_536) return undefined;
  try {
    const data: unknown = JSON.parse(raw);
    if (typeof data !== 'object' || data === null) return undefined;
    const id = (data as { id?: unknown; rid?: unknown }).id ?? (data as { rid?: unknown }).rid;
    return typeof id === 'string' && /^[\w.:@-]{1,128}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
