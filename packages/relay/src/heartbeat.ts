/**
 * The relay's heartbeat: every connection is pinged once per interval, and one that has not
 * answered its last ping by its next turn is reported missed (the relay cuts it off).
 *
 * The pings are spread over the interval in slices, not sent all at once: with 2,000 connections
 * one sweep held the relay's thread for 40–140 ms every 30 s, every command arriving meanwhile
 * waited through it, and the 2,000 pongs came back together (bench/README.md, section 4). A
 * connection's turn comes once per cycle, in the set's order, and a cycle starts at most once per
 * interval. As connections leave, the ones after them move up in the next cycle, so one pinged
 * less than half an interval ago is not judged yet: it waits for its next turn.
 */
export interface Pingable {
  /** Set false by `ping()`, true again by the pong. */
  readonly alive: boolean;
  ping(): void;
}

/** Slices per interval (at least 10 ms apart): 2,000 connections are 40 pings a slice. */
const SLICES = 50;

export class Heartbeat<C extends Pingable> {
  readonly #connections: ReadonlySet<C>;
  readonly #intervalMs: number;
  readonly #slices: number;
  readonly #missed: (conn: C) => void;
  readonly #now: () => number;
  readonly #pingedAt = new WeakMap<C, number>();
  #cycle: Iterator<C> | null = null;
  #cycleStarted = -Infinity;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(connections: ReadonlySet<C>, intervalMs: number, missed: (conn: C) => void, now: () => number = Date.now) {
    this.#connections = connections;
    this.#intervalMs = intervalMs;
    this.#slices = Math.max(1, Math.min(SLICES, Math.floor(intervalMs / 10)));
    this.#missed = missed;
    this.#now = now;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.tick(), this.#intervalMs / this.#slices);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One slice: the next share of the connections (the timer calls it; tests may too). */
  tick(): void {
    const now = this.#now();
    for (let n = Math.ceil(this.#connections.size / this.#slices); n > 0; n--) {
      let next = this.#cycle?.next();
      if (!next || next.done) {
        if (now - this.#cycleStarted < this.#intervalMs) return;
        this.#cycleStarted = now;
        this.#cycle = this.#connections.values();
        next = this.#cycle.next();
        if (next.done) return;
      }
      this.#visit(next.value, now);
    }
  }

  #visit(conn: C, now: number): void {
    if (conn.alive) {
      conn.ping();
      this.#pingedAt.set(conn, now);
    } else if (now - (this.#pingedAt.get(conn) ?? -Infinity) >= this.#intervalMs / 2) {
      this.#missed(conn);
    }
  }
}
