/**
 * Shared storage on Redis for several relay processes. One Redis Stream is the ordered,
 * durable log of every flag event (stream id = log position), a hash holds every command's
 * outcome forever, indexes find a flag's or an interaction's events and the flags lowered by
 * time, one key holds the latest checkpoint, and one Lua script appends atomically only if the log is still where the
 * deciding process saw it and none of its commands has an outcome yet (optimistic concurrency:
 * see core's SharedLog); a process appends a whole group of commands in one script run.
 * Processes follow the stream with blocking XREAD, which is the wake-up; nothing relies on pub/sub.
 * All keys share one hash tag, so a Redis Cluster keeps them in one slot.
 */
import { Redis } from 'ioredis';
import type { AuthorityStorage, Checkpoint, CommitBatch, CommitResult, Loaded, SharedLog, StoredOutcome } from '@flagline/core/authority';
import { randomId } from '@flagline/core/authority';
import type { FlagEvent, PositionedEvent } from '@flagline/core';
import type { Purged } from './store.js';

// ARGV: expectedPos, n, then n pairs (command id, stored outcome), then one quadruple per event:
// interaction id, flag id, mark ('r' for a raise, the time for a lowering, else ''), event.
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
for i = last + 1, #ARGV, 4 do
  pos = pos + 1
  redis.call('XADD', KEYS[2], pos .. '-0', 'e', ARGV[i + 3])
  redis.call('ZADD', KEYS[4], 0, ARGV[i] .. '|' .. string.format('%016d', pos))
  local mark = ARGV[i + 2]
  if mark == 'r' then redis.call('HSET', KEYS[5], ARGV[i + 1], ARGV[i])
  elseif mark ~= '' then redis.call('ZADD', KEYS[6], tonumber(mark), ARGV[i + 1]) end
