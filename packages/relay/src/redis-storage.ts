/**
 * Shared storage on Redis for several relay processes. One Redis Stream is the ordered,
 * durable log of every flag event (stream id = log position), a hash holds every command's
 * outcome forever, indexes find a flag's or an interaction's events and the flags lowered (by
 * time for retention, by log position for history), one key holds the latest checkpoint, and one Lua script appends atomically only if the
 * log is still where the deciding process saw it and none of its commands has an outcome yet
 * (optimistic concurrency: see core's SharedLog); a process appends a whole group of commands
 * in one script run. All keys share one hash tag, so a Redis Cluster keeps them in one slot.
 *
 * Replicated Redis (see the README's Failover): an append is acknowledged only once
 * `minReplicasAcked` replicas have it (WAIT, pipelined after the script on the same
 * connection), and only then is its position *confirmed* (a key and a stream of confirmations).
 * Every process applies confirmed entries only — following the confirmations with blocking
 * XREAD, which is the wake-up; nothing relies on pub/sub — so no process ever applies an entry
 * a failover can still take away. Each entry carries a hash chained over the whole log: a
 * process whose applied log is no longer a prefix of the store's (a failover lost confirmed
 * entries) sees it, gives the log a new epoch (clients take a snapshot) and reports it.
 *
 * Retention deletes (XDEL) the events of old lowered flags, only at or before the latest
 * checkpoint, which stores the chained hash at its position. So the log is contiguous and
 * chained from the checkpoint on; before it, a gap is a purge, and the chain resumes from the
 * checkpoint's hash (see the README's Retention and Failover).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { FlagError, type FlagEvent, type PositionedEvent } from '@flagline/core';
import type { AuthorityStorage, Checkpoint, CommitBatch, CommitResult, Loaded, LoweredRef, SharedLog, StoredOutcome } from '@flagline/core/authority';
import { randomId } from '@flagline/core/authority';
import { connectRedis, knownReplicas, redisTarget, type RedisTarget } from './redis-connection.js';
import type { Purged } from './store.js';
import { RedisSettings } from './settings-redis.js';

/**
 * The chained hash at a position: '' at 0 and on entries from before hashing; the checkpoint's
 * stored hash at its position once retention deleted that entry; false if absent otherwise
 * (deleted by retention before the checkpoint, or lost in a failover). `cpos`, `chash`: the
 * checkpoint position and hash keys.
 */
const HASH_AT = `
local function hashAt(log, cpos, chash, p)
  if p == 0 then return '' end
  local e = redis.call('XRANGE', log, p .. '-0', p .. '-0')[1]
  if e then
    for i = 1, #e[2], 2 do if e[2][i] == 'h' then return e[2][i + 1] end end
    return ''
  end
  if p == tonumber(redis.call('GET', cpos) or '0') then return redis.call('GET', chash) or '' end
  return false
end
`;

/** Confirm the log up to p: the confirmed position and a stream of confirmations (followers block on it). */
const CONFIRM_UP_TO = `
local function confirmUpTo(cpos, cstream, p)
  if p > tonumber(redis.call('GET', cpos) or '0') then
    redis.call('SET', cpos, p)
    redis.call('XADD', cstream, 'MAXLEN', '~', 1000, p .. '-0', 'p', p)
  end
end
`;

