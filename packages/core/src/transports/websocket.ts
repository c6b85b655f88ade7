/**
 * The WebSocket transport: FrameTransport (reconnect with backoff and full jitter, outbox,
 * request matching, resume) over a WebSocket to a Flagline relay. It adds the socket itself and
 * in-band token refresh: before the token's `exp` it asks `token()` again and sends a refresh
 * frame, so a long shift never drops for an expired token.
 */
import { FlagError } from '../errors.js';
import { encodeFrame } from '../wire/frames.js';
import { FrameTransport, type Connector, type Outbox } from './frame-transport.js';

/** The part of the WebSocket API used here: browsers' WebSocket and Node's `ws` both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: { type: string; data?: unknown; code?: number; reason?: string }) => void): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WebSocketTransportOptions {
  /**
   * The relay's WebSocket endpoint, e.g. `wss://relay.example.com/ws`; or a function asked at
   * every (re)connect, to spread clients over several relay processes without a load balancer.
   */
  url: string | (() => string);
  /** A signed JWT for the relay; called at every connect and before the current one expires. */
  token: () => string | Promise<string>;
  /** Where unacknowledged commands wait (IndexedDbOutbox in browsers survives a reload). Default: memory. */
  outbox?: Outbox;
  /** The WebSocket class. Default: `globalThis.WebSocket`; in Node 20 pass `WebSocket` from `ws`. */
  WebSocket?: WebSocketConstructor;
  /** Reconnect backoff with full jitter; default 250 ms doubling up to 5 s. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Refresh the token this long before it expires (at most half its remaining life). Default 60 s. */
  refreshBeforeMs?: number;
}

const CONNECTING = 0;
const OPEN = 1;

export function createWebSocketTransport(opts: WebSocketTransportOptions): FrameTransport {
  const Socket = opts.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor | undefined);
  if (!Socket) throw new FlagError('invalid-input', 'No WebSocket implementation: pass the `WebSocket` option (in Node 20, the one from `ws`).');
  const refreshBeforeMs = opts.refreshBeforeMs ?? 60_000;
  let current: string | undefined;

  const connect: Connector = (handlers) => {
    const ws = new Socket(typeof opts.url === 'function' ? opts.url() : opts.url);
    const early: string[] = [];
    let closed = false;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;

    const scheduleRefresh = () => {
      clearTimeout(refreshTimer);
      const exp = current === undefined ? undefined : expiryOf(current);
      if (exp === undefined) return;
      const remaining = exp - Date.now();
      const delay = Math.max(0, remaining - Math.min(refreshBeforeMs, remaining / 2));
      refreshTimer = setTimeout(() => {
        void Promise.resolve(opts.token()).then(
          (token) => {
            if (closed || ws.readyState !== OPEN) return;
            current = token;
            ws.send(encodeFrame({ t: 'refresh', token }));
            scheduleRefresh();
          },
          // No new token: the relay closes the connection at expiry and the reconnect asks again.
          () => {},
        );
      }, Math.min(delay, 2 ** 31 - 1));
    };
    const finish = (reason: string) => {
      if (closed) return;
      closed = true;
      clearTimeout(refreshTimer);
      handlers.close(reason);
    };

    ws.addEventListener('open', () => {
      for (const raw of early.splice(0)) ws.send(raw);
    });
    ws.addEventListener('message', (event) => {
      if (closed) return;
      // Binary frames are not part of the protocol; hand them on so the decoder reports them.
      handlers.message(typeof event.data === 'string' ? event.data : '');
    });
    ws.addEventListener('close', (event) => finish(`closed (${event.code ?? '?'}${event.reason ? `: ${event.reason}` : ''})`));
    // An error is always followed by close; nothing to add here.
    ws.addEventListener('error', () => {});

    return {
      welcomed: scheduleRefresh,
      send(raw) {
        if (closed) return;
        if (ws.readyState === OPEN) ws.send(raw);
        else if (ws.readyState === CONNECTING) early.push(raw);
      },
      close() {
        if (closed) return;
        ws.close(1000, 'client closed');
        // Report asynchronously, as a network close would be.
        queueMicrotask(() => finish('closed by client'));
      },
    };
  };

  const transport = new FrameTransport({
    connect,
    token: async () => (current = await opts.token()),
    ...(opts.outbox ? { outbox: opts.outbox } : {}),
    ...(opts.backoff ? { backoff: opts.backoff } : {}),
  });
  // A browser that comes back online reconnects at once instead of waiting out its backoff.
  if (typeof window !== 'undefined') {
    const online = () => transport.reconnectNow();
    window.addEventListener('online', online);
    const close = transport.close.bind(transport);
    transport.close = () => {
      window.removeEventListener('online', online);
      close();
    };
  }
  return transport;
}

/** `exp` of a JWT in ms, read without verifying (the relay verifies); undefined if not a JWT. */
function expiryOf(token: string): number | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
