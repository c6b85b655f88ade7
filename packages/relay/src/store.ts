/**
 * The relay's storage, chosen by `--store`: the embedded SQLite file (one process) or Redis
 * (several processes share one log). Both implement core's AuthorityStorage; the relay only
 * asks them for the few extra things below.
 */
import type { AuthorityStorage } from '@flagline/core/authority';
import type { RelayConfig } from './config.js';
import type { EventReader } from './http-routes.js';
import type { Logger } from './log.js';
import { RedisStorage } from './redis-storage.js';
import { SqliteStorage } from './sqlite-storage.js';

export interface RelayStore extends AuthorityStorage, EventReader {
  /** Why the store cannot take writes right now (readiness turns 503), or null. */
  readonly failure: Error | null;
  /** Redis: the replicas each append waits for (logged at start). */
  readonly minReplicasAcked?: number;
  /** Redis: resolves once the store answers a read (store-watch.ts); a store in this process's file has none. */
  probe?(): Promise<void>;
  /** Redis: drop the connections now, so what waits on them fails at once (a stop that cannot wait for a store cut off). */
  disconnect?(): void;
  /** Events the last load() read: the whole log, or a checkpoint's replay window and what followed. */
  readonly loadedEvents: number;
  /** Both relay stores keep checkpoints. */
  saveCheckpoint: NonNullable<AuthorityStorage['saveCheckpoint']>;
  /**
   * Delete the events of up to `limit` flags lowered before `cutoff` (ms since the epoch), and
   * only of flags lowered at or before the latest checkpoint (see retention.ts).
   */
  purge(cutoff: number, limit: number): Purged | Promise<Purged>;
}

/** What one purge step deleted. */
export interface Purged {
  flags: number;
  events: number;
}

/** `onDiverged`: the relay's state is not the store's any more (replicated Redis after a failover). */
export function openStore(config: RelayConfig, log: Logger, onDiverged: (reason: string) => void): RelayStore {
  if (config.store.startsWith('sqlite:')) {
    return new SqliteStorage({
      file: config.store.slice('sqlite:'.length),
      sync: config.sync,
      commitWindowMs: config.commitWindowMs,
      // The Authority stops accepting commands rather than diverge from disk; say so, and go unready.
      onFailure: (err) => log.error('storage write failed; commands are refused until restart', { error: err.message }),
    });
  }
  return new RedisStorage({
    url: config.store,
    namespace: config.redisNamespace,
    ...(config.minReplicasAcked !== undefined ? { minReplicasAcked: config.minReplicasAcked } : {}),
    replicaAckTimeoutMs: config.replicaAckTimeoutMs,
    warn: (message) => log.warn(message),
    onDiverged: (reason) => {
      log.error('state diverged from Redis after a failover; restarting with a new epoch', { reason });
      onDiverged(reason);
    },
  });
}