// KEYS: pos, log, outcomes, by-interaction, epoch, confirmed-pos, confirmed, flag-interaction,
// lowered, checkpoint-pos, checkpoint-hash, lowered-pos.
// ARGV: expectedPos, its hash, epoch, confirm now (1: no replicas to wait for), n,
// then n pairs (command id, stored outcome), then one quadruple per event: interaction id,
// flag id, mark ('r' for a raise, the time for a lowering, else ''), event.
// Answers {status, head, head hash, ...}: 'ok', 'conflict', 'duplicates' + stored outcomes, or
// {'diverged', why}. Every answer but 'diverged' writes (at least the unchanged head), so a WAIT
// pipelined after it covers every entry up to the head, whoever wrote it. A process behind the
// checkpoint may expect a position retention deleted: not checked (its append conflicts anyway).
const APPEND = HASH_AT + CONFIRM_UP_TO + `
if redis.call('GET', KEYS[5]) ~= ARGV[3] then return {'diverged', 'the log has a new epoch'} end
local expected = tonumber(ARGV[1])
local pos = tonumber(redis.call('GET', KEYS[1]) or '0')
local held = hashAt(KEYS[2], KEYS[10], KEYS[11], expected)
local purged = held == false and expected < tonumber(redis.call('GET', KEYS[10]) or '0')
if pos < expected or (held ~= ARGV[2] and not purged) then
  return {'diverged', 'log position ' .. expected .. ' no longer holds the entry this process applied'}
end
local function answer(status, extra)
  redis.call('SET', KEYS[1], pos)
  if ARGV[4] == '1' then confirmUpTo(KEYS[6], KEYS[7], pos) end
  local reply = {status, tostring(pos), hashAt(KEYS[2], KEYS[10], KEYS[11], pos) or ''}
  for _, x in ipairs(extra) do reply[#reply + 1] = x end
  return reply
end
local n = tonumber(ARGV[5])
local last = 5 + 2 * n
if n > 0 then
  local ids = {}
  for i = 6, last, 2 do ids[#ids + 1] = ARGV[i] end
  local found = redis.call('HMGET', KEYS[3], unpack(ids))
  local dups = {}
  for i = 1, n do
    if found[i] then dups[#dups + 1] = found[i] end
  end
  if #dups > 0 then return answer('duplicates', dups) end
end
if pos ~= expected then return answer('conflict', {}) end
local h = ARGV[2]
for i = last + 1, #ARGV, 4 do
  pos = pos + 1
  h = redis.sha1hex(h .. '\\n' .. ARGV[i + 3])
  redis.call('XADD', KEYS[2], pos .. '-0', 'e', ARGV[i + 3], 'h', h)
  redis.call('ZADD', KEYS[4], 0, ARGV[i] .. '|' .. string.format('%016d', pos))
  local mark = ARGV[i + 2]
  if mark == 'r' then redis.call('HSET', KEYS[8], ARGV[i + 1], ARGV[i])
  elseif mark ~= '' then
    redis.call('ZADD', KEYS[9], tonumber(mark), ARGV[i + 1])
    redis.call('ZADD', KEYS[12], pos, ARGV[i + 1])
  end
end
if n > 0 then redis.call('HSET', KEYS[3], unpack(ARGV, 6, last)) end
return answer('ok', {})
`;

// KEYS: log, confirmed-pos, confirmed, checkpoint-pos, checkpoint-hash. ARGV: position, its hash.
// Confirms only the entry the caller's WAIT covered: after a failover the new primary may not have it.
const CONFIRM = HASH_AT + CONFIRM_UP_TO + `
local p = tonumber(ARGV[1])
if hashAt(KEYS[1], KEYS[4], KEYS[5], p) ~= ARGV[2] then return 0 end
confirmUpTo(KEYS[2], KEYS[3], p)
return 1
`;

// KEYS: checkpoint-pos, checkpoint, checkpoint-hash, log. ARGV: pos, body, the chained hash at pos.
// A checkpoint behind the stored one is ignored; one whose hash is not the log's is refused
// ('diverged': the process that took it applied a log a failover took away).
const SAVE_CHECKPOINT = HASH_AT + `
local p = tonumber(ARGV[1])
if p < tonumber(redis.call('GET', KEYS[1]) or '0') then return 'behind' end
if hashAt(KEYS[4], KEYS[1], KEYS[3], p) ~= ARGV[3] then return 'diverged' end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[3])
return 'saved'
`;

