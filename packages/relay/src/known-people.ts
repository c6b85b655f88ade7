/**
 * Who has connected to any relay process of a shared Redis log, by id, as their latest token
 * said (name, role, teams): the directory a hand-off or a check-in naming someone connected to
 * another process is decided with. Each process writes the participants it authenticates into
 * one hash; a decision that names someone not connected here reads it. One process (SQLite)
 * needs none: its own subscribers are everyone.
 */
import type { Redis } from 'ioredis';
import * as v from 'valibot';
import { schemas, type Participant } from '@flagline/core';
import { connectRedis, redisTarget } from './redis-connection.js';
import type { Logger } from './log.js';

export class RedisKnownPeople {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #log: Logger;

  constructor(opts: { url: string; namespace: string; log: Logger }) {
    this.#redis = connectRedis(redisTarget(opts.url));
    this.#redis.on('error', () => {}); // the store reports Redis outages
    this.#key = `{flagline:${opts.namespace}}:people`;
    this.#log = opts.log;
  }

  /** A participant authenticated here: others may now name them (written in the background). */
  remember(p: Participant): void {
    const entry = JSON.stringify({ id: p.id, name: p.name, role: p.role, teams: p.teams });
    this.#redis.hset(this.#key, p.id, entry).catch((err: unknown) => this.#log.warn('known people: write failed', { participant: p.id, error: String(err) }));
  }

  /** Someone who connected to any process; a failed read rejects (the command answers unavailable). */
  async participant(id: string): Promise<Participant | undefined> {
    const raw = await this.#redis.hget(this.#key, id);
    if (raw === null) return undefined;
    const parsed = v.safeParse(schemas.Participant, JSON.parse(raw));
    if (!parsed.success) throw new Error(`the stored participant ${id} does not validate`);
    return parsed.output;
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => {});
    this.disconnect();
  }

  /** Drop the connection now: what waits on it fails at once. */
  disconnect(): void {
    this.#redis.disconnect();
  }
}
