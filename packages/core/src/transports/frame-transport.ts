/**
 * A Transport over any bidirectional text pipe that speaks the Flagline protocol to an
 * AuthoritySession: the memory hub, the broadcast channel and the WebSocket all use it.
 * It owns reconnecting (exponential backoff, full jitter), the outbox (commands kept until
 * acknowledged and replayed in order after reconnecting) and request/response matching.
 */
import type { CommandEnvelope, Outcome } from '../commands.js';
import { FlagError } from '../errors.js';
import type { FlagEvent, Snapshot } from '../model.js';
import type { HistoryPage, HistoryQuery } from '../history.js';
import type { ServerFrame } from '../protocol.js';
import { decodeServerFrame, encodeFrame, ID_PATTERN, MAX_FRAME_LENGTH } from '../wire/frames.js';
import type { ConnectionStatus, Transport, TransportHandlers } from '../transport.js';
import type { SettingDocument, SettingSave } from '../settings/schemas.js';

export interface PipeHandlers {
  message(raw: string): void;
  /** The pipe closed (or failed to open). */
  close(reason: string): void;
}
export interface Pipe {
  send(raw: string): void;
  close(): void;
  /** The source of truth accepted this connection (its welcome frame arrived), e.g. to start refreshing a token. */
  welcomed?(): void;
}
/** Opens a pipe; report the pipe's messages and its closing through the handlers. */
export type Connector = (handlers: PipeHandlers) => Pipe;

/** Where pending commands wait until acknowledged; in browsers the WebSocket transport persists it. */
export interface Outbox {
  load(): Promise<CommandEnvelope[]>;
  put(envelope: CommandEnvelope): Promise<void>;
  delete(id: string): Promise<void>;
}

export interface FrameTransportOptions {
  connect: Connector;
  /** The token for the hello frame (called at every connect, so it can be refreshed). */
  token?: () => string | undefined | Promise<string | undefined>;
  outbox?: Outbox;
  /**
   * Reconnect waits after a drop: random in [0, min(cap, initialMs × 2^attempt)] (full jitter),
   * where the cap is `fastMaxMs` during the first `fastWindowMs` after the connection was lost
   * and `maxMs` after that. Defaults: 250 ms doubling, capped at 1 s for the first 10 s, then
   * at 5 s. A relay that crashed and restarts is back within seconds, and while it is down a
   * refused connection costs it nothing, so the first seconds retry often (every client back
   * ≤ 3 s after a crash: bench, reconnect storm); a longer outage backs off to 5 s. A relay
   * that is up but busy spreads clients out itself (a `bye` frame with `reconnectInMs`).
   */
  backoff?: { initialMs?: number; maxMs?: number; fastWindowMs?: number; fastMaxMs?: number };
  random?: () => number;
}

interface Pending<T> {
  resolve(value: T): void;
  reject(error: FlagError): void;
}

export class FrameTransport implements Transport {
  readonly #opts: FrameTransportOptions;
  #handlers: TransportHandlers | null = null;
  #pipe: Pipe | null = null;
  #online = false;
  #closed = false;
  #attempt = 0;
  /** When the connection was lost (or first attempted), for the backoff's fast window. */
  #lostAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #nextRid = 0;
  /** Commands in the order issued; kept until their result arrives. */
  readonly #commands = new Map<string, { envelope: CommandEnvelope; waiters: Pending<Outcome>[] }>();
  readonly #requests = new Map<string, { frame: string; pending: Pending<ServerFrame> }>();
  /** Failures reported before `connect` gave this transport its handlers. */
  readonly #unreported: FlagError[] = [];

  constructor(opts: FrameTransportOptions) {
    this.#opts = opts;
  }

