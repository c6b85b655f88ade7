/**
 * The webhook outbox in the relay's SQLite file (migration 3): one row per (endpoint, event),
 * inserted by `enqueue` inside the store's commit transaction — so an event is queued in the
 * same commit that records it and a crash loses nothing — and deleted once delivered.
 */
import type Database from 'better-sqlite3';
import type { FlagEvent, PositionedEvent } from '@flagline/core';
import type { WebhookConfig } from './webhook-config.js';
import { wants, type Head, type Outbox, type Paused } from './webhook-delivery.js';

interface Row {
  pos: number;
  flag_id: string;
  attempts: number;
}

export class SqliteOutbox implements Outbox {
  readonly #config: WebhookConfig;
  readonly #teamOf: (flagId: string) => string | undefined;
  /** Called after new rows were committed (delivery wakes up). */
  onQueued: () => void = () => {};
  readonly #paused = new Map<string, Paused>();
  readonly #stmt: Record<'insert' | 'heads' | 'event' | 'done' | 'retry' | 'pause' | 'resume' | 'due' | 'queued' | 'range', Database.Statement>;

  constructor(db: Database.Database, config: WebhookConfig, teamOf: (flagId: string) => string | undefined) {
    this.#config = config;
    this.#teamOf = teamOf;
    this.#stmt = {
      insert: db.prepare('INSERT OR IGNORE INTO webhook_outbox (endpoint_id, pos, flag_id, next_at) VALUES (?, ?, ?, ?)'),
      // The oldest queued event of each flag, if due: only heads are sent, so a flag's order holds.
      heads: db.prepare(`
        SELECT o.pos, o.flag_id, o.attempts FROM webhook_outbox o
        JOIN (SELECT flag_id, MIN(pos) AS pos FROM webhook_outbox WHERE endpoint_id = @endpoint GROUP BY flag_id) h ON h.pos = o.pos
        WHERE o.endpoint_id = @endpoint AND o.next_at <= @now ORDER BY o.pos LIMIT @limit`),
      event: db.prepare('SELECT body, interaction_id FROM events WHERE pos = ?'),
      done: db.prepare('DELETE FROM webhook_outbox WHERE endpoint_id = ? AND pos = ?'),
      retry: db.prepare('UPDATE webhook_outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE endpoint_id = ? AND pos = ?'),
      pause: db.prepare('INSERT INTO webhook_endpoints (id, paused_at, reason) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET paused_at = excluded.paused_at, reason = excluded.reason'),
      resume: db.prepare('UPDATE webhook_endpoints SET paused_at = NULL, reason = NULL WHERE id = ?'),
      due: db.prepare('UPDATE webhook_outbox SET next_at = ? WHERE endpoint_id = ?'),
      queued: db.prepare('SELECT COUNT(*) AS n FROM webhook_outbox WHERE endpoint_id = ?'),
      range: db.prepare('SELECT pos, body FROM events WHERE pos BETWEEN ? AND ? ORDER BY pos'),
    };
    for (const row of db.prepare('SELECT id, paused_at, reason FROM webhook_endpoints WHERE paused_at IS NOT NULL').all() as { id: string; paused_at: number; reason: string }[])
      this.#paused.set(row.id, { at: row.paused_at, reason: row.reason });
  }

  /** Queue committed events for the endpoints that want them. Runs inside the store's commit transaction. */
  enqueue(events: readonly PositionedEvent[]): void {
    if (events.length === 0) return;
    const now = Date.now();
    for (const { pos, event } of events) {
      for (const endpoint of this.#config.endpoints) if (wants(endpoint, event, this.#teamOf)) this.#stmt.insert.run(endpoint.id, pos, event.flagId, now);
    }
    // After the transaction commits (it is synchronous), not inside it.
    setImmediate(() => this.onQueued());
  }

  heads(endpointId: string, now: number, limit: number, busy: ReadonlySet<string>): Head[] {
    const rows = this.#stmt.heads.all({ endpoint: endpointId, now, limit: limit + busy.size }) as Row[];
    return rows
      .filter((r) => !busy.has(r.flag_id))
      .slice(0, limit)
      .map((r) => ({
        pos: r.pos,
        flagId: r.flag_id,
        attempts: r.attempts,
        load: () => {
          const stored = this.#stmt.event.get(r.pos) as { body: string; interaction_id: string } | undefined;
          return stored ? { event: JSON.parse(stored.body) as FlagEvent, interactionId: stored.interaction_id } : null;
        },
      }));
  }

  done(endpointId: string, head: Head): void {
    this.#stmt.done.run(endpointId, head.pos);
  }

  retry(endpointId: string, head: Head, nextAt: number, error: string): void {
    this.#stmt.retry.run(nextAt, error, endpointId, head.pos);
  }

  queued(endpointId: string): number {
    return (this.#stmt.queued.get(endpointId) as { n: number }).n;
  }

  paused(endpointId: string): Paused | null {
    return this.#paused.get(endpointId) ?? null;
  }

  setPaused(endpointId: string, paused: Paused | null): void {
    if (paused) {
      this.#stmt.pause.run(endpointId, paused.at, paused.reason);
      this.#paused.set(endpointId, paused);
    } else {
      this.#stmt.resume.run(endpointId);
      this.#stmt.due.run(Date.now(), endpointId);
      this.#paused.delete(endpointId);
    }
  }

  replay(endpointId: string, from: number, to: number): number {
    const endpoint = this.#config.endpoints.find((e) => e.id === endpointId)!;
    const now = Date.now();
    let queued = 0;
    for (const row of this.#stmt.range.all(from, to) as { pos: number; body: string }[]) {
      const event = JSON.parse(row.body) as FlagEvent;
      if (wants(endpoint, event, this.#teamOf)) queued += this.#stmt.insert.run(endpoint.id, row.pos, event.flagId, now).changes;
    }
    return queued;
  }

  active(): boolean {
    return true; // one relay per SQLite file
  }

  close(): void {}
}
