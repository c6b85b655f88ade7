/**
 * Versioned schema migrations for the relay's SQLite file. Migration N upgrades a file at
 * schema_version N-1; they run in one transaction at start, and a file written by a newer
 * relay (a version we do not know) is refused rather than guessed at.
 */
import type { Database } from 'better-sqlite3';

export const MIGRATIONS: readonly ((db: Database) => void)[] = [
  // 1: the log, the permanent command outcomes, and the meta table (epoch, schema version).
  (db) => {
    db.exec(`
      CREATE TABLE events (
        pos INTEGER PRIMARY KEY,
        flag_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        interaction_id TEXT NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (flag_id, seq)
      );
      CREATE INDEX events_by_interaction ON events (interaction_id, pos);
      CREATE TABLE outcomes (
        id TEXT PRIMARY KEY,
        actor_id TEXT NOT NULL,
        body TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
  // 2: the latest checkpoint of the Authority's state (start-up reads it and the events after it),
  // and lowered flags by time (what the retention purge deletes), filled from the log so far.
  (db) => {
    db.exec(`
      CREATE TABLE checkpoint (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        pos INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE TABLE lowered (
        flag_id TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        pos INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX lowered_by_at ON lowered (at);
      INSERT INTO lowered (flag_id, at, pos)
        SELECT flag_id, json_extract(body, '$.at'), pos FROM events WHERE json_extract(body, '$.type') = 'lowered';
    `);
  },
  // 3 (service API): the audit log of service calls, the host's interaction assignments, and
  // participants whose sessions the host ended (tokens refused until a time).
  (db) => {
    db.exec(`
      CREATE TABLE service_audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        service_id TEXT NOT NULL,
        operation TEXT NOT NULL,
        target TEXT,
        idempotency_key TEXT,
        status INTEGER NOT NULL,
        code TEXT
      );
      CREATE TABLE assignments (
        interaction_id TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL,
        at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE blocked_participants (
        participant_id TEXT PRIMARY KEY,
        until INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
  // 4 (webhooks): the durable outbox — one row per (endpoint, event), written in the commit
  // that records the event, deleted once delivered — and each endpoint's pause state.
  (db) => {
    db.exec(`
      CREATE TABLE webhook_outbox (
        endpoint_id TEXT NOT NULL,
        pos INTEGER NOT NULL,
        flag_id TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL,
        last_error TEXT,
        PRIMARY KEY (endpoint_id, pos)
      ) WITHOUT ROWID;
      CREATE INDEX webhook_outbox_by_flag ON webhook_outbox (endpoint_id, flag_id, pos);
      CREATE TABLE webhook_endpoints (
        id TEXT PRIMARY KEY,
        paused_at INTEGER,
        reason TEXT
      ) WITHOUT ROWID;
    `);
  },
  // 5 (history): lowered flags by log position, newest first — how participants page history.
  (db) => {
    db.exec('CREATE INDEX lowered_by_pos ON lowered (pos)');
  },
  // 6 (settings): team and personal settings documents, one row per (owner, key), with the
  // version a compare-and-set save checks.
  (db) => {
    db.exec(`
      CREATE TABLE settings (
        owner TEXT NOT NULL,
        key TEXT NOT NULL,
        version INTEGER NOT NULL,
        write_id TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (owner, key)
      ) WITHOUT ROWID;
    `);
  },
  // 7 (issue 18): the checkpoint's flag histories one row each (in the order the Authority holds
  // them: rowid order), so a checkpoint rewrites only the flags that changed since the last; the
  // checkpoint row keeps the rest (position, replay window, lowered queue). A checkpoint written
  // before moves into rows here.
  (db) => {
    db.exec('CREATE TABLE checkpoint_flags (flag_id TEXT PRIMARY KEY, body TEXT NOT NULL)');
    const body = db.prepare('SELECT body FROM checkpoint').pluck().get() as string | undefined;
    if (body === undefined) return;
    const { events, ...head } = JSON.parse(body) as { events: { flagId: string }[] };
    const histories = new Map<string, unknown[]>();
    for (const event of events) {
      const history = histories.get(event.flagId);
      if (history) history.push(event);
      else histories.set(event.flagId, [event]);
    }
    const insert = db.prepare('INSERT INTO checkpoint_flags (flag_id, body) VALUES (?, ?)');
    for (const [flagId, history] of histories) insert.run(flagId, JSON.stringify(history));
    db.prepare('UPDATE checkpoint SET body = ?').run(JSON.stringify(head));
  },
  // 8 (issue 18): a checkpointed flag's history is named, not copied: how many of its events (seq
  // 1 to n) the checkpoint holds, which load() reads from `events`. A checkpoint then writes a
  // number per flag that changed instead of the flag's whole history again (in rowid order, as 7).
  // A copied history the log no longer holds whole (an interaction erased, or purged behind the
  // checkpoint, before a newer checkpoint was written) is not named, nor kept in the lowered queue.
  (db) => {
    db.exec(`
      CREATE TABLE checkpoint_refs (flag_id TEXT PRIMARY KEY, events INTEGER NOT NULL);
      INSERT INTO checkpoint_refs (flag_id, events)
        SELECT flag_id, json_array_length(body) FROM checkpoint_flags c
        WHERE json_array_length(body) = (SELECT count(*) FROM events e WHERE e.flag_id = c.flag_id AND e.seq <= json_array_length(c.body))
        ORDER BY rowid;
      DROP TABLE checkpoint_flags;
      ALTER TABLE checkpoint_refs RENAME TO checkpoint_flags;
      UPDATE checkpoint SET body = json_set(body, '$.lowered', json((
        SELECT json_group_array(json(value) ORDER BY key) FROM json_each(body, '$.lowered')
        WHERE json_extract(value, '$.flagId') IN (SELECT flag_id FROM checkpoint_flags))));
    `);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Bring the file to SCHEMA_VERSION; returns the version it found. */
export function migrate(db: Database): number {
  return db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
    const found = row ? Number(row.value) : 0;
    if (!Number.isInteger(found) || found > SCHEMA_VERSION)
      throw new Error(`The database has schema version ${row?.value}; this relay knows up to ${SCHEMA_VERSION}. Upgrade the relay.`);
    for (let v = found; v < SCHEMA_VERSION; v++) MIGRATIONS[v]!(db);
    db.prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(
      String(SCHEMA_VERSION),
    );
    return found;
  }).immediate();
}