// KEYS: epoch. ARGV: the epoch this process served, a new one.
const NEW_EPOCH = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) end
return 1
`;

/** The chained hash of an entry, as the APPEND script computes it. */
const chain = (prev: string, json: string) => createHash('sha1').update(prev + '\n' + json).digest('hex');
/** Hashes of recent positions kept to check the chain (a process applies near the head). */
const HASH_WINDOW = 100_000;

type Entry = [id: string, fields: string[]];
type Reply = [status: string, head: string, headHash: string, ...rest: string[]];

/** An entry of the by-interaction index: lexicographic order is log order within an interaction. */
function indexMember(interactionId: string, pos: number): string {
  return `${interactionId}|${String(pos).padStart(16, '0')}`;
}

function toEvents(entries: Entry[]): PositionedEvent[] {
  return entries.map(([id, fields]) => ({ pos: Number(id.slice(0, id.indexOf('-'))), event: JSON.parse(fields[1]!) as FlagEvent }));
}

export interface RedisStorageOptions {
  /** `redis://…` or `redis-sentinel://…` (see redis-connection.ts). */
  url: string;
  /** Separates deployments sharing one Redis. */
  namespace?: string;
  /**
   * Replicas that must have an append before it is acknowledged (WAIT); 0: none. Default: 0
   * with redis://; with redis-sentinel://, every replica the Sentinels know at start (at least 1);
   * with redis-cluster://, 1 (a shard's replica).
   */
  minReplicasAcked?: number;
  /** How long an append waits for them before its commands are answered `unavailable`. */
  replicaAckTimeoutMs?: number;
  /** Called with a warning when Redis persistence is weaker than "acknowledged ⇒ durable". */
  warn?: (message: string) => void;
  /**
   * Called once when this process's applied log is not a prefix of the store's any more (a
   * failover lost confirmed entries) or the log got a new epoch: the process must not keep
   * serving its state; the relay restarts (see the README's Failover).
   */
  onDiverged?: (reason: string) => void;
}

/** Commands on replicated Redis that could not be made durable enough: the client retries the same id. */
const RETRY_AFTER_MS = 500;

export class RedisStorage implements AuthorityStorage {
  readonly shared: SharedLog;
  /** Team and personal settings documents, shared by every process (see settings-redis.ts). */
  readonly settings: RedisSettings;
  readonly #redis: Redis;
  readonly #keys: Record<
    'epoch' | 'pos' | 'log' | 'outcomes' | 'byInteraction' | 'confirmedPos' | 'confirmed' | 'flags' | 'lowered' | 'loweredPos' | 'loweredPosFilled' | 'checkpointPos' | 'checkpoint' | 'checkpointHash',
    string
  >;
  /** Which interaction each open flag belongs to, from the events this process has seen (older ones: the flags hash). */
  readonly #interactionOf = new Map<string, string>();
  readonly #opts: RedisStorageOptions;
  readonly #target: RedisTarget;
  #minAcked: number;
  /** Chained hashes of the confirmed entries this process read or wrote, by position (recent ones). */
  readonly #hashes = new Map<number, string>([[0, '']]);
  /** The highest confirmed position this process has seen. */
  #seenPos = 0;
  #epoch = '';
  #diverged: Error | null = null;
  #follower: Redis | null = null;
  #closed = false;
  #loadedPos = 0;
  /** Events the last load() read, for metrics and tests. */
  loadedEvents = 0;

