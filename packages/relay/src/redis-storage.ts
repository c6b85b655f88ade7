/**
 * Shared storage on Redis for several relay processes. One Redis Stream is the ordered,
 * durable log of every flag event (stream id = log position), a hash holds every command's
 * outcome forever, and one Lua script appends atomically only if the log is still where the
 * deciding process saw it and none of its commands has an outcome yet (optimistic concurrency:
 * see core's SharedLog); a process appends a whole group of commands in one script run.
 * Processes follow the stream with blocking XREAD, which is the wake-up; nothing relies on pub/sub.
 * All keys share one hash tag, so a Redis Cluster keeps them in one slot.
 */
import { Redis } from 'ioredis';
import type { AuthorityStorage, CommitBatch, CommitResult, SharedLog, StoredOutcome } from '@flagline/core/authority';
import { randomId } from '@flagline/core/authority';
import type { FlagEvent, PositionedEvent } from '@flagline/core';

// ARGV: expectedPos, n, then n pairs (command id, stored outcome), then (interaction id, event) pairs.
const APPEND = `
local n = tonumber(ARGV[2])
local last = 2 + 2 * n
if n > 0 then
  local ids = {}
  for i = 3, last, 2 do ids[#ids + 1] = ARGV[i] end
  local found = redis.call('HMGET', KEYS[3], unpack(ids))
  local dups = {'duplicates'}
  for i = 1, n do
    if found[i] then dups[#dups + 1] = found[i] end
  end
  if #dups > 1 then return dups end
end
local pos = tonumber(redis.call('GET', KEYS[1]) or '0')
if pos ~= tonumber(ARGV[1]) then return {'conflict'} end
for i = last + 1, #ARGV, 2 do
  pos = pos + 1
  redis.call('XADD', KEYS[2], pos .. '-0', 'e', ARGV[i + 1])
  redis.call('ZADD', KEYS[4], 0, ARGV[i] .. '|' .. string.format('%016d', pos))
end
redis.call('SET', KEYS[1], pos)
if n > 0 then redis.call('HSET', KEYS[3], unpack(ARGV, 3, last)) end
return {'ok'}
`;

type Entry = [id: string, fields: string[]];

function toEvents(entries: Entry[]): PositionedEvent[] {
  return entries.map(([id, fields]) => ({ pos: Number(id.slice(0, id.indexOf('-'))), event: JSON.parse(fields[1]!) as FlagEvent }));
}

export interface RedisStorageOptions {
  url: string;
  /** Separates deployments sharing one Redis. */
  namespace?: string;
  /** Called with a warning when Redis persistence is weaker than "acknowledged ⇒ durable". */
  warn?: (message: string) => void;
}

export class RedisStorage implements AuthorityStorage {
  readonly shared: SharedLog;
  readonly #redis: Redis;
  readonly #keys: { epoch: string; pos: string; log: string; outcomes: string; byInteraction: string };
  /** Which interaction each flag belongs to, from every event this process has seen. */
  readonly #interactionOf = new Map<string, string>();
  readonly #opts: RedisStorageOptions;
  #follower: Redis | null = null;
  #closed = false;
  #loadedPos = 0;

