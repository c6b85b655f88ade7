// The load generator's two kinds of connection, with one interface so the same workload drives
// both servers: `send(id, cmd)` → `onResult(id, outcome)`, and `onEvent(event)` for fan-out.
//   FlaglineConnection: protocol frames straight over `ws` (encodeFrame / decodeServerFrame),
//     resume points, and the FrameTransport's own reconnect policy (`reconnectDelay` after a drop,
//     `byeDelay` after a bye frame, both from @flagline/core).
//   SocketIoConnection: socket.io-client, commands as acknowledged emits, events as 'event'.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { byeDelay, decodeServerFrame, encodeFrame, reconnectDelay } from '@flagline/core';
import { io } from 'socket.io-client';

// The relay's own `ws` (8.x); the root one is an older copy pulled in by test tooling.
const WebSocket = createRequire(resolve(import.meta.dirname, '../../packages/relay/package.json'))('ws');

export class FlaglineConnection {
  /** Set by the workload. */
  onResult = () => {};
  onEvent = () => {};
  /** Called on every welcome: `resumed` false means a snapshot was needed (and was fetched). */
  onReady = () => {};
  /** Counted per attempt: `opened` (the WebSocket upgrade succeeded), `refused` (no relay), `bye` (told when to come back). */
  onAttempt = () => {};

  #ws = null;
  #attempt = 0;
  #lostAt = 0;
  #resume = null;
  #closing = false;
  #snapshotting = false;

  constructor(url, token) {
    this.url = url;
    this.token = token;
  }

  /** Resolves at the first welcome (and snapshot when one is needed). */
  connect() {
    return new Promise((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error('no welcome within 30 s')), 30_000);
      const first = this.onReady;
      this.onReady = (resumed) => {
        clearTimeout(timer);
        this.onReady = first;
        resolveReady(resumed);
      };
      this.#open();
    });
  }

  #open() {
    const ws = new WebSocket(this.url);
    this.#ws = ws;
    let bye = null;
    let opened = false;
    ws.on('open', () => {
      opened = true;
      this.onAttempt('opened');
      ws.send(encodeFrame({ t: 'hello', token: this.token, resume: this.#resume }));
    });
    ws.on('message', (data) => {
      const frame = decodeServerFrame(data.toString());
      switch (frame.t) {
        case 'event':
          if (this.#resume) this.#resume.pos = Math.max(this.#resume.pos, frame.pos);
          return this.onEvent(frame.event);
        case 'result':
          return this.onResult(frame.id, frame.outcome);
        case 'welcome':
          this.#attempt = 0;
          if (frame.resumed) return this.onReady(true);
          this.#resume = { epoch: frame.epoch, pos: frame.pos };
          this.#snapshotting = true;
          return ws.send(encodeFrame({ t: 'snapshot', rid: 'snap' }));
        case 'snapshot':
          this.#resume = { epoch: frame.snapshot.epoch, pos: frame.snapshot.pos };
          if (!this.#snapshotting) return;
          this.#snapshotting = false;
          return this.onReady(false);
        case 'bye':
          bye = frame.reconnectInMs;
          return this.onAttempt('bye');
        case 'error':
          return frame.rid ? this.onResult(frame.rid, { ok: false, error: frame.error }) : this.onResult(null, { ok: false, error: frame.error });
      }
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      if (this.#closing) return;
      if (!opened) this.onAttempt('refused');
      if (this.#attempt === 0) this.#lostAt = Date.now();
      const wait = bye !== null ? byeDelay(bye) : reconnectDelay(this.#attempt, Date.now() - this.#lostAt);
      this.#attempt++;
      setTimeout(() => this.#open(), wait);
    });
  }

  send(id, cmd) {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(encodeFrame({ t: 'cmd', id, cmd }));
    else this.onResult(id, { ok: false, error: { code: 'transport-closed', message: 'not connected' } });
  }

  close() {
    this.#closing = true;
    this.#ws?.close();
  }
}

export class SocketIoConnection {
  onResult = () => {};
  onEvent = () => {};
  onReady = () => {};
  #socket = null;

  constructor(url, token) {
    this.url = url;
    this.token = token;
  }

  connect() {
    return new Promise((resolveReady, reject) => {
      const socket = io(this.url, { transports: ['websocket'], auth: { token: this.token }, reconnection: false, forceNew: true, timeout: 30_000 });
      this.#socket = socket;
      socket.on('event', (frame) => this.onEvent(frame.event));
      socket.once('connect', () => resolveReady(false));
      socket.once('connect_error', (err) => reject(err));
    });
  }

  send(id, cmd) {
    this.#socket.emit('cmd', { id, cmd }, (outcome) => this.onResult(id, outcome));
  }

  close() {
    this.#socket?.close();
  }
}
