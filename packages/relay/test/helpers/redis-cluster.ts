/**
 * A real Redis Cluster for tests, every node a `redis-server --cluster-enabled yes` process on
 * loopback (append-only file, fsync always), made into a cluster of three primaries with one
 * replica each by `redis-cli --cluster create`. Nodes time out after a second, and a shard with
 * no primary does not stop the others (`cluster-require-full-coverage no`). Faults: kill -9 a
 * node; restarted on its own data and nodes.conf, it rejoins (a failed-over primary as a replica).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { RedisNode } from './sentinel-cluster.js';

const CLUSTER_ARGS = [
  '--cluster-enabled', 'yes',
  '--cluster-config-file', 'nodes.conf',
  '--cluster-node-timeout', '1000',
  '--cluster-require-full-coverage', 'no',
  // A replica may take over however long it was cut off (the test kills primaries, not links).
  '--cluster-replica-validity-factor', '0',
];

/** A one-off command to a node: no reconnecting, failures are the caller's answer. */
export async function ask<T>(port: number, ...args: string[]): Promise<T> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, commandTimeout: 2_000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.call(args[0]!, ...args.slice(1))) as T;
  } finally {
    redis.disconnect();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // a node may be down or still starting: look again
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export class RedisClusterNodes {
  readonly dir = mkdtempSync(join(tmpdir(), 'flagline-cluster-'));
  readonly nodes = new Map<number, RedisNode>();

  /** `redis-cluster://…` naming every node. */
  get store(): string {
    return `redis-cluster://${[...this.nodes.keys()].map((p) => `127.0.0.1:${p}`).join(',')}`;
  }

  async start(primaries = 3, replicasEach = 1): Promise<void> {
    for (let i = 0; i < primaries * (1 + replicasEach); i++) {
      const port = await freePort([10_000]);
      const dir = join(this.dir, String(port));
      mkdirSync(dir);
      const node = new RedisNode(port, dir);
      this.nodes.set(port, node);
      await node.start(null, CLUSTER_ARGS);
    }
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...[...this.nodes.keys()].map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(replicasEach), '--cluster-yes'], { encoding: 'utf8' });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    await until(async () => {
      for (const port of this.nodes.keys()) if (!(await ask<string>(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
      return (await this.primaries()).length === primaries;
    }, 30_000, 'the cluster to form');
  }

  kill(port: number): Promise<void> {
    return this.nodes.get(port)!.kill();
  }

  /** Restarts a killed node on its data and nodes.conf: it rejoins the cluster. */
  restart(port: number): Promise<void> {
    return this.nodes.get(port)!.start(null, CLUSTER_ARGS);
  }

  /** A node that answers now (any will do for the slot map). */
  async #live(): Promise<number> {
    for (const port of this.nodes.keys()) {
      try {
        await ask(port, 'PING');
        return port;
      } catch {
        // down: try the next
      }
    }
    throw new Error('no cluster node answers');
  }

  /** The primary serving each slot range, from a live node's view. */
  async #slots(): Promise<{ from: number; to: number; primary: number }[]> {
    const ranges = await ask<[number, number, [string, number, string]][]>(await this.#live(), 'CLUSTER', 'SLOTS');
    return ranges.map(([from, to, [, primary]]) => ({ from, to, primary }));
  }

  /** Ports of the primaries that serve slots. */
  async primaries(): Promise<number[]> {
    return [...new Set((await this.#slots()).map((r) => r.primary))].sort();
  }

  /** The port of the primary that holds `key` now. */
  async primaryOf(key: string): Promise<number> {
    const slot = await ask<number>(await this.#live(), 'CLUSTER', 'KEYSLOT', key);
    return (await this.#slots()).find((r) => r.from <= slot && slot <= r.to)!.primary;
  }

  /** The port of a replica of the primary at `port`. */
  async replicaOf(port: number): Promise<number> {
    const lines = (await ask<string>(await this.#live(), 'CLUSTER', 'NODES')).split('\n');
    const id = lines.find((l) => l.includes(`:${port}@`))!.split(' ')[0]!;
    return Number(/:(\d+)@/.exec(lines.find((l) => l.split(' ')[3] === id)!)![1]);
  }

  /** Waits until the node at `port` is a primary (its shard failed over to it). */
  async promoted(port: number, timeoutMs: number): Promise<void> {
    await until(async () => (await ask<string>(port, 'INFO', 'replication')).includes('role:master'), timeoutMs, `:${port} to be promoted`);
  }

  /** Waits until the node at `port` is a replica that finished syncing. */
  async replicating(port: number, timeoutMs: number): Promise<void> {
    await until(async () => /role:slave[\s\S]*master_link_status:up/.test(await ask<string>(port, 'INFO', 'replication')), timeoutMs, `:${port} to rejoin as a replica`);
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.kill()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
