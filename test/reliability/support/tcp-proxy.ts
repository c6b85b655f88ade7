/**
 * A hostile loopback TCP proxy for the chaos suite: every byte goes through, in order, but late
 * (random latency) and torn (each chunk split into random pieces written separately). It can
 * cut random connections. When the target is down, new connections are closed at once, as a
 * refused connection would be.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface ProxyOptions {
  targetPort: number;
  /** Added delay per chunk, uniformly in [0, maxLatencyMs]. */
  maxLatencyMs: number;
  /** A chunk is split into at most this many pieces. */
  maxPieces: number;
  random?: () => number;
}

interface Pair {
  client: Socket;
  upstream: Socket;
}

export class TcpProxy {
  port = 0;
  /** Connections cut on purpose, and chunks split into more than one piece. */
  readonly stats = { connections: 0, cut: 0, splitChunks: 0 };
  readonly #server: Server;
  readonly #pairs = new Set<Pair>();
  readonly #opts: ProxyOptions;
  readonly #random: () => number;

  constructor(opts: ProxyOptions) {
    this.#opts = opts;
    this.#random = opts.random ?? Math.random;
    this.#server = createServer((client) => this.#accept(client));
  }

  async listen(): Promise<void> {
    await new Promise<void>((ok) => this.#server.listen(0, '127.0.0.1', ok));
    this.port = (this.#server.address() as { port: number }).port;
  }

  /** Cut each open connection with probability `fraction`; returns how many were cut. */
  cutRandom(fraction: number): number {
    let n = 0;
    for (const pair of [...this.#pairs]) {
      if (this.#random() >= fraction) continue;
      this.#destroy(pair);
      n++;
    }
    this.stats.cut += n;
    return n;
  }

  async close(): Promise<void> {
    for (const pair of [...this.#pairs]) this.#destroy(pair);
    await new Promise<void>((ok) => this.#server.close(() => ok()));
  }

  #accept(client: Socket): void {
    this.stats.connections++;
    const upstream = connect(this.#opts.targetPort, '127.0.0.1');
    const pair = { client, upstream };
    this.#pairs.add(pair);
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      s.on('error', () => this.#destroy(pair));
      s.on('close', () => this.#destroy(pair));
    }
    this.#pipe(client, upstream);
    this.#pipe(upstream, client);
  }

  /** Forward `from` → `to` with latency and torn writes, keeping byte order. */
  #pipe(from: Socket, to: Socket): void {
    let chain = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const delay = Math.floor(this.#random() * (this.#opts.maxLatencyMs + 1));
      const pieces = split(chunk, 1 + Math.floor(this.#random() * this.#opts.maxPieces), this.#random);
      if (pieces.length > 1) this.stats.splitChunks++;
      // Pause reading while a chunk is in flight: backpressure stays real and order is kept.
      from.pause();
      chain = chain
        .then(() => wait(delay))
        .then(async () => {
          for (const piece of pieces) {
            if (to.destroyed) return;
            to.write(piece);
            // Separate writes reach the other side as separate reads most of the time.
            await new Promise((r) => setImmediate(r));
          }
        })
        .finally(() => from.resume());
    });
  }

  #destroy(pair: Pair): void {
    if (!this.#pairs.delete(pair)) return;
    pair.client.destroy();
    pair.upstream.destroy();
  }
}

function wait(ms: number): Promise<void> {
  return ms === 0 ? Promise.resolve() : new Promise((r) => setTimeout(r, ms));
}

function split(chunk: Buffer, pieces: number, random: () => number): Buffer[] {
  if (pieces <= 1 || chunk.length < 2) return [chunk];
  const cuts = new Set<number>();
  for (let i = 1; i < pieces; i++) cuts.add(1 + Math.floor(random() * (chunk.length - 1)));
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of sorted) {
    out.push(chunk.subarray(from, cut));
    from = cut;
  }
  out.push(chunk.subarray(from));
  return out;
}
