/**
 * The webhook outbox on Redis (several relay processes): the log stream itself is the queue —
 * an event is in it from the commit that records it — and each endpoint keeps a cursor (every
 * event at or before it is delivered or not wanted) in `{flagline:NS}:webhooks:<endpoint>`.
 *
 * One process delivers at a time: it holds a lease (`…:webhooks:leader`, SET NX PX, renewed
 * every poll) and moves cursors only while it holds it (a script checks the lease with the
 * write). It reads the events after the cursors into memory and delivers them like the SQLite
 * outbox (in order per flag, retries with backoff); deliveries acknowledged beyond a cursor are
 * kept in a sorted set so a successor does not send them again. A process killed mid-delivery
 * loses nothing: its lease expires, another process takes over from the cursors and sends
 * again only what was in flight (at least once: the same webhook-ids, receivers dedupe).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { connectRedis, redisTarget } from './redis-connection.js';
import type { Flag, FlagEvent } from '@flagline/core';
import type { SharedLog } from '@flagline/core/authority';
import type { Logger } from './log.js';
import type { WebhookConfig } from './webhook-config.js';
import { wants, type Head, type Outbox, type Paused } from './webhook-delivery.js';

export interface RedisOutboxOptions {
  url: string;
  namespace: string;
  config: WebhookConfig;
  log: Logger;
  storage: SharedLog;
  /** A flag's current state (the Authority keeps every flag's): interaction and team of events that do not carry them. */
  flag(flagId: string): Flag | undefined;
  /** The log position now, for the queued gauge on a process that is not delivering. */
  pos(): number;
}

interface Entry {
  pos: number;
  event: FlagEvent;
  interactionId: string;
  attempts: number;
  nextAt: number;
}

/** Extend the lease if we hold it. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
/**
 * Record a delivery, only while holding the lease: the position joins the endpoint's delivered
 * set, the cursor moves forward, and positions at or before the cursor leave the set.
 */
