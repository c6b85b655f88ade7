/**
 * The client's settings: one store per (scope, key) holding the highest version seen, loaded at
 * each welcome and kept live by the documents other sessions save; who may save what is checked
 * locally with the source of truth's rules, the value there (with the compare-and-set).
 */
import { atom, type ReadableAtom, type WritableAtom } from 'nanostores';
import { FlagError } from '../errors.js';
import type { Participant, ParticipantRef } from '../model.js';
import { checkSettingsRead, checkSettingsWrite } from '../settings/rules.js';
import { SETTING_DEFAULTS, type PersonalSettingKey, type SettingKey, type SettingValue, type TeamSettingKey } from '../settings/keys.js';
import type { SettingDocument, SettingsScope } from '../settings/schemas.js';
import type { Transport } from '../transport.js';

/** A setting as the client holds it: version 0 (and the key's default value) until one is saved. */
export interface Setting<K extends SettingKey> {
  value: SettingValue<K>;
  version: number;
  updatedAt?: number;
  updatedBy?: ParticipantRef;
}

export type TeamSettings = { readonly [K in TeamSettingKey]: ReadableAtom<Setting<K>> };
export type PersonalSettings = { readonly [K in PersonalSettingKey]: ReadableAtom<Setting<K>> };

/** `client.settings`: stores of the documents this participant may read. */
export interface ClientSettings {
  /** A team's documents (its members read them; its supervisors save them). */
  team(team: string): TeamSettings;
  /** The participant's own documents. */
  readonly personal: PersonalSettings;
  /** Whether the source of truth keeps settings (false with a transport without them, or before the first load). */
  readonly $available: ReadableAtom<boolean>;
}

export class SettingsStores implements ClientSettings {
  readonly #stores = new Map<string, WritableAtom<Setting<SettingKey>>>();
  readonly #teams = new Map<string, TeamSettings>();
  readonly $available = atom(false);
  readonly personal: PersonalSettings;
  readonly #transport: Transport;
  readonly #me: () => Participant;
  readonly #newId: () => string;

  constructor(transport: Transport, me: () => Participant, newId: () => string) {
    this.#transport = transport;
    this.#me = me;
    this.#newId = newId;
    const personal: SettingsScope = { kind: 'personal' };
    this.personal = { cannedReplies: this.store(personal, 'cannedReplies'), alerts: this.store(personal, 'alerts') };
  }

  team(team: string): TeamSettings {
    let stores = this.#teams.get(team);
    if (!stores) {
      const scope: SettingsScope = { kind: 'team', team };
      this.#teams.set(team, (stores = { cannedReplies: this.store(scope, 'cannedReplies'), quickReasons: this.store(scope, 'quickReasons') }));
    }
    return stores;
  }

  store<K extends SettingKey>(scope: SettingsScope, key: K): ReadableAtom<Setting<K>> {
    const id = storeKey(scope, key);
    let store = this.#stores.get(id);
    if (!store) this.#stores.set(id, (store = atom<Setting<SettingKey>>({ value: SETTING_DEFAULTS[key], version: 0 })));
    return store as unknown as ReadableAtom<Setting<K>>;
  }

  /** Load every readable document (at each welcome: what changed while away arrives here). */
  async load(): Promise<void> {
    if (!this.#transport.settings) return;
    this.apply(await this.#transport.settings());
    this.$available.set(true);
  }

  /** Keep each document if it is newer than the one held. */
  apply(docs: readonly SettingDocument[]): void {
    for (const doc of docs) {
      if (doc.scope.kind === 'team' && checkSettingsRead(this.#me(), doc.scope)) continue;
      const store = this.store(doc.scope, doc.key) as WritableAtom<Setting<SettingKey>>;
      if (doc.version <= store.get().version) continue;
      store.set({ value: doc.value, version: doc.version, updatedAt: doc.updatedAt, updatedBy: doc.updatedBy });
    }
  }

  async save<K extends SettingKey>(scope: SettingsScope, key: K, value: SettingValue<K>, version: number): Promise<Setting<K>> {
    if (!this.#transport.saveSettings) throw new FlagError('unavailable', 'This transport keeps no settings.');
    const denied = checkSettingsWrite(this.#me(), scope, key);
    if (denied) throw denied;
    // The value's schema and size are checked by the source of truth, which answers with the
    // stored (trimmed) document or a `too-long` / `invalid-input` error.
    const doc = await this.#transport.saveSettings({ id: this.#newId(), scope, key, value, version });
    this.apply([doc]);
    return this.store(scope, key).get();
  }
}

function storeKey(scope: SettingsScope, key: SettingKey): string {
  return `${scope.kind === 'team' ? `team:${scope.team}` : 'personal'}|${key}`;
}
