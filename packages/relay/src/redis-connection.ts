/**
 * How the relay reaches Redis, from `--store`: one server (`redis://HOST:PORT[/DB]`), a
 * primary found through Redis Sentinel (`redis-sentinel://[:PASSWORD@]HOST:PORT,HOST:PORT,…/MASTER-NAME[/DB]`),
 * or a Redis Cluster (`redis-cluster://[:PASSWORD@]HOST:PORT,HOST:PORT,…`, any of its nodes).
 * With Sentinel every connection asks the Sentinels for the current primary, listens for their
 * `+switch-master` announcements and reconnects to a promoted replica without a restart. With a
 * Cluster every command goes to the primary of its key's slot; a promoted replica is found from
 * the cluster's slot map (refreshed on MOVED, on a lost node, and every second).
 */
import { createRequire } from 'node:module';
import type * as IoRedis from 'ioredis';
import type { Redis, RedisOptions } from 'ioredis';

/**
 * ioredis, required the first time a Redis connection is made: a relay on a SQLite file never
 * loads it. It is CommonJS, ~50 files that build a command table as they load (~80 ms of a
 * relay's start, while 2,000 clients wait to reconnect: bench/README.md, section 5); the CLI
 * bundle leaves it out for the same reason (a `require` esbuild does not follow).
 */
let ioredis: typeof IoRedis | undefined;
const driver = (): typeof IoRedis => (ioredis ??= createRequire(import.meta.url)('ioredis') as typeof IoRedis);

export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'sentinel'; sentinels: { host: string; port: number }[]; name: string; db: number; password?: string }
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; password?: string };

const SENTINEL = /^redis-sentinel:\/\/(?:(?::([^@]*))@)?([^/@]+)\/([^/]+)(?:\/(\d+))?$/;
const CLUSTER = /^redis-cluster:\/\/(?:(?::([^@]*))@)?([^/@]+)\/?$/;

function hostPorts(list: string, what: string): { host: string; port: number }[] {
  return list.split(',').map((hostPort) => {
    const at = hostPort.lastIndexOf(':');
    const port = Number(hostPort.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`${what} address ${JSON.stringify(hostPort)} is not HOST:PORT`);
    return { host: hostPort.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port };
  });
}

/** The store URL's Redis part; throws with a message fit for the user on a malformed one. */
export function redisTarget(store: string): RedisTarget {
  if (/^rediss?:\/\/.+/.test(store)) return { kind: 'single', url: store };
  const c = CLUSTER.exec(store);
  if (c) return { kind: 'cluster', nodes: hostPorts(c[2]!, 'Cluster node'), ...(c[1] ? { password: decodeURIComponent(c[1]) } : {}) };
  const m = SENTINEL.exec(store);
  if (!m) throw new Error(`expected redis://HOST:PORT[/DB], redis-sentinel://HOST:PORT,HOST:PORT,…/MASTER-NAME[/DB] or redis-cluster://HOST:PORT,HOST:PORT,…, got ${JSON.stringify(store)}`);
  const sentinels = hostPorts(m[2]!, 'Sentinel');
  return { kind: 'sentinel', sentinels, name: decodeURIComponent(m[3]!), db: Number(m[4] ?? 0), ...(m[1] ? { password: decodeURIComponent(m[1]) } : {}) };
}

/**
 * A connection to the primary. In-flight commands are resent after a reconnect (ioredis'
 * default); callers that need "this reply came from the server that ran my write" (WAIT)
 * send both in one pipeline, which ioredis aborts rather than half-resends.
 */
export function connectRedis(target: RedisTarget, extra: RedisOptions = {}): Redis {
  if (target.kind === 'single') return new (driver().Redis)(target.url, extra);
  if (target.kind === 'cluster') return connectCluster(target, extra);
  return new (driver().Redis)({
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
    const sentinel = new (driver().Redis)({ host, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
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


/**
 * A Redis Cluster client. Every key the relay writes for a tenant carries that tenant's hash
 * tag, so each script, pipeline and blocking read names keys of one slot, which a Cluster
 * serves exactly as one server would (WAIT in the same pipeline runs on that slot's primary):
 * it is handed out with the single server's type. Commands for a shard whose primary is gone
 * fail (the relay answers `unavailable`, clients retry) until its replica is promoted; other
 * shards are not affected (run the cluster with `cluster-require-full-coverage no`).
 */
function connectCluster(target: Extract<RedisTarget, { kind: 'cluster' }>, extra: RedisOptions): Redis {
  const { lazyConnect, maxRetriesPerRequest, ...node } = extra;
  const cluster = new (driver().Cluster)(target.nodes, {
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
    scaleReads: 'master',
    // Keep trying the other nodes while one is down; refresh the slot map often enough to find a promoted replica.
    clusterRetryStrategy: (attempt) => Math.min(100 * attempt, 1000),
    slotsRefreshInterval: 1_000,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    redisOptions: {
      ...node,
      ...(target.password !== undefined ? { password: target.password } : {}),
      ...(maxRetriesPerRequest !== undefined ? { maxRetriesPerRequest } : {}),
      // A demoted primary answers writes with READONLY: reconnect and follow the slot map.
      reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 1 : false),
    },
  });
  return cluster as unknown as Redis;
}
