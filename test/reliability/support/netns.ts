/**
 * Redis on a host of its own: a network namespace created by the test (`ip netns`, root only)
 * with a redis-server (append-only file, fsync always) listening on two links, two veth pairs
 * to this machine's namespace, so two relays reach it by two separate paths. `cut(link)` takes
 * the namespace's end of one link down: packets on that path are dropped silently (the other
 * end keeps its route and TCP connections stay open — a partition, not a refused connection),
 * until `heal(link)`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
export const REDIS_PORT = 6379;

export class RedisHost {
  readonly dir = mkdtempSync(join(tmpdir(), 'flagline-netns-'));
  readonly #ns: string;
  readonly #links: { host: string; inside: string; address: string }[];
  #redis: ChildProcess | null = null;

  private constructor(id: number) {
    this.#ns = `flr-${id}`;
    this.#links = [0, 1].map((i) => ({ host: `fl${id}${'ab'[i]}h`, inside: `fl${id}${'ab'[i]}r`, address: `10.${213 + i}.${id % 250}.2` }));
  }

  /**
   * The host, or why this machine cannot make one (not root, no `ip`, no namespaces): the test says
   * so and skips. `redisArgs`: more redis-server options (a replicated primary's).
   */
  static async create(redisArgs: string[] = []): Promise<RedisHost | string> {
    const host = new RedisHost(process.pid % 60_000);
    try {
      ip('netns', 'add', host.#ns);
    } catch (err) {
      rmSync(host.dir, { recursive: true, force: true });
      return `network namespaces cannot be created here (ip netns add: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}); the partition test needs root and iproute2`;
    }
    ip('netns', 'exec', host.#ns, 'ip', 'link', 'set', 'lo', 'up');
    for (const link of host.#links) {
      const subnet = link.address.replace(/\.2$/, '');
      ip('link', 'add', link.host, 'type', 'veth', 'peer', 'name', link.inside);
      ip('link', 'set', link.inside, 'netns', host.#ns);
      ip('addr', 'add', `${subnet}.1/30`, 'dev', link.host);
      ip('link', 'set', link.host, 'up');
      ip('netns', 'exec', host.#ns, 'ip', 'addr', 'add', `${link.address}/30`, 'dev', link.inside);
      ip('netns', 'exec', host.#ns, 'ip', 'link', 'set', link.inside, 'up');
    }
    await host.#start(redisArgs);
    return host;
  }

  /** The Redis address over link 0 or 1. */
  address(link: number): string {
    return this.#links[link]!.address;
  }

  /** This machine's end of link 0 or 1: how processes inside the namespace reach it. */
  gateway(link: number): string {
    return this.#links[link]!.address.replace(/\.2$/, '.1');
  }

  /** The namespace's name, for `ip netns exec` (a relay run inside it). */
  get namespace(): string {
    return this.#ns;
  }

  cut(link: number): void {
    ip('netns', 'exec', this.#ns, 'ip', 'link', 'set', this.#links[link]!.inside, 'down');
  }

  heal(link: number): void {
    ip('netns', 'exec', this.#ns, 'ip', 'link', 'set', this.#links[link]!.inside, 'up');
  }

  async #start(extra: string[]): Promise<void> {
    const args = ['--port', String(REDIS_PORT), '--bind', ...this.#links.map((l) => l.address), '--protected-mode', 'no', '--dir', this.dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', ...extra];
    // `ip netns exec` execs redis-server itself: this child is the server.
    const proc = spawn('ip', ['netns', 'exec', this.#ns, 'redis-server', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#redis = proc;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      proc.stdout!.on('data', (d: Buffer) => {
        out += d;
        if (out.includes('Ready to accept connections')) resolve();
      });
      proc.once('exit', (code) => reject(new Error(`redis-server in ${this.#ns} exited (${code}): ${out}`)));
    });
  }

  async dispose(): Promise<void> {
    const proc = this.#redis;
    if (proc && proc.exitCode === null) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await gone;
    }
    for (const link of this.#links) {
      try {
        ip('link', 'del', link.host);
      } catch {
        // already gone with the namespace
      }
    }
    ip('netns', 'del', this.#ns);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