end
redis.call('SET', KEYS[1], pos)
if n > 0 then redis.call('HSET', KEYS[3], unpack(ARGV, 3, last)) end
return {'ok'}
`;

// KEYS: checkpoint position, checkpoint; ARGV: pos, body. A checkpoint behind the stored one is ignored.
const SAVE_CHECKPOINT = `
if tonumber(ARGV[1]) < tonumber(redis.call('GET', KEYS[1]) or '0') then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
return 1
`;

type Entry = [id: string, fields: string[]];

/** An entry of the by-interaction index: lexicographic order is log order within an interaction. */
function indexMember(interactionId: string, pos: number): string {
  return `${interactionId}|${String(pos).padStart(16, '0')}`;
}

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
  readonly #keys: Record<'epoch' | 'pos' | 'log' | 'outcomes' | 'byInteraction' | 'flags' | 'lowered' | 'checkpointPos' | 'checkpoint', string>;
  /** Which interaction each open flag belongs to, from the events this process has seen (older ones: the flags hash). */
  readonly #interactionOf = new Map<string, string>();
  readonly #opts: RedisStorageOptions;
  #follower: Redis | null = null;
  /** Events the last load() read, for metrics and tests. */
  loadedEvents = 0;
  #closed = false;
  #loadedPos = 0;

  constructor(opts: RedisStorageOptions) {
    this.#opts = opts;
    const tag = `{flagline:${opts.namespace ?? 'default'}}`;
    this.#keys = {
      epoch: `${tag}:epoch`,
      pos: `${tag}:pos`,
      log: `${tag}:log`,
      outcomes: `${tag}:outcomes`,
      byInteraction: `${tag}:by-interaction`,
      flags: `${tag}:flag-interaction`,
      lowered: `${tag}:lowered`,
      checkpointPos: `${tag}:checkpoint-pos`,
      checkpoint: `${tag}:checkpoint`,
    };
    this.#redis = new Redis(opts.url, { lazyConnect: true });
    // ioredis reconnects by itself; failed commands reject and reach the client as errors.
    // Report the outage once, not on every retry.
    let reported = false;
    this.#redis.on('error', (err: Error) => {
      if (!reported) opts.warn?.(`Redis connection error (reconnecting): ${err.message}`);
      reported = true;
    });
    this.#redis.on('ready', () => (reported = false));
    this.#redis.defineCommand('flaglineAppend', { numberOfKeys: 6, lua: APPEND });
    this.#redis.defineCommand('flaglineSaveCheckpoint', { numberOfKeys: 2, lua: SAVE_CHECKPOINT });
    this.shared = {
      since: (pos) => this.#since(pos),
      follow: (deliver) => void this.#follow(deliver),
    };
  }

  /** Writes fail while Redis is unreachable (ioredis reconnects by itself). */
  get failure(): Error | null {
    return this.#redis.status === 'ready' ? null : new Error(`Redis is ${this.#redis.status}`);
  }

  /** The epoch, the latest checkpoint and the events from its replay window on (or all of them). */
  async load(): Promise<Loaded> {
    await this.#redis.connect();
    await this.#checkPersistence();
    await this.#redis.set(this.#keys.epoch, randomId(), 'NX');
    const epoch = (await this.#redis.get(this.#keys.epoch))!;
    const saved = await this.#redis.get(this.#keys.checkpoint);
    const checkpoint = saved === null ? undefined : (JSON.parse(saved) as Checkpoint);
    this.#index(checkpoint?.events ?? []);
    const events = await this.#since(checkpoint ? checkpoint.replayFrom - 1 : 0);
    if (!checkpoint) await this.#fillIndexes(events);
    this.#loadedPos = Math.max(checkpoint?.pos ?? 0, events.at(-1)?.pos ?? 0);
    this.loadedEvents = events.length;
    return { epoch, ...(checkpoint ? { checkpoint } : {}), events };
  }

  async saveCheckpoint(checkpoint: Checkpoint): Promise<void> {
    const run = (this.#redis as unknown as { flaglineSaveCheckpoint(...a: string[]): Promise<number> }).flaglineSaveCheckpoint;
    await run.call(this.#redis, this.#keys.checkpointPos, this.#keys.checkpoint, String(checkpoint.pos), JSON.stringify(checkpoint));
  }

  async commit(batch: CommitBatch): Promise<CommitResult> {
    const interactions = await this.#interactions(batch.events.map((pe) => pe.event));
    const events = batch.events.flatMap(({ event }, i) => [
      interactions[i]!,
      event.flagId,
      event.type === 'raised' ? 'r' : event.type === 'lowered' ? String(event.at) : '',
      JSON.stringify(event),
    ]);
    const outcomes = batch.outcomes ?? [];
    const args = [String(batch.expectedPos), String(outcomes.length), ...outcomes.flatMap((o) => [o.id, JSON.stringify(o)]), ...events];
    const run = (this.#redis as unknown as { flaglineAppend(...a: string[]): Promise<string[]> }).flaglineAppend;
    const k = this.#keys;
    const [status, ...stored] = await run.call(this.#redis, k.pos, k.log, k.outcomes, k.byInteraction, k.flags, k.lowered, ...args);
    if (status === 'conflict') return { conflict: true };
    if (status === 'duplicates') return { duplicates: stored.map((raw) => JSON.parse(raw) as StoredOutcome) };
    this.#index(batch.events.map((pe) => pe.event));
    return undefined;
  }

  async outcome(id: string): Promise<StoredOutcome | undefined> {
    const raw = await this.#redis.hget(this.#keys.outcomes, id);
    return raw === null ? undefined : (JSON.parse(raw) as StoredOutcome);
  }

  /** Through the by-interaction index: the flag's interaction is in the flags hash. */
  async flagEvents(flagId: string): Promise<FlagEvent[]> {
    return (await this.#flagEntries(flagId)).events.map((pe) => pe.event);
  }

  /** Every committed event of an interaction's flags, in log order (for the transcript endpoint). */
  async interactionEvents(interactionId: string): Promise<FlagEvent[]> {
    return (await this.#interactionEntries(interactionId)).map((pe) => pe.event);
  }

  /**
   * Deletes every event of up to `limit` flags lowered before `cutoff` (ms since the epoch),
   * oldest first, with their index entries, in one MULTI. Only flags lowered at or before the
   * latest checkpoint go (see SqliteStorage.purge). Several processes may purge at once: each
   * deletion is idempotent. Command outcomes stay.
   */
  async purge(cutoff: number, limit: number): Promise<Purged> {
    const k = this.#keys;
    const checkpointPos = Number((await this.#redis.get(k.checkpointPos)) ?? 0);
    const candidates = await this.#redis.zrangebyscore(k.lowered, '-inf', `(${cutoff}`, 'LIMIT', 0, limit);
    const tx = this.#redis.multi();
    let flags = 0;
    let events = 0;
    for (const flagId of candidates) {
      const { interactionId, events: entries } = await this.#flagEntries(flagId);
      if (entries.some((pe) => pe.pos > checkpointPos)) break; // oldest first: the rest are newer
      if (entries.length) tx.xdel(k.log, ...entries.map((pe) => `${pe.pos}-0`));
      if (interactionId !== undefined && entries.length) tx.zrem(k.byInteraction, ...entries.map((pe) => indexMember(interactionId, pe.pos)));
      tx.hdel(k.flags, flagId);
      tx.zrem(k.lowered, flagId);
      flags++;
      events += entries.length;
    }
    if (flags) await tx.exec();
    else tx.discard();
    return { flags, events };
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
      out.push(...this.#read(page));
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
        const events = this.#read(res[0]![1]);
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

  /** Stream entries as events, remembering open flags' interactions. */
  #read(entries: Entry[]): PositionedEvent[] {
    const events = toEvents(entries);
    this.#index(events.map((pe) => pe.event));
    return events;
  }

  /** Keep the interaction of each open flag (for appends); a lowered one takes no more events. */
  #index(events: FlagEvent[]): void {
    for (const event of events) {
      if (event.type === 'raised') this.#interactionOf.set(event.flagId, event.interactionId);
      else if (event.type === 'lowered') this.#interactionOf.delete(event.flagId);
    }
  }

  /** The interaction of each event, in order: from the batch itself, this process's map or the flags hash. */
  async #interactions(events: FlagEvent[]): Promise<string[]> {
    const known = new Map<string, string>();
    for (const e of events) if (e.type === 'raised') known.set(e.flagId, e.interactionId);
    const missing = [...new Set(events.map((e) => e.flagId).filter((id) => !known.has(id) && !this.#interactionOf.has(id)))];
    const found = missing.length ? await this.#redis.hmget(this.#keys.flags, ...missing) : [];
    missing.forEach((id, i) => found[i] != null && known.set(id, found[i]!));
    return events.map((e) => {
      const interactionId = known.get(e.flagId) ?? this.#interactionOf.get(e.flagId);
      if (interactionId === undefined) throw new Error(`Event ${e.type} for unknown flag ${e.flagId}.`);
      return interactionId;
    });
  }

  async #flagEntries(flagId: string): Promise<{ interactionId?: string; events: PositionedEvent[] }> {
    const interactionId = this.#interactionOf.get(flagId) ?? (await this.#redis.hget(this.#keys.flags, flagId)) ?? undefined;
    if (interactionId === undefined) return { events: [] };
    return { interactionId, events: (await this.#interactionEntries(interactionId)).filter((pe) => pe.event.flagId === flagId) };
  }

  async #interactionEntries(interactionId: string): Promise<PositionedEvent[]> {
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
      return toEvents(entries as Entry[]);
    });
  }

  /**
   * A log written before the flags hash and the lowered index existed: fill them from the events
   * read at start (a start without a checkpoint reads them all anyway). Idempotent.
   */
  async #fillIndexes(events: PositionedEvent[]): Promise<void> {
    const pipeline = this.#redis.pipeline();
    for (const { event } of events) {
      if (event.type === 'raised') pipeline.hset(this.#keys.flags, event.flagId, event.interactionId);
      else if (event.type === 'lowered') pipeline.zadd(this.#keys.lowered, event.at, event.flagId);
    }
    if (pipeline.length) for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
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
