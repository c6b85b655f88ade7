/**
 * One client's connection to an Authority, in frames: the server half of the protocol.
 * The relay wraps it in a WebSocket, the memory hub in a function call, the
 * broadcast-channel leader in a BroadcastChannel. Identity comes only from `authenticate`.
 *
 * A session's life is one explicit state machine, whatever order frames arrive in (a client
 * may pipeline several frames in one network write):
 *
 *   awaiting-hello ──hello──▶ verifying ──token accepted──▶ welcomed ──close()──▶ closed
 *                                 │
 *                                 └──token refused──▶ refused (error frame sent, then `refused`)
 *
 * - awaiting-hello: only a hello is taken; any other frame is answered `unauthenticated`.
 * - verifying: frames are held (up to MAX_HELD, in order) and handled once welcomed; a second
 *   hello is `invalid-frame` in this state and every later one.
 * - refused / closed: nothing more is handled or sent (except the refusal's own error frame).
 */
import type { FlagConfig } from '../config.js';
import { FlagError } from '../errors.js';
import type { Participant, PositionedEvent } from '../model.js';
import { decodeClientFrame, encodeFrame, type ClientFrame, type OutgoingServerFrame } from '../protocol.js';
import { requestIdOf } from '../wire/frames.js';
import type { Authority } from './authority.js';
import type { SettingsHub } from '../settings/hub.js';

/** A verified token: who it names and, if it expires, when (ms since the epoch). */
export interface Authenticated {
  participant: Participant;
  expiresAt?: number;
  /** The `kid` of the key that signed the token, if it named one (the relay ends the connection if its provider withdraws that key). */
  keyId?: string;
}

export type SessionPhase = 'awaiting-hello' | 'verifying' | 'welcomed' | 'refused' | 'closed';

export interface SessionOptions {
  /** Verifies a token (hello or refresh); throws FlagError('unauthenticated'), or another code, to refuse. */
  authenticate(token: string | undefined): Promise<Authenticated>;
  /**
   * Called synchronously once the session has accepted a token: for a hello just before the
   * welcome, for a refresh once it is confirmed to name the same participant in the same role.
   * Throw a FlagError to refuse it (e.g. too many connections for this participant).
   */
  accept?(auth: Authenticated, kind: 'hello' | 'refresh'): void;
  /** The hello was refused and its error frame sent: the connection should close now. */
  refused?(error: FlagError): void;
  /** Sends one encoded frame to the client; `sent` is the same frame as data (for metrics: never re-parse `frame`). */
  send(frame: string, sent: OutgoingServerFrame): void;
  /** Called for every frame as it arrives (null: one that could not be read): throw a FlagError (e.g. rate-limited) to refuse it. */
  admit?(frame: ClientFrame | null): void;
}

/**
 * The session's Authority, or how to pick it once the hello's token is verified (a relay that
 * serves several tenants has one Authority each; a session never changes it afterwards).
 */
export type AuthorityChoice = Authority | ((auth: Authenticated) => Authority);

/** Event frames by the authority's (shared, immutable) positioned event: one encoding per event. */
const encodedEvents = new WeakMap<PositionedEvent, { frame: OutgoingServerFrame; text: string }>();

/** Every frame but hello: what a welcomed session handles. */
type Request = Exclude<ClientFrame, { t: 'hello' }>;

/** Frames a client may pipeline behind its hello before it is welcomed. */
export const MAX_HELD = 32;

export class AuthoritySession {
  #phase: SessionPhase = 'awaiting-hello';
  #me: Participant | null = null;
  #held: Request[] = [];
  #unsubscribe: (() => void) | null = null;
  readonly #choice: AuthorityChoice;
  /** Set at the welcome: every frame after it goes to this Authority. */
  #authority!: Authority;
  readonly #opts: SessionOptions;

  constructor(authority: AuthorityChoice, opts: SessionOptions) {
    this.#choice = authority;
    this.#opts = opts;
  }

  get participant(): Participant | null {
    return this.#me;
  }

  get phase(): SessionPhase {
    return this.#phase;
  }

