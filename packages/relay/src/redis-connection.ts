/**
 * How the relay reaches Redis, from `--store`: one server (`redis://HOST:PORT[/DB]`) or a
 * primary found through Redis Sentinel (`redis-sentinel://[:PASSWORD@]HOST:PORT,HOST:PORT,…/MASTER-NAME[/DB]`).
 * With Sentinel every connection asks the Sentinels for the current primary, listens for their
 * `+switch-master` announcements and reconnects to a promoted replica without a restart.
 */
import { Redis, type RedisOptions } from 'ioredis';

export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'sentinel'; sentinels: { host: string; port: number }[]; name: string; db: number; password?: string };

const SENTINEL = /^redis-sentinel:\/\/(?:(?::([^@]*))@)?([^/@]+)\/([^/]+)(?:\/(\d+))?$/;

/** The store URL's Redis part; throws with a message fit for the user on a malformed one. */
export function redisTarget(store: string): RedisTarget {
  if (/^rediss?:\/\/.+/.test(store)) return { kind: 'single', url: store };
  const m = SENTINEL.exec(store);
  if (!m) throw new Error(`expected redis://HOST:PORT[/DB] or redis-sentinel://HOST:PORT,HOST:PORT,…/MASTER-NAME[/DB], got ${JSON.stringify(store)}`);
  const sentinels = m[2]!.split(',').map((hostPort) => {
    const at = hostPort.lastIndexOf(':');
    const port = Number(hostPort.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`Sentinel address ${JSON.stringify(hostPort)} is not HOST:PORT`);
    return { host: hostPort.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port };
  });
  return { kind: 'sentinel', sentinels, name: decodeURIComponent(m[3]!), db: Number(m[4] ?? 0), ...(m[1] ? { password: decodeURIComponent(m[1]) } : {}) };
}

/**
 * A connection to the primary. In-flight commands are resent after a reconnect (ioredis'
 * default); callers that need "this reply came from the server that ran my write" (WAIT)
 * send both in one pipeline, which ioredis aborts rather than half-resends.
 */
export function connectRedis(target: RedisTarget, extra: RedisOptions = {}): Redis {
  if (target.kind === 'single') return new Redis(target.url, extra);
  return new Redis({
    sentinels: target.sentinels,
    name: target.name,
    role: 'master',
    db: target.db,
    ...(target.password !== undefined ? { password: target.password } : {}),
    // Reconnect at once when the Sentinels announce a new primary (a paused primary keeps the
    // TCP connection open and would otherwise hold every command until it resumes).
    failoverDetector: true,
    // A demoted primary answers writes with READONLY: find the new one.
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 1 : false),
    sentinelRetryStrategy: (attempt) => Math.min(100 * attempt, 1000),
    ...extra,
  });
}

/**
 * How many replicas the Sentinels know for the master (down ones included; `replica-priority 0`
 * ones, which are never promoted, left out): the first Sentinel that answers decides.
 */
export async function knownReplicas(target: Extract<RedisTarget, { kind: 'sentinel' }>): Promise<number> {
  for (const { host, port } of target.sentinels) {
    const sentinel = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    sentinel.on('error', () => {}); // the next Sentinel is asked instead
    try {
      await sentinel.connect();
      const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', target.name)) as string[][];
      return replicas.filter((fields) => fields[fields.indexOf('slave-priority') + 1] !== '0').length;
    } catch {
      // unreachable or does not know the master: ask the next one
    } finally {
      sentinel.disconnect();
    }
  }
  throw new Error(`No Sentinel answered for master ${JSON.stringify(target.name)}.`);
}

