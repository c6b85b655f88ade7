/**
 * A raw protocol client for relay tests: sends frames as written (valid or not) and waits for
 * the frames the relay sends back, so tests can see exactly what crosses the wire.
 */
import { WebSocket } from 'ws';
import type { ClientFrame, Command, FlagEvent, ResumePoint, ServerFrame } from '@flagline/core';

type Frame = ServerFrame;
export interface Closed {
  code: number;
  reason: string;
}

export class RawClient {
  /** Frames received and not yet taken by `next`. */
  readonly frames: Frame[] = [];
  /** Every frame received, in order. */
  readonly log: Frame[] = [];
  readonly closed: Promise<Closed>;
  readonly #checks = new Set<() => void>();
  #waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((done) => ws.on('close', (code, reason) => done({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.log.push(frame);
      for (const check of [...this.#checks]) check();
      const i = this.#waiters.findIndex((w) => w.match(frame));
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(frame);
      else this.frames.push(frame);
    });
  }

  /** Open a socket (rejects when the upgrade is refused, e.g. with the HTTP status). */
  static open(url: string, headers: Record<string, string> = {}): Promise<RawClient> {
    return new Promise((ok, fail) => {
      const ws = new WebSocket(url, { headers });
      const client = new RawClient(ws);
      ws.once('open', () => ok(client));
      ws.once('unexpected-response', (_req, res) => fail(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', fail);
    });
  }

  /** Open, say hello, wait for welcome (or the refusal). */
  static async connect(url: string, token: string | undefined, resume: ResumePoint | null = null): Promise<RawClient> {
    const c = await RawClient.open(url);
    c.send(token === undefined ? { t: 'hello', resume } : { t: 'hello', token, resume });
    await c.next((f) => f.t === 'welcome');
    return c;
  }

  send(frame: Omit<ClientFrame, 'v'> | Record<string, unknown>): void {
    this.ws.send(JSON.stringify({ v: 1, ...frame }));
  }

  /**
   * Several frames in ONE network write (the socket is corked while they are queued), as an
   * attacker pipelining frames would send them: the relay sees them back to back.
   */
  sendPipelined(frames: (Omit<ClientFrame, 'v'> | Record<string, unknown>)[]): void {
    const socket = (this.ws as unknown as { _socket: import('node:net').Socket })._socket;
    socket.cork();
    for (const frame of frames) this.send(frame);
    socket.uncork();
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** The next frame (not yet consumed by an earlier `next`) that matches. */
  next<T extends Frame>(match: (f: Frame) => f is T): Promise<T>;
  next<T extends Frame = Frame>(match?: (f: Frame) => boolean): Promise<T>;
  next<T extends Frame = Frame>(match: (f: Frame) => boolean = () => true): Promise<T> {
    for (let i = 0; i < this.frames.length; i++) {
      if (match(this.frames[i]!)) {
        const f = this.frames[i]!;
        this.frames.splice(i, 1);
        return Promise.resolve(f as T);
      }
    }
    return new Promise((resolve) => this.#waiters.push({ match, resolve: resolve as (f: Frame) => void }));
  }

  /** Resolves once `cond` holds, checked after every frame received. */
  until(cond: (log: readonly Frame[]) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!cond(this.log)) return;
        this.#checks.delete(check);
        resolve();
      };
      this.#checks.add(check);
      check();
    });
  }

  /** Send a command and wait for its result (or error) frame. */
  async command(id: string, cmd: Command): Promise<Extract<Frame, { t: 'result' | 'error' }>> {
    this.send({ t: 'cmd', id, cmd });
    return this.next((f) => (f.t === 'result' && f.id === id) || (f.t === 'error' && f.rid === id));
  }

  /** A flag's events, as this connection's participant may read them. */
  async history(flagId: string, rid = `h-${Math.random().toString(36).slice(2)}`): Promise<FlagEvent[]> {
    this.send({ t: 'history', rid, flagId, afterSeq: 0 });
    return (await this.next<Extract<Frame, { t: 'history' }>>((f) => f.t === 'history' && f.rid === rid)).events;
  }

  /** Round-trip proof that the connection still works: a snapshot request answers. */
  async ping(rid = `p-${Math.random().toString(36).slice(2)}`): Promise<void> {
    this.send({ t: 'snapshot', rid });
    await this.next((f) => f.t === 'snapshot' && f.rid === rid);
  }

  close(): void {
    this.ws.close();
  }
}