const DELIVERED = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[2])
local current = tonumber(redis.call('HGET', KEYS[2], 'cursor') or '0')
if tonumber(ARGV[3]) > current then redis.call('HSET', KEYS[2], 'cursor', ARGV[3]) end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', redis.call('HGET', KEYS[2], 'cursor') or '0')
return 1`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class RedisOutbox implements Outbox {
  readonly #opts: RedisOutboxOptions;
  readonly #redis: Redis;
  readonly #me = randomUUID();
  readonly #tag: string;
  #leader = false;
  /** Leader only: per endpoint, the wanted events after its cursor not yet delivered, in log order. */
  readonly #queues = new Map<string, Entry[]>();
  /** Leader only: per endpoint, the position every event up to which is delivered or not wanted. */
  readonly #cursors = new Map<string, number>();
  /** Leader only: the log position read up to. */
  #loaded = 0;
  /** Interactions and teams of flags met in the events read (newer than the Authority may know). */
  readonly #flags = new Map<string, { interactionId: string; team: string }>();
  readonly #resumedAt = new Map<string, number>();
  /** Leader only, from taking over: positions a predecessor delivered beyond the cursors. */
  readonly #delivered = new Map<string, Set<number>>();

  constructor(opts: RedisOutboxOptions) {
    this.#opts = opts;
    this.#tag = `{flagline:${opts.namespace}}`;
    this.#redis = connectRedis(redisTarget(opts.url), { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.#redis.on('error', (err: Error) => opts.log.debug('webhook outbox: redis error', { error: err.message }));
  }

  get #leaseKey(): string {
    return `${this.#tag}:webhooks:leader`;
  }

  #endpointKey(id: string): string {
    return `${this.#tag}:webhooks:${id}`;
  }

  #doneKey(id: string): string {
    return `${this.#tag}:webhooks:${id}:delivered`;
  }

  async active(): Promise<boolean> {
    const leaseMs = this.#opts.config.leaseMs;
    if (this.#leader && !(await this.#redis.eval(RENEW, 1, this.#leaseKey, this.#me, String(leaseMs)))) {
      this.#leader = false;
      this.#queues.clear();
      this.#opts.log.warn('webhook delivery: lease lost; another process delivers');
    }
    if (!this.#leader && (await this.#redis.set(this.#leaseKey, this.#me, 'PX', leaseMs, 'NX')) === 'OK') await this.#lead();
    if (this.#leader) {
      this.#append(await this.#opts.storage.since(this.#loaded));
      await this.#replays();
    }
    return this.#leader;
  }

  async #lead(): Promise<void> {
    const cursors = await Promise.all(this.#opts.config.endpoints.map(async (e) => Number((await this.#redis.hget(this.#endpointKey(e.id), 'cursor')) ?? 0)));
    const delivered = await Promise.all(this.#opts.config.endpoints.map(async (e) => new Set((await this.#redis.zrange(this.#doneKey(e.id), 0, -1)).map(Number))));
    this.#loaded = Math.min(...cursors);
    this.#queues.clear();
    this.#opts.config.endpoints.forEach((e, i) => {
      this.#queues.set(e.id, []);
      this.#cursors.set(e.id, cursors[i]!);
      this.#delivered.set(e.id, delivered[i]!);
    });
    this.#leader = true;
    this.#opts.log.info('webhook delivery: this process delivers', { from: this.#loaded });
  }

  #append(events: { pos: number; event: FlagEvent }[]): void {
    const teamOf = (flagId: string) => this.#flags.get(flagId)?.team ?? this.#opts.flag(flagId)?.team;
    for (const { pos, event } of events) {
      if (pos <= this.#loaded) continue;
      this.#loaded = pos;
      if (event.type === 'raised' || event.type === 'assigned')
        this.#flags.set(event.flagId, { interactionId: event.type === 'raised' ? event.interactionId : this.#interactionOf(event.flagId), team: event.team });
      for (const endpoint of this.#opts.config.endpoints) {
        if (pos <= this.#cursors.get(endpoint.id)! || this.#delivered.get(endpoint.id)!.has(pos) || !wants(endpoint, event, teamOf)) continue;
        this.#queues.get(endpoint.id)!.push({ pos, event, interactionId: this.#interactionOf(event.flagId), attempts: 0, nextAt: 0 });
      }
    }
  }

  #interactionOf(flagId: string): string {
    return this.#flags.get(flagId)?.interactionId ?? this.#opts.flag(flagId)?.interactionId ?? '';
  }

  heads(endpointId: string, now: number, limit: number, busy: ReadonlySet<string>): Head[] {
    const resumedAt = this.#resumedAt.get(endpointId) ?? 0;
    const seen = new Set<string>(busy);
    const heads: Head[] = [];
    for (const entry of this.#queues.get(endpointId) ?? []) {
      if (heads.length >= limit) break;
      const flagId = entry.event.flagId;
      if (seen.has(flagId)) continue;
      seen.add(flagId); // only a flag's oldest entry may go
      if (entry.nextAt > now && entry.nextAt > resumedAt) continue;
      heads.push({ pos: entry.pos, flagId, attempts: entry.attempts, load: () => ({ event: entry.event, interactionId: entry.interactionId }) });
    }
    return heads;
  }

  async done(endpointId: string, head: Head): Promise<void> {
    const queue = this.#queues.get(endpointId);
    if (!queue) return; // the lease was lost meanwhile: whoever delivers now will send it again
    const i = queue.findIndex((e) => e.pos === head.pos);
    if (i >= 0) queue.splice(i, 1);
    const cursor = queue.length ? queue[0]!.pos - 1 : this.#loaded;
    this.#cursors.set(endpointId, cursor);
    await this.#redis.eval(DELIVERED, 3, this.#leaseKey, this.#endpointKey(endpointId), this.#doneKey(endpointId), this.#me, String(head.pos), String(cursor));
  }

  retry(endpointId: string, head: Head, nextAt: number): void {
    const entry = this.#queues.get(endpointId)?.find((e) => e.pos === head.pos);
    if (!entry) return;
    entry.attempts++;
    entry.nextAt = nextAt;
  }

  async queued(endpointId: string): Promise<number> {
    // Replay requests not yet taken by the delivering process count one each (at least).
    const requests = await this.#redis.llen(this.#replayKey(endpointId));
    // Delivering here: what is queued, plus log positions not read yet (counted until read).
    if (this.#leader) return requests + (this.#queues.get(endpointId)?.length ?? 0) + Math.max(0, this.#opts.pos() - this.#loaded);
    // Not delivering here: the log positions the endpoint's cursor has not passed yet.
    const cursor = Number((await this.#redis.hget(this.#endpointKey(endpointId), 'cursor')) ?? 0);
    return requests + Math.max(0, this.#opts.pos() - cursor);
  }

  async paused(endpointId: string): Promise<Paused | null> {
    const [at, reason, resumedAt] = await this.#redis.hmget(this.#endpointKey(endpointId), 'paused_at', 'reason', 'resumed_at');
    if (resumedAt) this.#resumedAt.set(endpointId, Number(resumedAt));
    return at ? { at: Number(at), reason: reason ?? '' } : null;
  }

  async setPaused(endpointId: string, paused: Paused | null): Promise<void> {
    const key = this.#endpointKey(endpointId);
    if (paused) await this.#redis.hset(key, 'paused_at', String(paused.at), 'reason', paused.reason);
    else {
      const results = await this.#redis.multi().hdel(key, 'paused_at', 'reason').hset(key, 'resumed_at', String(Date.now())).exec();
      const failed = results?.find(([err]) => err);
      if (!results || failed) throw new Error(`Redis refused to resume ${endpointId}: ${String(failed?.[0] ?? 'transaction aborted')}`);
    }
  }

  /** Any process: count what the range holds for the endpoint and ask the delivering process (a list) to queue it. */
  async replay(endpointId: string, from: number, to: number): Promise<number> {
    const endpoint = this.#opts.config.endpoints.find((e) => e.id === endpointId)!;
    const teamOf = (flagId: string) => this.#opts.flag(flagId)?.team;
    const events = (await this.#opts.storage.since(Math.max(0, from - 1))).filter((pe) => pe.pos <= to && wants(endpoint, pe.event, teamOf));
    if (events.length) await this.#redis.rpush(this.#replayKey(endpointId), `${from}:${to}`);
    return events.length;
  }

  /** Leader: queue the events of replay requests again, in log order among the queued ones. */
  async #replays(): Promise<void> {
    for (const endpoint of this.#opts.config.endpoints) {
      // Taken off the list only once queued here, so `queued` never reads 0 in between.
      for (let request = await this.#redis.lindex(this.#replayKey(endpoint.id), 0); request; request = await this.#redis.lindex(this.#replayKey(endpoint.id), 0)) {
        const [from, to] = request.split(':').map(Number) as [number, number];
        const queue = this.#queues.get(endpoint.id)!;
        const queued = new Set(queue.map((e) => e.pos));
        const teamOf = (flagId: string) => this.#flags.get(flagId)?.team ?? this.#opts.flag(flagId)?.team;
        for (const { pos, event } of await this.#opts.storage.since(Math.max(0, from - 1))) {
          if (pos > to || queued.has(pos) || !wants(endpoint, event, teamOf)) continue;
          queue.push({ pos, event, interactionId: this.#interactionOf(event.flagId), attempts: 0, nextAt: 0 });
        }
        queue.sort((a, b) => a.pos - b.pos);
        await this.#redis.lpop(this.#replayKey(endpoint.id));
      }
    }
  }

  #replayKey(id: string): string {
    return `${this.#tag}:webhooks:${id}:replay`;
  }

  async close(): Promise<void> {
    if (this.#leader) await this.#redis.eval(RELEASE, 1, this.#leaseKey, this.#me).catch(() => 0);
    this.disconnect();
  }

  /** Drop the connection now: the lease is left to expire (another process takes over after leaseMs). */
  disconnect(): void {
    this.#redis.disconnect();
  }
}
