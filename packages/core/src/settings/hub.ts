/**
 * The source of truth's half of settings: reads what a participant may read, authorizes and
 * validates saves, stores them with compare-and-set, and tells every session that may read a
 * saved document about it. One per Authority whose storage keeps settings.
 */
import { FlagError } from '../errors.js';
import type { Participant } from '../model.js';
import { checkSettingsWrite, readableOwners, settingsOwner, validateSetting } from './rules.js';
import type { SettingDocument, SettingKey, SettingSave } from './schemas.js';
import type { SettingsStorage, StoredSetting } from './storage.js';

export type SettingsListener = (doc: SettingDocument) => void;

export class SettingsHub {
  readonly #storage: SettingsStorage;
  readonly #now: () => number;
  readonly #subscribers = new Set<{ me: Participant; listener: SettingsListener }>();

  constructor(storage: SettingsStorage, now: () => number = Date.now) {
    this.#storage = storage;
    this.#now = now;
    storage.follow?.((setting) => this.#notify(setting));
  }

  /** Every stored document the participant may read: their teams' and their own. */
  async read(me: Participant): Promise<SettingDocument[]> {
    const stored = await this.#storage.read(readableOwners(me)).catch(unavailable);
    return stored.map((s) => s.doc);
  }

  /**
   * Store a save if the participant may, its value is valid and `save.version` is the stored
   * version; answer the stored document. A resent save (same id, same writer) that was stored
   * already gets its document back; any other stale version is a `conflict`.
   */
  async save(me: Participant, save: SettingSave): Promise<SettingDocument> {
    const denied = checkSettingsWrite(me, save.scope, save.key);
    if (denied) throw denied;
    const value = validateSetting(save.key, save.value);
    if (value instanceof FlagError) throw value;
    const doc = {
      scope: save.scope,
      key: save.key,
      value,
      version: save.version + 1,
      updatedAt: this.#now(),
      updatedBy: { id: me.id, name: me.name, role: me.role },
    } as SettingDocument;
    const setting: StoredSetting = { owner: settingsOwner(me, save.scope), doc, writeId: save.id };
    const result = await this.#storage.write(setting, save.version).catch(unavailable);
    if (!result.written) {
      const current = result.current;
      if (current && current.writeId === save.id && current.doc.updatedBy.id === me.id) return current.doc;
      const by = current ? ` by ${current.doc.updatedBy.name}` : '';
      throw new FlagError('conflict', `${save.key} was changed${by} (now version ${current?.doc.version ?? 0}, your edit started from ${save.version}): load it again and redo your change.`, {
        key: save.key,
        version: current?.doc.version ?? 0,
      });
    }
    if (!this.#storage.follow) this.#notify(setting);
    return doc;
  }

  /**
   * A team document the deployment starts with (the relay's `--settings-seed`), written only
   * where the team has none yet, so supervisors' edits are never replaced. Resolves with whether
   * it was written.
   */
  async seed(team: string, key: SettingKey, value: unknown): Promise<boolean> {
    const system: Participant = { id: 'system', name: 'System', role: 'supervisor', teams: [team] };
    try {
      await this.save(system, { id: `seed.${team}.${key}`, scope: { kind: 'team', team }, key, value, version: 0 });
      return true;
    } catch (err) {
      if (err instanceof FlagError && err.code === 'conflict') return false;
      throw err;
    }
  }

  /** Live documents this participant may read (their current teams, checked at each save), until unsubscribed. */
  subscribe(me: Participant, listener: SettingsListener): () => void {
    const sub = { me, listener };
    this.#subscribers.add(sub);
    return () => void this.#subscribers.delete(sub);
  }

  #notify(setting: StoredSetting): void {
    for (const { me, listener } of this.#subscribers) if (readableOwners(me).includes(setting.owner)) listener(setting.doc);
  }
}

function unavailable(err: unknown): never {
  if (err instanceof FlagError) throw err;
  throw new FlagError('unavailable', `Settings storage unavailable; try again: ${String(err)}`, { retryAfterMs: 1_000 });
}