  constructor(opts: RedisStorageOptions) {
    this.#opts = opts;
    this.#target = redisTarget(opts.url);
    this.#minAcked = opts.minReplicasAcked ?? 0;
    const tag = `{flagline:${opts.namespace ?? 'default'}}`;
    this.#keys = {
      epoch: `${tag}:epoch`,
      pos: `${tag}:pos`,
      log: `${tag}:log`,
      outcomes: `${tag}:outcomes`,
      byInteraction: `${tag}:by-interaction`,
      confirmedPos: `${tag}:confirmed-pos`,
      confirmed: `${tag}:confirmed`,
      flags: `${tag}:flag-interaction`,
      lowered: `${tag}:lowered`,
      loweredPos: `${tag}:lowered-pos`,
      loweredPosFilled: `${tag}:lowered-pos-filled`,
      checkpointPos: `${tag}:checkpoint-pos`,
      checkpoint: `${tag}:checkpoint`,
      checkpointHash: `${tag}:checkpoint-hash`,
    };
    this.#redis = connectRedis(this.#target, { lazyConnect: true });
    // ioredis reconnects by itself; failed commands reject and reach the client as errors.
    // Report the outage once, not on every retry.
    let reported = false;
    this.#redis.on('error', (err: Error) => {
      if (!reported) opts.warn?.(`Redis connection error (reconnecting): ${err.message}`);
      reported = true;
    });
    this.#redis.on('ready', () => (reported = false));
    this.#redis.defineCommand('flaglineAppend', { numberOfKeys: 12, lua: APPEND });
    this.#redis.defineCommand('flaglineConfirm', { numberOfKeys: 5, lua: CONFIRM });
    this.#redis.defineCommand('flaglineSaveCheckpoint', { numberOfKeys: 4, lua: SAVE_CHECKPOINT });
    this.#redis.defineCommand('flaglineNewEpoch', { numberOfKeys: 1, lua: NEW_EPOCH });
    this.settings = new RedisSettings(this.#redis, tag, () => this.#minAcked);
    this.shared = {
      since: (pos) => this.#since(pos),
      follow: (deliver) => void this.#follow(deliver),
    };
  }

  /** Writes fail while Redis is unreachable (ioredis reconnects by itself), and for good once diverged. */
  get failure(): Error | null {
    return this.#diverged ?? (this.#redis.status === 'ready' ? null : new Error(`Redis is ${this.#redis.status}`));
  }

  /** Answers once Redis (on a Cluster, this namespace's shard) answers a read of one of its keys. */
  async probe(): Promise<void> {
    await this.#redis.get(this.#keys.confirmedPos);
  }

  /** Replicas each append waits for (resolved by load()). */
  get minReplicasAcked(): number {
    return this.#minAcked;
  }

  /**
   * The epoch, the latest checkpoint and the confirmed events from its replay window on (or all
   * of them): anything after the confirmed ones may still be taken away by a failover. The chain
   * is checked from the checkpoint's stored hash on.
   */
  async load(): Promise<Loaded> {
    if (this.#opts.minReplicasAcked === undefined && this.#target.kind === 'sentinel') this.#minAcked = Math.max(1, await knownReplicas(this.#target));
    // A Cluster's shards each run a primary and (at least) one replica: an append waits for one.
    if (this.#opts.minReplicasAcked === undefined && this.#target.kind === 'cluster') this.#minAcked = 1;
    await this.#redis.connect();
    await this.#checkPersistence();
    await this.settings.start();
    await this.#redis.set(this.#keys.epoch, randomId(), 'NX');
    this.#epoch = (await this.#redis.get(this.#keys.epoch))!;
    // Confirm what is already replicated (a log from before confirmations has none yet): best
    // effort, a store that cannot reach its replicas now is followed once it can.
    await this.#append(0, [], []).catch(() => {});
    const [saved, savedHash] = await this.#redis.mget(this.#keys.checkpoint, this.#keys.checkpointHash);
    const checkpoint = saved == null ? undefined : (JSON.parse(saved) as Checkpoint);
    if (checkpoint) {
      this.#index(checkpoint.events);
      // No stored hash: a checkpoint written before entries were hashed, so the entry at its position has none either.
      this.#record(checkpoint.pos, savedHash ?? '');
    }
    const events = await this.#since(checkpoint ? checkpoint.replayFrom - 1 : 0);
    if (!checkpoint) await this.#fillIndexes(events);
    await this.#fillLoweredPositions();
    this.#loadedPos = Math.max(checkpoint?.pos ?? 0, events.at(-1)?.pos ?? 0);
    this.loadedEvents = events.length;
    return { epoch: this.#epoch, ...(checkpoint ? { checkpoint } : {}), events };
  }

  /** Stored with the chained hash at its position, from which the next start checks the log. */
  async saveCheckpoint(checkpoint: Checkpoint): Promise<void> {
    if (this.#diverged) throw this.#restarting();
    const k = this.#keys;
    const run = (this.#redis as unknown as { flaglineSaveCheckpoint(...a: string[]): Promise<string> }).flaglineSaveCheckpoint;
    const status = await run.call(this.#redis, k.checkpointPos, k.checkpoint, k.checkpointHash, k.log, String(checkpoint.pos), JSON.stringify(checkpoint), this.#hashOf(checkpoint.pos));
    if (status === 'diverged') {
      await this.#diverge(`log position ${checkpoint.pos} no longer holds the entry this process checkpointed`);
      throw this.#restarting();
    }
  }

  async commit(batch: CommitBatch): Promise<CommitResult> {
    const interactions = await this.#interactions(batch.events.map((pe) => pe.event));
    const events = batch.events.map(({ event }, i) => [
      interactions[i]!,
      event.flagId,
      event.type === 'raised' ? 'r' : event.type === 'lowered' ? String(event.at) : '',
      JSON.stringify(event),
    ]);
    const [status, , headHash, ...stored] = await this.#append(batch.expectedPos, batch.outcomes ?? [], events);
    if (status === 'conflict') return { conflict: true };
    if (status === 'duplicates') return { duplicates: stored.map((raw) => JSON.parse(raw) as StoredOutcome) };
    this.#index(batch.events.map((pe) => pe.event));
    let h = this.#hashOf(batch.expectedPos);
    batch.events.forEach((pe, i) => this.#record(pe.pos, (h = chain(h, events[i]![3]!))));
    if (h !== headHash) throw new FlagError('internal', `Redis stored a different chain hash than this process computed at ${batch.events.at(-1)?.pos ?? batch.expectedPos}.`);
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

  /** Every confirmed event of an interaction's flags, in log order (for the transcript endpoint). */
  async interactionEvents(interactionId: string): Promise<FlagEvent[]> {
    return (await this.#interactionEntries(interactionId)).map((pe) => pe.event);
  }

  /**
   * Deletes every event of up to `limit` flags lowered before `cutoff` (ms since the epoch),
   * oldest first, with their index entries, in one MULTI. Only flags lowered at or before the
   * latest checkpoint go (see SqliteStorage.purge), so the log stays contiguous and chained
   * after the checkpoint. Several processes may purge at once: each deletion is idempotent.
   * Command outcomes stay.
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
      tx.zrem(k.loweredPos, flagId);
      flags++;
      events += entries.length;
    }
    if (flags) await tx.exec();
    else tx.discard();
    return { flags, events };
  }

  /** Flags lowered before a log position, newest first (the Authority's history past its memory). */
  async loweredBefore(beforePos: number, limit: number): Promise<LoweredRef[]> {
    const k = this.#keys;
    const found = await this.#redis.zrevrangebyscore(k.loweredPos, `(${beforePos}`, '-inf', 'WITHSCORES', 'LIMIT', 0, limit);
    const flagIds = found.filter((_, i) => i % 2 === 0);
    if (flagIds.length === 0) return [];
    const times = await this.#redis.zmscore(k.lowered, ...flagIds);
    return flagIds.map((flagId, i) => ({ flagId, pos: Number(found[2 * i + 1]), at: Number(times[i] ?? 0) }));
  }

  async close(): Promise<void> {
    this.#stopFollowing();
    await this.#redis.quit().catch(() => {});
    this.#redis.disconnect(); // QUIT alone leaves Sentinel mode's failover-detector connections open
  }

  disconnect(): void {
    this.#stopFollowing();
    this.#redis.disconnect();
  }

  #stopFollowing(): void {
    this.#closed = true;
    this.#follower?.disconnect();
    this.settings.close();
  }

  /**
   * Run the APPEND script and, on replicated Redis, WAIT in the same pipeline (so the WAIT runs
   * on the connection that ran the script, even across a reconnect), then confirm the head.
   * Fewer replicas than required: the commands are answered `unavailable`, never a false success.
   */
  async #append(expectedPos: number, outcomes: StoredOutcome[], events: string[][]): Promise<Reply> {
    if (this.#diverged) throw this.#restarting();
    const k = this.#keys;
    const args = [
      String(expectedPos),
      this.#hashOf(expectedPos),
      this.#epoch,
      this.#minAcked === 0 ? '1' : '0',
      String(outcomes.length),
      ...outcomes.flatMap((o) => [o.id, JSON.stringify(o)]),
      ...events.flat(),
    ];
    const pipeline = this.#redis.pipeline();
    (pipeline as unknown as { flaglineAppend(...a: string[]): unknown }).flaglineAppend(
      k.pos,
      k.log,
      k.outcomes,
      k.byInteraction,
      k.epoch,
      k.confirmedPos,
      k.confirmed,
      k.flags,
      k.lowered,
      k.checkpointPos,
      k.checkpointHash,
      k.loweredPos,
      ...args,
    );
    if (this.#minAcked > 0) pipeline.wait(this.#minAcked, this.#opts.replicaAckTimeoutMs ?? 1000);
    const [[appendErr, reply], acked] = (await pipeline.exec())! as [[Error | null, unknown], [Error | null, unknown]?];
    if (appendErr) throw appendErr;
    const answer = reply as Reply;
    if (answer[0] === 'diverged') {
      await this.#diverge(answer[1]);
      throw this.#restarting();
    }
    if (this.#minAcked > 0) {
      const [waitErr, replicas] = acked!;
      if (waitErr) throw waitErr;
      if ((replicas as number) < this.#minAcked)
        throw new FlagError(
          'unavailable',
          `Only ${String(replicas)} of ${this.#minAcked} Redis replicas confirmed the write within ${this.#opts.replicaAckTimeoutMs ?? 1000} ms (failover in progress?); retry the command.`,
          { retryAfterMs: RETRY_AFTER_MS },
        );
      const run = (this.#redis as unknown as { flaglineConfirm(...a: string[]): Promise<number> }).flaglineConfirm;
      await run.call(this.#redis, k.log, k.confirmedPos, k.confirmed, k.checkpointPos, k.checkpointHash, answer[1], answer[2]);
    }
    return answer;
  }

  async #confirmedPos(): Promise<number> {
    return Number((await this.#redis.get(this.#keys.confirmedPos)) ?? 0);
  }

  /** Confirmed events after `pos`, checked against the chain this process knows. */
  async #since(pos: number): Promise<PositionedEvent[]> {
    return this.#range(pos, await this.#confirmedPos());
  }

  /**
   * Confirmed entries after `after` up to `upTo`, contiguous and chained from the hashes this
   * process knows. A gap is allowed only at or before the latest checkpoint (retention deleted
   * those events); the chain resumes from the checkpoint's stored hash. Each page is read in one
   * MULTI with the checkpoint, so no checkpoint and purge come between them.
   */
  async #range(after: number, upTo: number): Promise<PositionedEvent[]> {
    const k = this.#keys;
    const out: PositionedEvent[] = [];
    let from = after + 1;
    let checkpointPos = 0;
    while (from <= upTo) {
      const [[epochErr, epoch], [cpErr, cp], [err, page]] = (await this.#redis.multi().get(k.epoch).mget(k.checkpointPos, k.checkpointHash).xrange(k.log, `${from}-0`, `${upTo}-0`, 'COUNT', 5000).exec())! as [
        [Error | null, string | null],
        [Error | null, (string | null)[]],
        [Error | null, Entry[]],
      ];
      if (epochErr ?? cpErr ?? err) throw epochErr ?? cpErr ?? err;
      if (this.#epoch && epoch !== this.#epoch) await this.#diverge('the log has a new epoch');
      if (this.#diverged) throw this.#restarting();
      checkpointPos = Number(cp[0] ?? 0);
      if (checkpointPos > 0 && checkpointPos <= upTo) {
        const known = this.#hashes.get(checkpointPos);
        if (known !== undefined && known !== (cp[1] ?? '')) {
          await this.#diverge(`the checkpoint at log position ${checkpointPos} does not follow the entries this process applied`);
          throw this.#restarting();
        }
        this.#record(checkpointPos, cp[1] ?? '');
      }
      for (const [id, fields] of page) {
        const at = Number(id.slice(0, id.indexOf('-')));
        const json = fields[1]!;
        const h = fields[3] ?? '';
        const prev = this.#hashes.get(at - 1);
        const known = this.#hashes.get(at);
        const gap = at !== from && at - 1 > checkpointPos;
        if (gap || (known !== undefined && known !== h) || (prev !== undefined && h !== '' && h !== chain(prev, json))) {
          await this.#diverge(`log position ${at} does not follow the entries this process applied`);
          throw this.#restarting();
        }
        this.#record(at, h);
        out.push({ pos: at, event: JSON.parse(json) as FlagEvent });
        from = at + 1;
      }
      if (page.length === 0) break;
    }
    if (from <= upTo && upTo > checkpointPos) {
      await this.#diverge(`the log ends before its confirmed position ${upTo}`);
      throw this.#restarting();
    }
    this.#index(out.map((pe) => pe.event));
    return out;
  }

  /**
   * Follow the confirmations on a connection of its own (XREAD BLOCK holds it). After every
   * (re)connect — a failover, possibly — first re-check and confirm what is there: a writer may
   * have died between its WAIT and its confirmation, and the new primary may lag on the latter.
   */
  async #follow(deliver: (events: PositionedEvent[]) => void): Promise<void> {
    const follower = (this.#follower = this.#redis.duplicate());
    follower.on('error', () => {}); // the main connection reports outages
    let last = this.#loadedPos;
    let settled = false;
    while (!this.#closed && !this.#diverged) {
      try {
        if (!settled) {
          settled = true;
          // An empty append at the newest position seen: checks the chain, WAITs, confirms the head.
          await this.#append(this.#seenPos, [], []).catch((err: unknown) => {
            if (this.#diverged) throw err;
          });
        }
        const res = (await follower.xread('BLOCK', 5000, 'STREAMS', this.#keys.confirmed, `${last}-0`)) as [string, Entry[]][] | null;
        if (!res) continue;
        const newest = res[0]![1].at(-1)![0];
        const events = await this.#range(last, Number(newest.slice(0, newest.indexOf('-'))));
        if (events.length === 0) continue;
        last = events.at(-1)!.pos;
        deliver(events);
      } catch {
        if (this.#closed || this.#diverged) return;
        settled = false;
        // Redis restarting or failing over: ioredis reconnects; the Authority fetches any gap on the next event.
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  #hashOf(pos: number): string {
    const h = this.#hashes.get(pos);
    if (h === undefined) throw new FlagError('internal', `No chain hash known at log position ${pos}.`);
    return h;
  }

  /**
   * Keep the hashes of the positions within the window below the newest seen, by position: a
   * reader catching up from far back (a webhook cursor, a replay) reads in pages of 5,000 and
   * must never push out the hash at the head between two pages, when a commit may chain from it.
   * Older positions are read unchecked by hash.
   */
  #record(pos: number, hash: string): void {
    if (pos > this.#seenPos) this.#seenPos = pos;
    const floor = this.#seenPos - HASH_WINDOW;
    if (pos <= floor) return;
    this.#hashes.set(pos, hash);
    if (this.#hashes.size > HASH_WINDOW + HASH_WINDOW / 10) for (const p of this.#hashes.keys()) if (p <= floor) this.#hashes.delete(p);
  }

  /**
   * This process's state is not the store's any more. Give the log a new epoch (unless someone
   * already did), so every client that saw the lost entries takes a snapshot and every other
   * process notices and restarts too; then stop and report.
   */
  async #diverge(reason: string): Promise<void> {
    if (this.#diverged) return;
    this.#diverged = new Error(`This relay's state diverged from Redis: ${reason}.`);
    const run = (this.#redis as unknown as { flaglineNewEpoch(...a: string[]): Promise<number> }).flaglineNewEpoch;
    await run.call(this.#redis, this.#keys.epoch, this.#epoch, randomId()).catch(() => {});
    this.#opts.onDiverged?.(reason);
  }

  #restarting(): FlagError {
    return new FlagError('unavailable', `${this.#diverged!.message} It restarts; retry the command.`, { retryAfterMs: RETRY_AFTER_MS });
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

  /** Confirmed entries only: a failover may still take the others away. */
  async #interactionEntries(interactionId: string): Promise<PositionedEvent[]> {
    const [members, confirmed] = await Promise.all([
      this.#redis.zrangebylex(this.#keys.byInteraction, `[${interactionId}|`, `[${interactionId}|\xff`),
      this.#confirmedPos(),
    ]);
    const positions = members.map((m) => Number(m.slice(m.lastIndexOf('|') + 1))).filter((pos) => pos <= confirmed);
    if (positions.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const pos of positions) pipeline.xrange(this.#keys.log, `${pos}-0`, `${pos}-0`);
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

  /**
   * A log written before the by-position index of lowerings existed: fill it once from each
   * lowered flag's events (idempotent, so processes starting together may both do it; marked
   * done only after every flag is in). New lowerings are indexed by the append script.
   */
  async #fillLoweredPositions(): Promise<void> {
    const k = this.#keys;
    if (await this.#redis.exists(k.loweredPosFilled)) return;
    for (const flagId of await this.#redis.zrange(k.lowered, 0, -1)) {
      const lowered = (await this.#flagEntries(flagId)).events.find((pe) => pe.event.type === 'lowered');
      if (lowered) await this.#redis.zadd(k.loweredPos, lowered.pos, flagId);
    }
    await this.#redis.set(k.loweredPosFilled, '1');
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
