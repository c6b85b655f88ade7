import type { SettingDocument } from './schemas.js';

/** A setting as stored: its owner (`team:<id>` / `person:<id>`), the document and the save that wrote it. */
export interface StoredSetting {
  owner: string;
  doc: SettingDocument;
  /** The id of the save that wrote this version (a resent save is answered with it). */
  writeId: string;
}

export type SettingWrite = { written: true } | { written: false; current: StoredSetting | undefined };

/**
 * Durable settings behind an Authority (`AuthorityStorage.settings`). Implementations: memory
 * (here), IndexedDB (broadcast-channel leader tab), the relay's SQLite and Redis stores.
 */
export interface SettingsStorage {
  /** Every stored document of these owners. */
  read(owners: readonly string[]): Promise<StoredSetting[]>;
  /**
   * Compare-and-set, atomically: store `setting` (whose `doc.version` is `expected + 1`) only if
   * the stored version of its owner and key is `expected` (0: none stored). Otherwise store
   * nothing and answer with what is stored.
   */
  write(setting: StoredSetting, expected: number): Promise<SettingWrite>;
  /**
   * Present when other processes write to the same store: deliver what they write (and what this
   * one writes, the hub ignores versions it has sent), until the storage closes.
   */
  follow?(deliver: (setting: StoredSetting) => void): void;
}

/** Settings in memory: live as long as the process or page. */
export class MemorySettings implements SettingsStorage {
  readonly #byOwner = new Map<string, Map<string, StoredSetting>>();

  constructor(seed: readonly StoredSetting[] = []) {
    for (const setting of seed) this.#put(setting);
  }

  async read(owners: readonly string[]): Promise<StoredSetting[]> {
    return owners.flatMap((owner) => [...(this.#byOwner.get(owner)?.values() ?? [])]).map((s) => structuredClone(s));
  }

  async write(setting: StoredSetting, expected: number): Promise<SettingWrite> {
    const current = this.#byOwner.get(setting.owner)?.get(setting.doc.key);
    if ((current?.doc.version ?? 0) !== expected) return { written: false, current: current && structuredClone(current) };
    this.#put(structuredClone(setting));
    return { written: true };
  }

  #put(setting: StoredSetting): void {
    let docs = this.#byOwner.get(setting.owner);
    if (!docs) this.#byOwner.set(setting.owner, (docs = new Map()));
    docs.set(setting.doc.key, setting);
  }
}
