/**
 * What the service API keeps besides the log, in the relay's SQLite file (migration 2; webhooks
 * not yet delivered are dropped with the interaction they concern, migration 3): the
 * audit log of every service call, the host's assignments of interactions to agents (read by
 * the Authority's decisions, so kept in memory and written through), and participants whose
 * sessions the host ended. Writes are synchronous transactions (durable before the answer).
 */
import type Database from 'better-sqlite3';
import { KEEP_NAMED_LOWERED } from './sqlite-storage.js';

/** One service call, as audited: who, what, on what, when, and how it ended. */
export interface AuditRecord {
  id: number;
  at: number;
  serviceId: string;
  operation: string;
  target: string | null;
  idempotencyKey: string | null;
  status: number;
  code: string | null;
}

/** What the service API keeps: here in the SQLite file, or on Redis (service-store-redis.ts). */
export interface ServiceState {
  audit(entry: Omit<AuditRecord, 'id'>): void | Promise<void>;
  auditLog(afterId: number, limit: number): AuditRecord[] | Promise<AuditRecord[]>;
  /** The agent the host assigned an interaction to: read by decisions, so synchronous. */
  get(interactionId: string): string | undefined;
  assign(interactionId: string, agentId: string, at: number): void | Promise<void>;
  blockedUntil(participantId: string): number | undefined;
  block(participantId: string, until: number): void | Promise<void>;
  close(): void;
}

export class ServiceStore implements ServiceState {
  readonly #db: Database.Database;
  readonly #assignments = new Map<string, string>();
  readonly #blocked = new Map<string, number>();
  readonly #insertAudit: Database.Statement;
  readonly #selectAudit: Database.Statement;
  readonly #upsertAssignment: Database.Statement;
  readonly #upsertBlocked: Database.Statement;
  readonly #erase: (interactionId: string) => { flags: number; events: number };

  constructor(db: Database.Database) {
    this.#db = db;
    for (const row of db.prepare('SELECT interaction_id, agent_id FROM assignments').iterate() as Iterable<{ interaction_id: string; agent_id: string }>)
      this.#assignments.set(row.interaction_id, row.agent_id);
    for (const row of db.prepare('SELECT participant_id, until FROM blocked_participants').iterate() as Iterable<{ participant_id: string; until: number }>)
      this.#blocked.set(row.participant_id, row.until);
    this.#insertAudit = db.prepare(
      'INSERT INTO service_audit (at, service_id, operation, target, idempotency_key, status, code) VALUES (@at, @serviceId, @operation, @target, @idempotencyKey, @status, @code)',
    );
    this.#selectAudit = db.prepare(
      'SELECT id, at, service_id AS serviceId, operation, target, idempotency_key AS idempotencyKey, status, code FROM service_audit WHERE id > ? ORDER BY id LIMIT ?',
    );
    this.#upsertAssignment = db.prepare(
      'INSERT INTO assignments (interaction_id, agent_id, at) VALUES (?, ?, ?) ON CONFLICT (interaction_id) DO UPDATE SET agent_id = excluded.agent_id, at = excluded.at',
    );
    this.#upsertBlocked = db.prepare(
      'INSERT INTO blocked_participants (participant_id, until) VALUES (?, ?) ON CONFLICT (participant_id) DO UPDATE SET until = excluded.until',
    );
    const deleteEvents = db.prepare('DELETE FROM events WHERE interaction_id = ?');
    const deleteAssignment = db.prepare('DELETE FROM assignments WHERE interaction_id = ?');
    const deleteWebhooks = db.prepare('DELETE FROM webhook_outbox WHERE pos IN (SELECT pos FROM events WHERE interaction_id = ?)');
    // The retention purge's index of lowered flags (migration 2) names them too.
    const deleteLowered = db.prepare('DELETE FROM lowered WHERE flag_id IN (SELECT flag_id FROM events WHERE interaction_id = ?)');
    const countFlags = db.prepare('SELECT COUNT(DISTINCT flag_id) AS n FROM events WHERE interaction_id = ?').pluck();
    // The latest checkpoint names the histories of the flags then in memory, read from the log at
    // start (sqlite-storage.ts): it stops naming these, so a start before the next checkpoint does
    // not look for their events (nor keep them in its queue of lowered flags).
    const unname = db.prepare('DELETE FROM checkpoint_flags WHERE flag_id IN (SELECT flag_id FROM events WHERE interaction_id = ?)');
    const keepNamedLowered = db.prepare(KEEP_NAMED_LOWERED);
    this.#erase = db.transaction((interactionId: string) => {
      const flags = countFlags.get(interactionId) as number;
      deleteAssignment.run(interactionId);
      deleteWebhooks.run(interactionId);
      deleteLowered.run(interactionId);
      unname.run(interactionId);
      keepNamedLowered.run();
      return { flags, events: deleteEvents.run(interactionId).changes };
    });
  }

  audit(entry: Omit<AuditRecord, 'id'>): void {
    this.#insertAudit.run(entry);
  }

  /** Audit records after `afterId`, oldest first. */
  auditLog(afterId: number, limit: number): AuditRecord[] {
    return this.#selectAudit.all(afterId, limit) as AuditRecord[];
  }

  /** The agent the host assigned an interaction to (the Authority's `Assignments`). */
  get(interactionId: string): string | undefined {
    return this.#assignments.get(interactionId);
  }

  assign(interactionId: string, agentId: string, at: number): void {
    this.#upsertAssignment.run(interactionId, agentId, at);
    this.#assignments.set(interactionId, agentId);
  }

  /** Until when (ms since the epoch) a participant's tokens are refused, if they are. */
  blockedUntil(participantId: string): number | undefined {
    return this.#blocked.get(participantId);
  }

  block(participantId: string, until: number): void {
    this.#upsertBlocked.run(participantId, until);
    this.#blocked.set(participantId, until);
  }

  close(): void {} // the connection is the SQLite store's

  /**
   * Deletes an interaction's events and assignment in one transaction; returns the events
   * deleted. Freed pages are overwritten (secure_delete) and the WAL is checkpointed and
   * truncated, so the deleted text is left nowhere in the files.
   */
  eraseInteraction(interactionId: string): { flags: number; events: number } {
    const before = this.#db.pragma('secure_delete', { simple: true }) as number;
    this.#db.pragma('secure_delete = ON');
    try {
      const deleted = this.#erase(interactionId);
      this.#assignments.delete(interactionId);
      this.#db.pragma('wal_checkpoint(TRUNCATE)');
      return deleted;
    } finally {
      this.#db.pragma(`secure_delete = ${before}`);
    }
  }
}
