/**
 * Which supervisors are online, per team. With one process it is a count of open connections;
 * with Redis every process publishes its own supervisors into one sorted set per team, scored
 * by an expiry it keeps pushing forward, so a process that dies drops out by itself.
 */
import type { Redis } from 'ioredis';
import type { Participant, ParticipantRef } from '@flagline/core';
import { connectRedis, redisTarget } from './redis-connection.js';

export interface Presence {
  /** A supervisor's connection opened; call the returned function when it closes. */
  enter(p: Participant): () => void;
  /** Supervisors online for a team, by name. */
  online(team: string): Promise<ParticipantRef[]>;
  close(): Promise<void>;
  /** Redis: drop the connection now, leaving this process's entries to expire. */
  disconnect?(): void;
}

/** Open supervisor connections of this process: participant id → count and teams. */
class LocalCounts {
  readonly here = new Map<string, { p: Participant; connections: number }>();
  enter(p: Participant, onChange: () => void): () => void {
    const entry = this.here.get(p.id) ?? { p, connections: 0 };
    // The latest session's identity (a refresh may change the teams), as a copy: the session's participant changes in place.
    entry.p = { ...p, teams: [...p.teams] };
    entry.connections++;
    this.here.set(p.id, entry);
    onChange();
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (--entry.connections === 0) this.here.delete(p.id);
      onChange();
    };
  }
  refs(team: string): ParticipantRef[] {
    return [...this.here.values()].filter(({ p }) => p.teams.includes(team)).map(({ p }) => ({ id: p.id, name: p.name, role: p.role }));
  }
}

export class LocalPresence implements Presence {
  readonly #counts = new LocalCounts();
  enter(p: Participant) {
    return this.#counts.enter(p, () => {});
  }
  async online(team: string) {
    return this.#counts.refs(team).sort((a, b) => a.name.localeCompare(b.name));
  }
  async close() {}
}

export class RedisPresence implements Presence {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #counts = new LocalCounts();
  readonly #timer: ReturnType<typeof setInterval>;
  /** Members this process wrote, per team, so a supervisor who left is removed at once. */
  #written = new Map<string, Set<string>>();

  constructor(opts: { url: string; namespace: string; ttlMs?: number }) {
    this.#redis = connectRedis(redisTarget(opts.url));
    this.#redis.on('error', () => {}); // the store reports Redis outages
    this.#prefix = `{flagline:${opts.namespace}}:presence:`;
    this.#ttlMs = opts.ttlMs ?? 15_000;
    this.#timer = setInterval(() => void this.#publish(), this.#ttlMs / 3);
    this.#timer.unref();
  }

  enter(p: Participant) {
    return this.#counts.enter(p, () => void this.#publish());
  }

  async online(team: string): Promise<ParticipantRef[]> {
    const members = await this.#redis.zrangebyscore(this.#prefix + team, Date.now(), '+inf');
    const byId = new Map<string, ParticipantRef>();
    for (const m of members) {
      const ref = JSON.parse(m) as ParticipantRef;
      byId.set(ref.id, ref);
    }
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    // Leave at once rather than after the expiry.
    const multi = this.#redis.multi();
    for (const [team, members] of this.#written) if (members.size) multi.zrem(this.#prefix + team, ...members);
    await multi.exec().catch(() => {});
    await this.#redis.quit().catch(() => {});
    this.disconnect(); // QUIT alone leaves Sentinel mode's failover-detector connections open
  }

  disconnect(): void {
    clearInterval(this.#timer);
    this.#redis.disconnect();
  }

  async #publish(): Promise<void> {
    const until = Date.now() + this.#ttlMs;
    const next = new Map<string, Set<string>>();
    for (const { p } of this.#counts.here.values()) {
      const member = JSON.stringify({ id: p.id, name: p.name, role: p.role });
      for (const team of p.teams) (next.get(team) ?? next.set(team, new Set()).get(team)!).add(member);
    }
    const multi = this.#redis.multi();
    for (const [team, members] of next) for (const m of members) multi.zadd(this.#prefix + team, until, m);
    for (const [team, members] of this.#written) {
      const gone = [...members].filter((m) => !next.get(team)?.has(m));
      if (gone.length) multi.zrem(this.#prefix + team, ...gone);
    }
    // Entries other processes let expire are cleaned by whoever publishes.
    for (const team of new Set([...next.keys(), ...this.#written.keys()])) multi.zremrangebyscore(this.#prefix + team, '-inf', Date.now());
    this.#written = next;
    await multi.exec().catch(() => {});
  }
}
