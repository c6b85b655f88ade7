/**
 * Settings documents in the relay's SQLite file (table `settings`, migration 5). A save is one
 * compare-and-set statement: written only if the stored version is the one the editor started
 * from, so concurrent editors never overwrite each other silently.
 */
import type Database from 'better-sqlite3';
import type { SettingDocument } from '@flagline/core';
import type { SettingWrite, SettingsStorage, StoredSetting } from '@flagline/core/authority';

export class SqliteSettings implements SettingsStorage {
  readonly #select: Database.Statement<[string]>;
  readonly #selectOne: Database.Statement<[string, string]>;
  readonly #insert: Database.Statement<[string, string, number, string, string]>;
  readonly #update: Database.Statement<[number, string, string, string, string, number]>;

  constructor(db: Database.Database) {
    this.#select = db.prepare('SELECT owner, write_id, body FROM settings WHERE owner = ?');
    this.#selectOne = db.prepare('SELECT owner, write_id, body FROM settings WHERE owner = ? AND key = ?');
    this.#insert = db.prepare('INSERT INTO settings (owner, key, version, write_id, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (owner, key) DO NOTHING');
    this.#update = db.prepare('UPDATE settings SET version = ?, write_id = ?, body = ? WHERE owner = ? AND key = ? AND version = ?');
  }

  async read(owners: readonly string[]): Promise<StoredSetting[]> {
    return owners.flatMap((owner) => (this.#select.all(owner) as Row[]).map(stored));
  }

  async write(setting: StoredSetting, expected: number): Promise<SettingWrite> {
    const { owner, doc, writeId } = setting;
    const body = JSON.stringify(doc);
    const changes =
      expected === 0
        ? this.#insert.run(owner, doc.key, doc.version, writeId, body).changes
        : this.#update.run(doc.version, writeId, body, owner, doc.key, expected).changes;
    if (changes === 1) return { written: true };
    const row = this.#selectOne.get(owner, doc.key) as Row | undefined;
    return { written: false, current: row && stored(row) };
  }
}

interface Row {
  owner: string;
  write_id: string;
  body: string;
}

function stored(row: Row): StoredSetting {
  return { owner: row.owner, writeId: row.write_id, doc: JSON.parse(row.body) as SettingDocument };
}