  connect(handlers: TransportHandlers): void {
    if (this.#handlers) throw new FlagError('invalid-state', 'A transport connects once.');
    this.#handlers = handlers;
    for (const error of this.#unreported.splice(0)) handlers.error(error);
    void this.#restoreOutbox().finally(() => this.#open('connecting'));
  }

  execute(envelope: CommandEnvelope): Promise<Outcome> {
    if (this.#closed) return Promise.reject(closedError());
    // The source of truth answers a command it cannot decode with an error naming the command's
    // id, so it is checked there (lengths, formats) — but a command without a usable id, or in a
    // frame too long to be read at all, would never be answered and would be resent on every
    // reconnect: refuse those here.
    if (!ID_PATTERN.test(envelope.id))
      return Promise.reject(new FlagError('invalid-frame', `Invalid frame at id: a command id is 1 to 128 letters, digits and _ . : @ - (got ${JSON.stringify(envelope.id).slice(0, 40)}).`));
    const length = encodeFrame({ t: 'cmd', id: envelope.id, cmd: envelope.command }).length;
    if (length > MAX_FRAME_LENGTH)
      return Promise.reject(new FlagError('too-long', `The command's frame is ${length} characters; the limit is ${MAX_FRAME_LENGTH}.`, { limit: MAX_FRAME_LENGTH, length }));
    return new Promise<Outcome>((resolve, reject) => {
      const existing = this.#commands.get(envelope.id);
      if (existing) {
        existing.waiters.push({ resolve, reject });
        return;
      }
      this.#commands.set(envelope.id, { envelope, waiters: [{ resolve, reject }] });
      this.#opts.outbox?.put(envelope).catch((err: unknown) =>
        this.reportError(outboxError('put', `Command ${envelope.id} could not be saved in the outbox (${String(err)}): it is sent, but a reload before its answer would lose it.`)),
      );
      if (this.#online) this.#sendCommand(envelope);
    });
  }

  history(flagId: string, afterSeq: number): Promise<FlagEvent[]> {
    return this.#request((rid) => encodeFrame({ t: 'history', rid, flagId, afterSeq })).then(
      (f) => (f as Extract<ServerFrame, { t: 'history' }>).events,
    );
  }

  snapshot(): Promise<Snapshot> {
    return this.#request((rid) => encodeFrame({ t: 'snapshot', rid })).then(
      (f) => (f as Extract<ServerFrame, { t: 'snapshot' }>).snapshot,
    );
  }

  lowered(query: HistoryQuery): Promise<HistoryPage> {
    return this.#request((rid) => encodeFrame({ t: 'lowered', rid, query })).then((f) => {
      const { flags, next } = f as Extract<ServerFrame, { t: 'lowered' }>;
      return { flags, next };
    });
  }

  settings(): Promise<SettingDocument[]> {
    return this.#request((rid) => encodeFrame({ t: 'settings', rid })).then((f) => (f as Extract<ServerFrame, { t: 'settings' }>).docs);
  }

  saveSettings(save: SettingSave): Promise<SettingDocument> {
    return this.#request((rid) => encodeFrame({ t: 'save-settings', rid, save })).then((f) => (f as Extract<ServerFrame, { t: 'settings' }>).docs[0]!);
  }

  /** Drop the connection as a network failure would (the transport reconnects). */
  /** Skip the rest of a backoff wait (e.g. the browser just came back online). */
  reconnectNow(): void {
    if (this.#closed || this.#pipe || this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#attempt = 0;
    this.#open('reconnecting');
  }

  /**
   * A failure outside any command or request (a leader tab that could not start, an outbox that
   * cannot be written) reaches the client's `error` listeners instead of vanishing.
   */
  reportError(error: FlagError): void {
    if (this.#handlers) this.#handlers.error(error);
    else this.#unreported.push(error);
  }

  drop(): void {
    this.#pipe?.close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    const pipe = this.#pipe;
    this.#pipe = null;
    pipe?.close();
    const err = closedError();
    for (const c of this.#commands.values()) for (const w of c.waiters) w.reject(err);
    for (const r of this.#requests.values()) r.pending.reject(err);
    this.#commands.clear();
    this.#requests.clear();
    this.#status('offline');
  }

  async #restoreOutbox(): Promise<void> {
    const saved =
      (await this.#opts.outbox?.load().catch((err: unknown) => {
        this.reportError(outboxError('load', `The outbox could not be read (${String(err)}): commands not yet answered before this page loaded are not resent.`));
        return [];
      })) ?? [];
    for (const envelope of saved) {
      if (!this.#commands.has(envelope.id)) this.#commands.set(envelope.id, { envelope, waiters: [] });
    }
  }

  #request(build: (rid: string) => string): Promise<ServerFrame> {
    if (this.#closed) return Promise.reject(closedError());
    const rid = `r${++this.#nextRid}`;
    const frame = build(rid);
    return new Promise((resolve, reject) => {
      this.#requests.set(rid, { frame, pending: { resolve, reject } });
      if (this.#online) this.#pipe!.send(frame);
    });
  }

  #open(status: ConnectionStatus): void {
    if (this.#closed) return;
    this.#status(status);
    let opened: Pipe | null = null;
    const handlers: PipeHandlers = {
      message: (raw) => {
        if (this.#pipe === opened) this.#receive(raw);
      },
      close: (reason) => {
        if (this.#pipe !== opened && opened !== null) return;
        this.#pipe = null;
        this.#online = false;
        this.#retry(reason);
      },
    };
    try {
      opened = this.#opts.connect(handlers);
    } catch (err) {
      this.#retry(String(err));
      return;
    }
    this.#pipe = opened;
    void Promise.resolve(this.#opts.token?.())
      .then((token) => {
        if (this.#pipe !== opened) return;
        const resume = this.#handlers!.resumePoint();
        opened.send(encodeFrame(token === undefined ? { t: 'hello', resume } : { t: 'hello', token, resume }));
      })
      .catch((err: unknown) => this.#handlers!.error(new FlagError('unauthenticated', `Could not get a token: ${String(err)}`)));
  }

  #retry(_reason: string, delayMs?: number): void {
    if (this.#closed) return;
    this.#status('reconnecting');
    if (this.#attempt === 0) this.#lostAt = Date.now();
    const wait = delayMs ?? reconnectDelay(this.#attempt, Date.now() - this.#lostAt, this.#opts.backoff, this.#opts.random);
    this.#attempt++;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#open('reconnecting');
    }, wait);
  }

  #receive(raw: string): void {
    let frame: ServerFrame;
    try {
      frame = decodeServerFrame(raw);
    } catch (err) {
      this.#handlers!.error(err as FlagError);
      return;
    }
    const h = this.#handlers!;
    switch (frame.t) {
      case 'welcome':
        this.#online = true;
        this.#attempt = 0;
        this.#pipe?.welcomed?.();
        h.welcome({ me: frame.me, epoch: frame.epoch, pos: frame.pos, resumed: frame.resumed, ...(frame.config ? { config: frame.config } : {}) });
        this.#status('online');
        for (const { envelope } of this.#commands.values()) this.#sendCommand(envelope);
        for (const { frame: f } of this.#requests.values()) this.#pipe?.send(f);
        return;
      case 'event':
        h.event({ pos: frame.pos, event: frame.event });
        return;
      case 'presence':
        h.presence?.(frame.presence);
        return;
      case 'result':
        return this.#settleCommand(frame.id, (w) => w.resolve(frame.outcome));
      case 'history':
      case 'snapshot':
      case 'lowered':
        return this.#settleRequest(frame.rid, (p) => p.resolve(frame));
      case 'settings':
        if (frame.rid !== undefined) return this.#settleRequest(frame.rid, (p) => p.resolve(frame));
        h.settings?.(frame.docs);
        return;
      case 'error': {
        const error = FlagError.from(frame.error);
        if (frame.rid !== undefined && this.#commands.has(frame.rid)) {
          if (error.code === 'unavailable') return this.#resendLater(frame.rid, error);
          return this.#settleCommand(frame.rid, (w) => w.reject(error));
        }
        if (frame.rid !== undefined && this.#requests.has(frame.rid)) return this.#settleRequest(frame.rid, (p) => p.reject(error));
        h.error(error);
        if (error.code === 'unauthenticated') this.close();
        return;
      }
      case 'bye':
        this.#online = false;
        this.#pipe?.close();
        this.#pipe = null;
        this.#retry(frame.reason, byeDelay(frame.reconnectInMs, this.#opts.random));
        return;
    }
  }

  /**
   * The source of truth could not make a command durable yet (its storage is failing over): the
   * host hears of it, and the same id goes again after `retryAfterMs` — idempotent, so a command
   * that was stored after all gets its stored outcome. A reconnect in between resends it anyway.
   */
  #resendLater(id: string, error: FlagError): void {
    this.#handlers!.error(error);
    const after = error.details?.retryAfterMs;
    setTimeout(() => {
      const entry = this.#commands.get(id);
      if (entry && this.#online) this.#sendCommand(entry.envelope);
    }, typeof after === 'number' ? after : 1_000);
  }

  #sendCommand(envelope: CommandEnvelope): void {
    this.#pipe?.send(encodeFrame({ t: 'cmd', id: envelope.id, cmd: envelope.command }));
  }

  #settleCommand(id: string, settle: (w: Pending<Outcome>) => void): void {
    const entry = this.#commands.get(id);
    if (!entry) return;
    this.#commands.delete(id);
    this.#opts.outbox?.delete(id).catch((err: unknown) =>
      this.reportError(outboxError('delete', `Answered command ${id} could not be removed from the outbox (${String(err)}): after a reload it is resent and answered from its first result, never applied twice.`)),
    );
    for (const w of entry.waiters) settle(w);
  }

  #settleRequest(rid: string, settle: (p: Pending<ServerFrame>) => void): void {
    const entry = this.#requests.get(rid);
    if (!entry) return;
    this.#requests.delete(rid);
    settle(entry.pending);
  }

  #status(status: ConnectionStatus): void {
    this.#handlers?.status(status);
  }
}

/**
 * The wait before reconnect attempt `attempt` (0-based), `sinceLostMs` after the connection was
 * lost: full jitter under min(initialMs × 2^attempt, cap), the cap being `fastMaxMs` inside the
 * fast window and `maxMs` after it (see FrameTransportOptions.backoff).
 */
export function reconnectDelay(attempt: number, sinceLostMs: number, backoff: FrameTransportOptions['backoff'] = {}, random: () => number = Math.random): number {
  const { initialMs = 250, maxMs = 5_000, fastWindowMs = 10_000, fastMaxMs = 1_000 } = backoff;
  const limit = sinceLostMs < fastWindowMs ? Math.min(fastMaxMs, maxMs) : maxMs;
  return Math.floor(random() * Math.min(limit, initialMs * 2 ** attempt));
}

/**
 * The wait after a `bye` frame: the relay's hint plus a little jitter (a quarter of it, at most
 * 1 s). A relay that schedules each client's own slot needs no more spreading than that.
 */
export function byeDelay(reconnectInMs: number, random: () => number = Math.random): number {
  return reconnectInMs + Math.floor(random() * Math.min(1_000, reconnectInMs / 4));
}

function outboxError(operation: 'load' | 'put' | 'delete', message: string): FlagError {
  return new FlagError('internal', message, { source: 'outbox', operation });
}

function closedError(): FlagError {
  return new FlagError('transport-closed', 'The transport was closed.');
}