  constructor(opts: RedisStorageOptions) {
    this.#opts = opts;
    const tag = `{flagline:${opts.namespace ?? 'default'}}`;
    this.#keys = { epoch: `${tag}:epoch`, pos: `${tag}:pos`, log: `${tag}:log`, outcomes: `${tag}:outcomes`, byInteraction: `${tag}:by-interaction` };
    this.#redis = new Redis(opts.url, { lazyConnect: true });
    // ioredis reconnects by itself; failed commands reject and reach the client as errors.
    // Report the outage once, not on every retry.
    let reported = false;
    this.#redis.on('error', (err: Error) => {
      if (!reported) opts.warn?.(`Redis connection error (reconnecting): ${err.message}`);
      reported = true;
    });
    this.#redis.on('ready', () => (reported = false));
    this.#redis.defineCommand('flaglineAppend', { numberOfKeys: 4, lua: APPEND });
    this.shared = {
      since: (pos) => this.#since(pos),
      follow: (deliver) => void this.#follow(deliver),
    };
  }

  /** Writes fail while Redis is unreachable (ioredis reconnects by itself). */
  get failure(): Error | null {
    return this.#redis.status === 'ready' ? null : new Error(`Redis is ${this.#redis.status}`);
  }

  async load(): Promise<{ epoch: string; events: PositionedEvent[] }> {
    await this.#redis.connect();
    await this.#checkPersistence();
    await this.#redis.set(this.#keys.epoch, randomId(), 'NX');
    const epoch = (await this.#redis.get(this.#keys.epoch))!;
    const events = await this.#since(0);
    this.#loadedPos = events.at(-1)?.pos ?? 0;
    return { epoch, events };
  }

  async commit(batch: CommitBatch): Promise<CommitResult> {
    const events = this.#index(batch.events).flatMap((pe) => [this.#interactionOf.get(pe.event.flagId)!, JSON.stringify(pe.event)]);
    const outcomes = batch.outcomes ?? [];
    const args = [String(batch.expectedPos), String(outcomes.length), ...outcomes.flatMap((o) => [o.id, JSON.stringify(o)]), ...events];
    const run = (this.#redis as unknown as { flaglineAppend(...a: string[]): Promise<string[]> }).flaglineAppend;
    const k = this.#keys;
    const [status, ...stored] = await run.call(this.#redis, k.pos, k.log, k.outcomes, k.byInteraction, ...args);
    if (status === 'conflict') return { conflict: true };
    if (status === 'duplicates') return { duplicates: stored.map((raw) => JSON.parse(raw) as StoredOutcome) };
    return undefined;
  }

  async outcome(id: string): Promise<StoredOutcome | undefined> {
    const raw = await this.#redis.hget(this.#keys.outcomes, id);
    return raw === null ? undefined : (JSON.parse(raw) as StoredOutcome);
  }

  /** Through the by-interaction index: the flag's interaction is known from its raised event. */
  async flagEvents(flagId: string): Promise<FlagEvent[]> {
    const interactionId = this.#interactionOf.get(flagId);
    if (interactionId === undefined) return [];
    return (await this.interactionEvents(interactionId)).filter((e) => e.flagId === flagId);
  }

  /** Every committed event of an interaction's flags, in log order (for the transcript endpoint). */
  async interactionEvents(interactionId: string): Promise<FlagEvent[]> {
    const members = await this.#redis.zrangebylex(this.#keys.byInteraction, `[${interactionId}|`, `[${interactionId}|\xff`);
    if (members.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const m of members) {
      const id = `${Number(m.slice(m.lastIndexOf('|') + 1))}-0`;
      pipeline.xrange(this.#keys.log, id, id);
    }
    const results = (await pipeline.exec()) ?? [];
    return results.flatMap(([err, entries]) => {
      if (err) throw err; // never a silently partial transcript or history
      return toEvents(entries as Entry[]).map((pe) => pe.event);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#follower?.disconnect();
    await this.#redis.quit().catch(() => {});
  }

  async #since(pos: number): Promise<PositionedEvent[]> {
    const out: PositionedEvent[] = [];
    let from = `${pos + 1}-0`;
    for (;;) {
      const page = (await this.#redis.xrange(this.#keys.log, from, '+', 'COUNT', 5000)) as Entry[];
      out.push(...this.#index(toEvents(page)));
      if (page.length < 5000) return out;
      from = `${out.at(-1)!.pos + 1}-0`;
    }
  }

  /** Tail the stream on a connection of its own (XREAD BLOCK holds it). */
  async #follow(deliver: (events: PositionedEvent[]) => void): Promise<void> {
    const follower = (this.#follower = this.#redis.duplicate());
    follower.on('error', () => {}); // the main connection reports outages
    let last = `${this.#loadedPos}-0`;
    while (!this.#closed) {
      try {
        const res = (await follower.xread('BLOCK', 5000, 'STREAMS', this.#keys.log, last)) as [string, Entry[]][] | null;
        if (!res) continue;
        const events = this.#index(toEvents(res[0]![1]));
        if (events.length === 0) continue;
        last = `${events.at(-1)!.pos}-0`;
        deliver(events);
      } catch {
        if (this.#closed) return;
        // Redis restarting: ioredis reconnects; the Authority fetches any gap on the next event.
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  #index(events: PositionedEvent[]): PositionedEvent[] {
    for (const { event } of events) if (event.type === 'raised') this.#interactionOf.set(event.flagId, event.interactionId);
    return events;
  }

  /** "Acknowledged ⇒ durable" needs the append-only file; fsync on every write for power loss. */
  async #checkPersistence(): Promise<void> {
    const warn = this.#opts.warn ?? (() => {});
    try {
      const [, aof] = (await this.#redis.config('GET', 'appendonly')) as string[];
      const [, fsync] = (await this.#redis.config('GET', 'appendfsync')) as string[];
      if (aof !== 'yes') warn('Redis runs without the append-only file (appendonly no): acknowledged commands can be lost if Redis restarts. Set appendonly yes and appendfsync always.');
      else if (fsync !== 'always') warn(`Redis appendfsync is ${fsync}: a crash of the machine (not just of Redis) can lose up to a second of acknowledged commands. Set appendfsync always for full durability.`);
    } catch {
      warn('Could not read the Redis persistence settings (CONFIG GET refused): make sure appendonly yes and appendfsync always.');
    }
  }
}
