/**
 * Settings documents on Redis, shared by every relay process: one hash (field `<owner>|<key>`,
 * in the deployment's hash tag) and one Lua script that writes only if the stored version is the
 * one the editor started from (compare-and-set) and publishes what it wrote, so every process
 * tells its own sessions. Pub/sub is at most once: a process that misses a message (reconnecting)
 * leaves its clients with the older version until they reconnect and load again; the stored
 * document is never affected.
 */
import type { Redis } from 'ioredis';
import { FlagError, SETTING_KEYS } from '@flagline/core';
import type { SettingWrite, SettingsStorage, StoredSetting } from '@flagline/core/authority';

/** KEYS: hash, channel. ARGV: field, expected version, stored JSON. 'ok', '' (nothing stored) or the stored JSON. */
const CAS = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local version = 0
if cur then version = cjson.decode(cur).doc.version end
if version ~= tonumber(ARGV[2]) then return cur or '' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('PUBLISH', KEYS[2], ARGV[3])
return 'ok'
`;

export class RedisSettings implements SettingsStorage {
  readonly #redis: Redis;
  readonly #hash: string;
  readonly #channel: string;
  readonly #minAcked: () => number;
  readonly #deliver = new Set<(setting: StoredSetting) => void>();
  #subscriber: Redis | null = null;

  /** `tag`: the deployment's hash tag; `minAcked`: replicas a save waits for (as appends do). */
  constructor(redis: Redis, tag: string, minAcked: () => number) {
    this.#redis = redis;
    this.#hash = `${tag}:settings`;
    this.#channel = `${tag}:settings-saved`;
    this.#minAcked = minAcked;
    redis.defineCommand('flaglineSaveSetting', { numberOfKeys: 2, lua: CAS });
  }

  /**
   * Subscribe before the relay serves anyone, so no save after start goes unheard. ioredis's own
   * resubscribe after a reconnect (a failover) leaves its promise unhandled when the connection
   * drops again before the reply, which would crash the process: this connection resubscribes
   * itself, on every `ready` after the first, and a failed attempt waits for the next `ready`.
   */
  async start(): Promise<void> {
    const subscriber = (this.#subscriber = this.#redis.duplicate({ autoResubscribe: false }));
    subscriber.on('error', () => {}); // the main connection reports outages
    subscriber.on('message', (_channel: string, message: string) => {
      const setting = JSON.parse(message) as StoredSetting;
      for (const deliver of this.#deliver) deliver(setting);
    });
    await subscriber.subscribe(this.#channel);
    subscriber.on('ready', () => void subscriber.subscribe(this.#channel).catch(() => {}));
  }

  async read(owners: readonly string[]): Promise<StoredSetting[]> {
    const fields = owners.flatMap((owner) => SETTING_KEYS.map((key) => `${owner}|${key}`));
    if (fields.length === 0) return [];
    const found = await this.#redis.hmget(this.#hash, ...fields);
    return found.flatMap((raw) => (raw === null ? [] : [JSON.parse(raw) as StoredSetting]));
  }

  async write(setting: StoredSetting, expected: number): Promise<SettingWrite> {
    const args = [this.#hash, this.#channel, `${setting.owner}|${setting.doc.key}`, String(expected), JSON.stringify(setting)];
    const pipeline = this.#redis.pipeline();
    (pipeline as unknown as { flaglineSaveSetting(...a: string[]): void }).flaglineSaveSetting(...args);
    const minAcked = this.#minAcked();
    if (minAcked > 0) pipeline.wait(minAcked, 1_000);
    const results = (await pipeline.exec()) ?? [];
    const [[err, reply] = [new Error('no reply'), null], acked] = results;
    if (err) throw err;
    if (acked && (acked[0] || Number(acked[1]) < minAcked))
      throw new FlagError('unavailable', `The setting reached ${String(acked[1])} of ${minAcked} replicas; save it again.`, { retryAfterMs: 500 });
    if (reply === 'ok') return { written: true };
    return { written: false, current: reply ? (JSON.parse(reply as string) as StoredSetting) : undefined };
  }

  follow(deliver: (setting: StoredSetting) => void): void {
    this.#deliver.add(deliver);
  }

  close(): void {
    this.#deliver.clear();
    this.#subscriber?.disconnect();
  }
}
