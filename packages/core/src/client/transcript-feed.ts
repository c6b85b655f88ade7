import type { TranscriptEntry, TranscriptSink } from '../transcript.js';

/**
 * Delivers transcript entries to the host's sink one at a time, in the order the client
 * applied them. A rejected append is retried (same entry, same id) with backoff; nothing
 * after it is delivered first, so the transcript never reorders.
 */
export class TranscriptFeed {
  readonly #sink: TranscriptSink;
  readonly #onError: (entry: TranscriptEntry, error: unknown) => void;
  readonly #queue: TranscriptEntry[] = [];
  #running = false;
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(sink: TranscriptSink, onError: (entry: TranscriptEntry, error: unknown) => void) {
    this.#sink = sink;
    this.#onError = onError;
  }

  push(entry: TranscriptEntry): void {
    this.#queue.push(entry);
    if (!this.#running) void this.#drain(0);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  async #drain(attempt: number): Promise<void> {
    this.#running = true;
    while (this.#queue.length && !this.#closed) {
      const entry = this.#queue[0]!;
      try {
        await this.#sink.append(entry);
        this.#queue.shift();
        attempt = 0;
      } catch (error) {
        this.#onError(entry, error);
        const delay = Math.min(30_000, 500 * 2 ** attempt);
        this.#timer = setTimeout(() => void this.#drain(attempt + 1), delay);
        return;
      }
    }
    this.#running = false;
  }
}
