/**
 * The retention purge (`--retention-days`): a periodic job that deletes every event of the flags
 * lowered before the cutoff — their transcripts hold customer data. It runs beside commands:
 * small steps (one transaction or MULTI each), the event loop free between them.
 *
 * Order matters so nothing comes back: the Authority first writes a checkpoint, captured now,
 * so the latest checkpoint holds nothing of a flag lowered before the cutoff (such a flag left
 * memory long before: the cutoff is further back than the Authority's in-memory retention), and
 * each store deletes only flags lowered at or before its latest checkpoint.
 */
import type { Authority } from '@flagline/core/authority';
import { ConfigError } from './config.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { Purged, RelayStore } from './store.js';

export const DAY_MS = 86_400_000;
/** Flags per purge step: each step is one short write, so commands wait at most for one. */
const STEP = 200;

export interface RetentionOptions {
  authority: Authority;
  storage: RelayStore;
  retentionMs: number;
  /** How often the purge runs; it also runs at start. */
  intervalMs: number;
  metrics: Metrics;
  log: Logger;
  now?: () => number;
}

export class RetentionJob {
  readonly #opts: RetentionOptions;
  readonly #now: () => number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<Purged | null> | null = null;
  #stopped = false;

  constructor(opts: RetentionOptions) {
    if (opts.retentionMs < opts.authority.historyRetentionMs)
      throw new ConfigError(`The retention (${opts.retentionMs} ms) must be at least the Authority's in-memory retention (${opts.authority.historyRetentionMs} ms).`);
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** Run now, then every `intervalMs`. */
  start(): void {
    void this.run();
    this.#timer ??= setInterval(() => void this.run(), this.#opts.intervalMs);
    this.#timer.unref();
  }

  /**
   * One whole purge: what it deleted, or null when it could not run (reported in the log and
   * /metrics; the next run tries again). A run already going is joined, not doubled.
   */
  run(): Promise<Purged | null> {
    this.#running ??= this.#purge().finally(() => (this.#running = null));
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  async #purge(): Promise<Purged | null> {
    const { authority, storage, metrics, log } = this.#opts;
    const cutoff = this.#now() - this.#opts.retentionMs;
    const total: Purged = { flags: 0, events: 0 };
    try {
      const written = await authority.checkpoint();
      if (!written || 'error' in written) throw new Error(`no checkpoint to purge behind: ${written ? written.error.message : 'the store keeps none'}`);
      for (;;) {
        const step = await storage.purge(cutoff, STEP);
        metrics.purged(step);
        total.flags += step.flags;
        total.events += step.events;
        if (step.flags < STEP || this.#stopped) break;
        await new Promise((resolve) => setImmediate(resolve)); // commands waiting run between steps
      }
    } catch (err) {
      metrics.purgeRun('error', cutoff);
      log.error('retention purge failed; it runs again later', { error: (err as Error).message, purgedFlags: total.flags });
      return null;
    }
    metrics.purgeRun('ok', cutoff);
    log.info('retention purge done', { cutoff: new Date(cutoff).toISOString(), ...total });
    return total;
  }
}