  /** Handle one raw frame from the client. Never throws: every failure becomes an error frame. */
  async receive(raw: unknown): Promise<void> {
    if (this.#phase === 'refused' || this.#phase === 'closed') return;
    let frame: ClientFrame;
    try {
      frame = decodeClientFrame(raw);
    } catch (err) {
      // A frame that cannot be read is counted against the limits too (else a flood of them goes unmetered).
      try {
        this.#opts.admit?.(null);
      } catch (limited) {
        return this.#error(limited, requestIdOf(raw));
      }
      this.#error(err, requestIdOf(raw));
      return;
    }
    try {
      this.#opts.admit?.(frame);
      if (frame.t === 'hello') return await this.#hello(frame);
      if (this.#phase === 'awaiting-hello') throw new FlagError('unauthenticated', 'Send a hello frame with your token first.');
      if (this.#phase === 'verifying') {
        if (this.#held.length >= MAX_HELD) throw new FlagError('rate-limited', `At most ${MAX_HELD} frames may follow a hello before its welcome.`);
        this.#held.push(frame);
        return;
      }
      await this.#handle(frame);
    } catch (err) {
      this.#error(err, idOf(frame));
    }
  }

  close(): void {
    this.#phase = 'closed';
    this.#held = [];
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  async #hello(frame: Extract<ClientFrame, { t: 'hello' }>): Promise<void> {
    if (this.#phase !== 'awaiting-hello') throw new FlagError('invalid-frame', 'Already said hello: hello is sent once per connection.');
    this.#phase = 'verifying';
    let auth: Authenticated;
    try {
      auth = await this.#opts.authenticate(frame.token);
      if (this.#phase !== 'verifying') return; // closed while the token was checked
      this.#opts.accept?.(auth, 'hello');
      this.#authority = typeof this.#choice === 'function' ? this.#choice(auth) : this.#choice;
    } catch (err) {
      if (this.#phase !== 'verifying') return;
      this.#refuse(err);
      return;
    }
    const me = { ...auth.participant };
    this.#me = me;
    this.#phase = 'welcomed';
    const authority = this.#authority;
    // Replay and subscribe in the same turn so no event falls between them.
    const missed = frame.resume ? authority.replay(me, frame.resume) : null;
    this.#send({ t: 'welcome', me, epoch: authority.epoch, pos: authority.pos, resumed: missed !== null, config: clientConfig(me, authority.config) });
    for (const pe of missed ?? []) this.#sendEvent(pe);
    this.#subscribe(me);
    // Held frames start in arrival order and run as if they had just arrived; the hello's
    // receive settles once they are answered (the relay waits on it at shutdown).
    const held = this.#held;
    this.#held = [];
    await Promise.all(held.map((f) => this.#handle(f).catch((err: unknown) => this.#error(err, idOf(f)))));
  }

  /** The hello failed: its error frame goes out first, then the connection is told to close. */
  #refuse(err: unknown): void {
    const error = err instanceof FlagError ? err : new FlagError('internal', 'Internal error.');
    this.#error(error);
    this.#phase = 'refused';
    this.#held = [];
    this.#opts.refused?.(error);
  }

  async #handle(frame: Request): Promise<void> {
    const me = this.#me!;
    switch (frame.t) {
      case 'refresh': {
        const next = await this.#opts.authenticate(frame.token);
        if (this.#phase !== 'welcomed') return;
        if (next.participant.id !== me.id) throw new FlagError('unauthenticated', 'A refreshed token must be for the same participant.');
        if (next.participant.role !== me.role) throw new FlagError('unauthenticated', 'A refreshed token must keep the participant’s role.');
        this.#opts.accept?.(next, 'refresh');
        const teamsChanged = next.participant.teams.join('\n') !== me.teams.join('\n');
        Object.assign(me, next.participant);
        // The authority indexes subscribers by team: new teams, new subscription (same turn, no gap).
        if (teamsChanged) this.#subscribe(me);
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
      case 'lowered':
        return this.#send({ t: 'lowered', rid: frame.rid, ...(await this.#authority.historyPage(me, frame.query)) });
      case 'settings':
        return this.#send({ t: 'settings', rid: frame.rid, docs: await this.#settings().read(me) });
      case 'save-settings':
        return this.#send({ t: 'settings', rid: frame.rid, docs: [await this.#settings().save(me, frame.save)] });
    }
  }

  #settings(): SettingsHub {
    const hub = this.#authority.settings;
    if (!hub) throw new FlagError('unavailable', 'This source of truth keeps no settings.');
    return hub;
  }

  #subscribe(me: Participant): void {
    this.#unsubscribe?.();
    const events = this.#authority.subscribe(me, (pe) => this.#sendEvent(pe));
    const presence = this.#authority.presence(me, (view) => this.#send({ t: 'presence', presence: view }));
    // Settings saved by others; the saver's own answer carries the document too (clients keep the higher version).
    const settings = this.#authority.settings?.subscribe(me, (doc) => this.#send({ t: 'settings', docs: [doc] }));
    this.#unsubscribe = () => {
      events();
      presence();
      settings?.();
    };
  }

  /** An event goes to every session that may see it: encoded once, whatever the audience. */
  #sendEvent(pe: PositionedEvent): void {
    let encoded = encodedEvents.get(pe);
    if (encoded === undefined) {
      const frame = { t: 'event', pos: pe.pos, event: pe.event } as const;
      encodedEvents.set(pe, (encoded = { frame, text: encodeFrame(frame) }));
    }
    if (this.#phase !== 'closed') this.#opts.send(encoded.text, encoded.frame);
  }

  #send(frame: OutgoingServerFrame): void {
    if (this.#phase !== 'closed') this.#opts.send(encodeFrame(frame), frame);
  }

  #error(err: unknown, rid?: string): void {
    const error = err instanceof FlagError ? err : new FlagError('internal', 'Internal error.');
    this.#send(rid === undefined ? { t: 'error', error: error.toJSON() } : { t: 'error', rid, error: error.toJSON() });
  }
}

function idOf(frame: ClientFrame): string | undefined {
  return 'rid' in frame ? frame.rid : frame.t === 'cmd' ? frame.id : undefined;
}

/**
 * The config a participant's client is welcomed with: offer routing only for their own teams (the
 * only flags routing decides that they see), without skills: which supervisor takes which reasons
 * stays on the server, and an agent learns no supervisor's id from it.
 */
export function clientConfig(me: Participant, config: FlagConfig): FlagConfig {
  const routing: FlagConfig['routing'] = {};
  for (const team of me.teams) {
    if (!Object.hasOwn(config.routing, team)) continue;
    const { skills: _, ...rule } = config.routing[team]!;
    routing[team] = rule;
  }
  return { ...config, routing };
}
