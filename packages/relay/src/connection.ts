/**
 * One WebSocket connection: an AuthoritySession plus the hardening around it — hello deadline,
 * token expiry, per-connection and per-user rate limits, per-user connection cap, frame size,
 * slow-consumer cut-off and metrics. The session does the protocol; this file does the socket.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { AuthoritySession, TokenBucket, type Authenticated } from '@flagline/core/authority';
import { FlagError, encodeFrame, requestIdOf, type ClientFrame, type OutgoingServerFrame, type Participant } from '@flagline/core';
import type { RelayConfig } from './config.js';
import type { Logger } from './log.js';
import { ruleRaiseOf, type Metrics, type RuleRaise } from './metrics.js';
import type { WriteBatch } from './write-batch.js';
import type { Tenant } from './tenant.js';
import type { Tenants } from './tenants.js';

/** Close codes the relay uses (4xxx: application codes, mirrored on HTTP statuses). */
export const CLOSE = {
  policy: 1008,
  tooBig: 1009,
  shutdown: 1012,
  slowConsumer: 1013,
  tryAgainLater: 1013,
  unauthenticated: 4401,
  helloTimeout: 4408,
  tooManyConnections: 4429,
} as const;

/** State shared by every connection of one relay. */
export interface ConnectionContext {
  /** Verifies tokens and opens their tenants: a connection serves the tenant of its hello's token. */
  tenants: Tenants;
  config: RelayConfig;
  metrics: Metrics;
  log: Logger;
  /** Receives in progress, so shutdown can wait for their results to be sent. */
  inflight: Set<Promise<void>>;
  /** Groups each socket's frames of one event-loop turn into one write. */
  writes: WriteBatch;
  draining(): boolean;
}

/** Frames refused in a row by a connection's rate limit before it is closed (1008): far past any client's mistake. */
const OVER_LIMIT_CLOSE = 500;
const MAX_TIMER = 2 ** 31 - 1;

/**
 * An event frame as UTF-8, made once for all its subscribers: the session shares one frame object
 * per event, and `ws` would otherwise convert the same string for every socket.
 */
const eventBytes = new WeakMap<OutgoingServerFrame, Buffer>();
function bytesOf(frame: string, sent: OutgoingServerFrame): string | Buffer {
  if (sent.t !== 'event') return frame;
  let bytes = eventBytes.get(sent);
  if (!bytes) eventBytes.set(sent, (bytes = Buffer.from(frame)));
  return bytes;
}

export class RelayConnection {
  alive = true;
  readonly #ws: WebSocket;
  /** The upgraded TCP socket under `#ws`, corked per turn by `ctx.writes`. */
  readonly #socket: Duplex;
  readonly #ctx: ConnectionContext;
  readonly #session: AuthoritySession;
  readonly #bucket: TokenBucket;
  readonly #started = new Map<string, { type: string; at: number; rule?: RuleRaise }>();
  #userId: string | null = null;
  /** The tenant of the hello's token, from its verification on; refreshes must name the same one. */
  #tenant: Tenant | null = null;
  #leave: (() => void) | null = null;
  #helloTimer: ReturnType<typeof setTimeout> | undefined;
  #expiryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Frames refused by this connection's rate limit since its last admitted one. */
  #refusedInARow = 0;
  /** The `kid` of the key that signed its newest accepted token, if it named one. */
  #keyId: string | undefined;
  #onClosed!: () => void;
  /** Resolves when the socket has closed. */
  readonly closed = new Promise<void>((resolve) => (this.#onClosed = resolve));

  constructor(ws: WebSocket, socket: Duplex, ctx: ConnectionContext, readonly remote: string) {
    this.#ws = ws;
    this.#socket = socket;
    this.#ctx = ctx;
    const { config } = ctx;
    this.#bucket = new TokenBucket(config.ratePerConnection, config.ratePerConnection * 2);
    this.#session = new AuthoritySession(() => this.#tenant!.authority, {
      authenticate: (token) => this.#authenticate(token),
      accept: (auth, kind) => this.#accept(auth, kind),
      refused: (error) => this.#refused(error),
      send: (frame, sent) => this.#send(frame, sent),
      admit: (frame) => this.#admit(frame),
    });
    this.#helloTimer = setTimeout(
      () => this.#close(CLOSE.helloTimeout, new FlagError('unauthenticated', `No hello frame within ${config.helloTimeoutMs} ms.`)),
      config.helloTimeoutMs,
    );
    ws.on('message', (data, isBinary) => this.#message(data as Buffer, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('close', () => this.#closed());
    ws.on('error', (err) => ctx.log.debug('socket error', { remote, error: err.message }));
  }

  get participant(): Participant | null {
    return this.#session.participant;
  }

