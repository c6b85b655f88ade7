/**
 * Replicated Redis for tests, all real processes on loopback: a primary and replicas
 * (append-only file, fsync always) and three Sentinels (quorum 2) watching them. Faults:
 * kill -9 or SIGSTOP/SIGCONT any Redis node, kill -9 and restart a Sentinel. A killed node
 * restarts as a replica of whoever the Sentinels say is primary now.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';

export const MASTER_NAME = 'flagline';
/** Sentinel timing: a primary silent this long is down; a failover attempt gives up after the second. */
export const DOWN_AFTER_MS = 1_000;
export const FAILOVER_TIMEOUT_MS = 3_000;

/** A one-off connection to a node or Sentinel: no reconnecting, failures are the caller's answer. */
function probe(port: number): Redis {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, commandTimeout: 2_000 });
  redis.on('error', () => {}); // reported through the rejected command instead
  return redis;
}

/** Resolves on the first line of output matching `ready`; rejects if the process exits first. */
function started(proc: ChildProcess, ready: RegExp, what: string): Promise<void> {
  let out = '';
  return new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      if (ready.test(out)) {
        proc.stdout!.off('data', onData);
        proc.stdout!.resume();
        resolve();
      }
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`${what} exited (${code}): ${out}`)));
  });
}

async function killed(proc: ChildProcess | null): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGCONT'); // a stopped process cannot die until it runs
  proc.kill('SIGKILL');
  await gone;
}

export class RedisNode {
  proc: ChildProcess | null = null;
  constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  /** `extra`: more redis-server options (a cluster node's). */
  async start(replicaOf: number | null, extra: string[] = []): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'];
    // Sync a (re)started replica at once rather than after the default 5 s diskless delay.
    args.push('--repl-diskless-sync-delay', '0', '--protected-mode', 'no');
    if (replicaOf !== null) args.push('--replicaof', '127.0.0.1', String(replicaOf));
    args.push(...extra);
    this.proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    await started(this.proc, /Ready to accept connections/, `redis-server :${this.port}`);
  }

  kill(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    return killed(proc);
  }

  pause(): void {
    this.proc?.kill('SIGSTOP');
  }

  resume(): void {
    this.proc?.kill('SIGCONT');
  }

  /**
   * Close this primary's links to its replicas (CLIENT KILL TYPE replica): with the replicas
   * paused first, nothing written after this reaches them, not even from socket buffers.
   */
  async cutReplicas(): Promise<void> {
    const redis = probe(this.port);
    try {
      await redis.connect();
      await redis.call('CLIENT', 'KILL', 'TYPE', 'replica');
    } finally {
      redis.disconnect();
    }
  }
}

export class SentinelNode {
  proc: ChildProcess | null = null;
  constructor(
    readonly port: number,
    readonly conf: string,
  ) {}

  /**
   * A new Sentinel writes its config file; a restarted one reads back what it learnt. `at`: the
   * primary's host and the Sentinel's bind address when they are not loopback (another namespace).
   */
  static async create(dir: string, primaryPort: number, at = { primary: '127.0.0.1', bind: '127.0.0.1' }): Promise<SentinelNode> {
    const port = await freePort();
    const conf = join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        `bind ${at.bind}`,
        `dir ${dir}`,
        `sentinel monitor ${MASTER_NAME} ${at.primary} ${primaryPort} 2`,
        `sentinel down-after-milliseconds ${MASTER_NAME} ${DOWN_AFTER_MS}`,
        `sentinel failover-timeout ${MASTER_NAME} ${FAILOVER_TIMEOUT_MS}`,
        `sentinel parallel-syncs ${MASTER_NAME} 2`,
        '',
      ].join('\n'),
    );
    return new SentinelNode(port, conf);
  }

  async start(): Promise<void> {
    this.proc = spawn('redis-server', [this.conf, '--sentinel'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await started(this.proc, /Sentinel ID is/, `redis-sentinel :${this.port}`);
  }

  kill(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    return killed(proc);
  }
}

export class SentinelCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'flagline-sentinel-'));
  nodes: RedisNode[] = [];
  sentinels: SentinelNode[] = [];

  /** `redis-sentinel://…/flagline`: the relay's --store. */
  get store(): string {
    return `redis-sentinel://${this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/${MASTER_NAME}`;
  }

  async start(replicas = 2): Promise<void> {
    for (let i = 0; i <= replicas; i++) {
      this.nodes.push(new RedisNode(await freePort(), mkdtempSync(join(this.dir, `node-${i}-`))));
    }
    const [primary, ...rest] = this.nodes as [RedisNode, ...RedisNode[]];
    await primary.start(null);
    await Promise.all(rest.map((n) => n.start(primary.port)));
    for (let i = 0; i < 3; i++) this.sentinels.push(await SentinelNode.create(this.dir, primary.port));
    await Promise.all(this.sentinels.map((s) => s.start()));
    // Sentinels discover the replicas and each other through the primary: wait until they do.
    for (const s of this.sentinels) {
      const sentinel = probe(s.port);
      await sentinel.connect();
      for (;;) {
        const master = (await sentinel.call('SENTINEL', 'MASTER', MASTER_NAME)) as string[];
        const field = (k: string) => Number(master[master.indexOf(k) + 1]);
        if (field('num-slaves') === replicas && field('num-other-sentinels') === 2) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      sentinel.disconnect();
    }
  }

  /** The primary's port according to a majority of the running Sentinels (null while they disagree). */
  async primaryPort(): Promise<number | null> {
    const votes = new Map<number, number>();
    for (const s of this.sentinels.filter((x) => x.proc)) {
      const sentinel = probe(s.port);
      try {
        await sentinel.connect();
        const [, port] = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as [string, string];
        votes.set(Number(port), (votes.get(Number(port)) ?? 0) + 1);
      } catch {
        // a Sentinel being restarted does not vote
      } finally {
        sentinel.disconnect();
      }
    }
    for (const [port, n] of votes) if (n >= 2) return port;
    return null;
  }

  node(port: number): RedisNode {
    return this.nodes.find((n) => n.port === port)!;
  }

  /** Wait until the Sentinels agree on a primary other than `old` that says it is one. */
  async failedOverFrom(old: number, timeoutMs: number): Promise<number> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const port = await this.primaryPort();
      if (port !== null && port !== old && (await this.role(port)) === 'master') return port;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no failover away from :${old} within ${timeoutMs} ms`);
  }

  /** ROLE of a node ('master' | 'slave'), or null when it does not answer. */
  async role(port: number): Promise<string | null> {
    const node = probe(port);
    try {
      await node.connect();
      return ((await node.call('ROLE')) as [string])[0];
    } catch {
      return null;
    } finally {
      node.disconnect();
    }
  }

  async dispose(): Promise<void> {
    for (const s of this.sentinels) await s.kill();
    for (const n of this.nodes) await n.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
