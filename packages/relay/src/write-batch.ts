import type { Writable } from 'node:stream';

/**
 * Frames sent to one socket within one turn of the event loop leave in one write. A group commit
 * fans out many events at once, and a write per frame (a `writev` system call each) was the
 * relay's largest CPU cost under load (issue 18's profile: 37 % of its busy time). A socket is
 * corked at its first frame of the turn; every corked socket is uncorked together once the turn's
 * I/O callbacks are done (`setImmediate`), so a frame waits at most for the rest of its turn.
 * Frames still go out only after what they announce is durable: this only groups the writes.
 */
export class WriteBatch {
  readonly #corked = new Set<Writable>();
  #scheduled = false;

  /** Call before writing to `socket`: holds its writes until the end of this turn. */
  hold(socket: Writable): void {
    if (this.#corked.has(socket)) return;
    socket.cork();
    this.#corked.add(socket);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#flush);
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    for (const socket of this.#corked) socket.uncork();
    this.#corked.clear();
  };
}