  /** Shutdown: tell the client when to come back, then close. */
  bye(reconnectInMs: number): void {
    this.#ws.send(encodeFrame({ t: 'bye', reason: 'The relay is restarting.', reconnectInMs }));
    this.#ws.close(CLOSE.shutdown, 'restarting');
  }

  terminate(): void {
    this.#ws.terminate();
  }

  /** This relay lost the tenant's store: say why, close 1013 so the client reconnects (to another relay, through the balancer). */
  retryElsewhere(error: FlagError): void {
    this.#close(CLOSE.tryAgainLater, error);
  }

  /** The host ended this participant's sessions (service API): say why, close 4401. */
  end(error: FlagError): void {
    this.#close(CLOSE.unauthenticated, error);
  }

  ping(): void {
    this.alive = false;
    this.#ws.ping();
  }

  #message(data: Buffer, isBinary: boolean): void {
    // While draining, frames are not answered: unacknowledged commands stay in the client's
    // outbox and are sent again after the reconnect the bye frame asks for.
    if (this.#ctx.draining()) return;
    if (isBinary) return this.#sendError(new FlagError('invalid-frame', 'Frames are JSON text, not binary.'));
    // Answered with the command's or request's id when one can be read, so its sender is not left waiting.
    if (data.length > this.#ctx.config.maxFrameBytes)
      return this.#sendError(new FlagError('invalid-frame', `Frame of ${data.length} bytes exceeds the ${this.#ctx.config.maxFrameBytes}-byte limit.`), requestIdOf(data.toString('utf8')));
    const done = this.#session.receive(data.toString('utf8'));
    this.#ctx.inflight.add(done);
    void done.finally(() => this.#ctx.inflight.delete(done));
  }

  #admit(frame: ClientFrame | null): void {
    if (frame?.t === 'cmd') this.#started.set(frame.id, { type: frame.cmd.type, at: performance.now(), ...ruleRaiseOf(frame.cmd) });
    if (!this.#bucket.take()) {
      // A client that goes on sending far past its limit is cut off: each refusal is still work.
      if (++this.#refusedInARow === OVER_LIMIT_CLOSE + 1) this.#close(CLOSE.policy, new FlagError('rate-limited', `More than ${OVER_LIMIT_CLOSE} frames in a row over the rate limit.`));
      throw new FlagError('rate-limited', 'Too many frames on this connection; slow down.', { retryAfterMs: this.#bucket.retryAfterMs() });
    }
    this.#refusedInARow = 0;
    const user = this.#userId === null ? undefined : this.#tenant?.perUser.get(this.#userId);
    if (user && !user.bucket.take())
      throw new FlagError('rate-limited', 'Too many frames for this participant; slow down.', { retryAfterMs: user.bucket.retryAfterMs() });
  }

  /** The hello's token opens its tenant; a refresh must be for the same tenant. */
  async #authenticate(token: string | undefined): Promise<Authenticated> {
    const { auth, tenant } = await this.#ctx.tenants.authenticate(token);
    if (this.#tenant !== null && tenant.id !== this.#tenant.id) throw new FlagError('unauthenticated', 'A refreshed token must be for the same tenant.');
    if (this.#tenant === null) {
      this.#tenant = tenant;
      // A socket closed while its token was checked is not counted (its close already ran).
      if (this.#ws.readyState === this.#ws.OPEN) tenant.connections.add(this);
    }
    return auth;
  }

  /**
   * A token the session accepted. Hello: take one of the participant's connection slots (or
   * refuse), enter presence, start the expiry clock. Refresh: enter presence as the new token
   * says (teams), move the expiry clock. Nothing
   * here runs for a token the session refused, so a refused refresh never extends a connection.
   */
  #accept({ participant, expiresAt, keyId }: Authenticated, kind: 'hello' | 'refresh'): void {
    this.#keyId = keyId;
    if (kind === 'hello') {
      const { config } = this.#ctx;
      const { perUser, presence, people } = this.#tenant!;
      const user = perUser.get(participant.id) ?? { connections: 0, bucket: new TokenBucket(config.ratePerUser, config.ratePerUser * 2) };
      if (user.connections >= config.maxConnectionsPerUser)
        throw new FlagError('rate-limited', `Too many connections for ${participant.id} (limit ${config.maxConnectionsPerUser}).`);
      // A hello is a frame of the participant's too: opening socket after socket does not get round the limit.
      if (!user.bucket.take()) throw new FlagError('rate-limited', 'Too many frames for this participant; slow down.', { retryAfterMs: user.bucket.retryAfterMs() });
      clearTimeout(user.forget);
      user.connections++;
      perUser.set(participant.id, user);
      this.#userId = participant.id;
      if (participant.role === 'supervisor') this.#leave = presence.enter(participant);
      people?.remember(participant);
      clearTimeout(this.#helloTimer);
      this.#ctx.log.info('authenticated', { remote: this.remote, tenant: this.#tenant!.id, participant: participant.id, role: participant.role });
    } else {
      // The refreshed token may name other teams (or another name): presence and the directory follow it.
      const { presence, people } = this.#tenant!;
      if (participant.role === 'supervisor') {
        const leave = this.#leave;
        this.#leave = presence.enter(participant);
        leave?.();
      }
      people?.remember(participant);
    }
    if (expiresAt !== undefined) this.#armExpiry(expiresAt);
  }

  /** The identity provider's key set changed: a connection whose token's key left it ends (4401). */
  keysChanged(kids: readonly string[]): void {
    if (this.#keyId === undefined || kids.includes(this.#keyId)) return;
    this.#close(CLOSE.unauthenticated, new FlagError('unauthenticated', 'The identity provider withdrew the key that signed your token; sign in again.'));
  }

  /** The hello was refused; the session has already sent the error frame that says why. */
  #refused(error: FlagError): void {
    const code = error.code === 'rate-limited' ? CLOSE.tooManyConnections : error.code === 'unavailable' ? CLOSE.tryAgainLater : CLOSE.unauthenticated;
    this.#close(code, error, false);
  }

  /** A connection lives only as long as its newest accepted token: refresh in-band before `exp`. */
  #armExpiry(expiresAt: number): void {
    clearTimeout(this.#expiryTimer);
    const wait = expiresAt - Date.now();
    this.#expiryTimer = setTimeout(() => {
      if (Date.now() < expiresAt) return this.#armExpiry(expiresAt);
      this.#close(CLOSE.unauthenticated, new FlagError('unauthenticated', 'Token expired; send a refresh frame before exp.'));
    }, Math.min(Math.max(wait, 0), MAX_TIMER));
  }

  #send(frame: string, sent: OutgoingServerFrame): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    if (this.#ws.bufferedAmount > this.#ctx.config.slowConsumerBytes) {
      this.#ctx.log.warn('slow consumer disconnected', { remote: this.remote, participant: this.#userId, buffered: this.#ws.bufferedAmount });
      this.#ws.close(CLOSE.slowConsumer, 'slow consumer');
      // A consumer too slow to read our close frame is cut off.
      setTimeout(() => this.#ws.terminate(), 5_000).unref();
      return;
    }
    this.#observe(sent);
    this.#ctx.writes.hold(this.#socket);
    this.#ws.send(bytesOf(frame, sent), { binary: false });
  }

  /** Metrics from the results and errors sent. */
  #observe(frame: OutgoingServerFrame): void {
    if (frame.t !== 'result' && frame.t !== 'error') return;
    const code = frame.t === 'result' ? (frame.outcome.ok ? null : frame.outcome.error.code) : frame.error.code;
    if (code) this.#ctx.metrics.error(code);
    const id = frame.t === 'result' ? frame.id : frame.rid;
    const started = id === undefined ? undefined : this.#started.get(id);
    if (id === undefined || !started) return;
    this.#started.delete(id);
    this.#ctx.metrics.command(started.type, code ?? 'ok', (performance.now() - started.at) / 1000);
    if (started.rule && frame.t === 'result' && frame.outcome.ok && frame.outcome.changed) this.#ctx.metrics.ruleRaise(started.rule);
  }

  #sendError(error: FlagError, rid?: string): void {
    const frame = rid === undefined ? ({ t: 'error', error: error.toJSON() } as const) : ({ t: 'error', rid, error: error.toJSON() } as const);
    this.#send(encodeFrame(frame), frame);
  }

  #close(code: number, error: FlagError, sendFrame = true): void {
    if (sendFrame) this.#sendError(error);
    this.#ctx.log.info('closing connection', { remote: this.remote, code, reason: error.message });
    this.#ws.close(code, error.message.slice(0, 120));
  }

  #closed(): void {
    this.#ctx.log.info('connection closed', { remote: this.remote, participant: this.#userId, phase: this.#session.phase });
    this.#onClosed();
    clearTimeout(this.#helloTimer);
    clearTimeout(this.#expiryTimer);
    this.#session.close();
    this.#leave?.();
    const tenant = this.#tenant;
    if (tenant === null) return;
    tenant.connections.delete(this);
    tenant.lastUsed = Date.now();
    if (this.#userId === null) return;
    const id = this.#userId;
    const user = tenant.perUser.get(id);
    if (!user || --user.connections > 0) return;
    // Forgotten once its bucket would be full again, not at once: a reconnect does not refill it.
    const { rate, burst } = user.bucket;
    user.forget = setTimeout(() => tenant.perUser.get(id) === user && user.connections === 0 && tenant.perUser.delete(id), rate === 0 ? 0 : (burst / rate) * 1000);
    user.forget.unref();
  }
}
