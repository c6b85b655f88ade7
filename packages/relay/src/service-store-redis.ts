/**
 * The service API's state on Redis (several relay processes): the audit log (a stream with
 * numeric ids), the host's assignments and blocked participants (hashes). Decisions read
 * assignments synchronously, so every process keeps a copy in memory, loaded at start and kept
 * current by following a stream of changes: a change made through one process applies there
 * at once and on the others within milliseconds (each logs `service change applied`). A
 * participant blocked through any process has their sockets closed by every process
 * (`onBlock`).
 */
import type { Redis } from 'ioredis';
import { connectRedis, redisTarget } from './redis-connection.js';
import type { Logger } from './log.js';
import type { AuditRecord, ServiceState } from './service-store.js';

/** Audit records get increasing numeric ids whatever process writes them (INCR and XADD in one script). */
const AUDIT = `local id = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], id .. '-0', 'record', ARGV[1])
return id`;

export interface RedisServiceStoreOptions {
  url: string;
  namespace: string;
  log: Logger;
  /** A participant was blocked (through any process): close their connections here. */
  onBlock(participantId: string, until: number): void;
}

export class RedisServiceStore implements ServiceState {
  readonly #redis: Redis;
  readonly #follower: Redis;
  readonly #opts: RedisServiceStoreOptions;
  readonly #keys: { auditSeq: string; audit: string; assignments: string; blocked: string; changes: string };
  readonly #assignments = new Map<string, string>();
  readonly #blocked = new Map<string, number>();
  #closed = false;

  private constructor(opts: RedisServiceStoreOptions) {
    this.#opts = opts;
    const tag = `{flagline:${opts.namespace}}`;
    this.#keys = { auditSeq: `${tag}:service:audit-seq`, audit: `${tag}:service:audit`, assignments: `${tag}:service:assignments`, blocked: `${tag}:service:blocked`, changes: `${tag}:service:changes` };
    this.#redis = connectRedis(redisTarget(opts.url));
    this.#follower = this.#redis.duplicate();
    for (const r of [this.#redis, this.#follower]) r.on('error', (err: Error) => opts.log.debug('service store: redis error', { error: err.message }));
  }

  static async open(opts: RedisServiceStoreOptions): Promise<RedisServiceStore> {
    const store = new RedisServiceStore(opts);
    // The latest change first, then the state: a change in between is applied twice, harmlessly.
    const latest = ((await store.#redis.xrevrange(store.#keys.changes, '+', '-', 'COUNT', 1)) as [string, string[]][])[0]?.[0] ?? '0-0';
    for (const [k, v] of Object.entries(await store.#redis.hgetall(store.#keys.assignments))) store.#assignments.set(k, v);
    for (const [k, v] of Object.entries(await store.#redis.hgetall(store.#keys.blocked))) store.#blocked.set(k, Number(v));
    void store.#follow(latest);
    return store;
  }

  async audit(entry: Omit<AuditRecord, 'id'>): Promise<void> {
    await this.#redis.eval(AUDIT, 2, this.#keys.auditSeq, this.#keys.audit, JSON.stringify(entry));
  }

  async auditLog(afterId: number, limit: number): Promise<AuditRecord[]> {
    const entries = (await this.#redis.xrange(this.#keys.audit, `(${afterId}-0`, '+', 'COUNT', limit)) as [string, string[]][];
    return entries.map(([id, fields]) => ({ id: Number(id.split('-')[0]), ...(JSON.parse(fields[1]!) as Omit<AuditRecord, 'id'>) }));
  }

  get(interactionId: string): string | undefined {
    return this.#assignments.get(interactionId);
  }

  async assign(interactionId: string, agentId: string): Promise<void> {
    await this.#change(this.#keys.assignments, 'assign', interactionId, agentId);
    this.#assignments.set(interactionId, agentId);
  }

  blockedUntil(participantId: string): number | undefined {
    return this.#blocked.get(participantId);
  }

  async block(participantId: string, until: number): Promise<void> {
    await this.#change(this.#keys.blocked, 'block', participantId, String(until));
    this.#blocked.set(participantId, until);
  }

  /** Set a hash field and announce it to the other processes, in one transaction. */
  async #change(hash: string, kind: string, key: string, value: string): Promise<void> {
    const results = await this.#redis.multi().hset(hash, key, value).xadd(this.#keys.changes, 'MAXLEN', '~', '10000', '*', 'kind', kind, 'key', key, 'value', value).exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw new Error(`Redis refused the ${kind} change: ${String(failed?.[0] ?? 'transaction aborted')}`);
  }

  close(): void {
    this.#closed = true;
    this.#follower.disconnect();
    this.#redis.disconnect();
  }

  async #follow(from: string): Promise<void> {
    let last = from;
    while (!this.#closed) {
      try {
        const res = (await this.#follower.xread('BLOCK', 5000, 'STREAMS', this.#keys.changes, last)) as [string, [string, string[]][]][] | null;
        for (const [id, fields] of res?.[0]?.[1] ?? []) {
          last = id;
          const { kind, key, value } = Object.fromEntries(fields.flatMap((f, i) => (i % 2 ? [] : [[f, fields[i + 1]]]))) as Record<string, string>;
          if (kind === 'assign') this.#assignments.set(key!, value!);
          else if (kind === 'block') {
            this.#blocked.set(key!, Number(value));
            this.#opts.onBlock(key!, Number(value));
          }
          this.#opts.log.info('service change applied', { kind, key });
        }
      } catch (err) {
        if (this.#closed) return;
        // Redis restarting: ioredis reconnects; the changes since `last` are read then.
        this.#opts.log.warn('service store: following changes failed; retrying', { error: String(err) });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
}
