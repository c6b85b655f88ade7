/**
 * AuthorityStorage in the browser's IndexedDB: the broadcast-channel transport's leader tab
 * keeps the source of truth here, so it survives reloads and leader changes. A commit
 * resolves when its IndexedDB transaction completes (durable as the browser makes it).
 */
import type { FlagEvent, PositionedEvent } from '../model.js';
import { randomId } from '../random-id.js';
import type { AuthorityStorage, CommitBatch, StoredOutcome } from './storage.js';
import type { SettingWrite, SettingsStorage, StoredSetting } from '../settings/storage.js';

const VERSION = 3;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export function openFlaglineDb(name: string): Promise<IDBDatabase> {
  const req = indexedDB.open(name, VERSION);
  req.onupgradeneeded = (event) => {
    const db = req.result;
    // Each version adds its steps, keyed on event.oldVersion.
    if (event.oldVersion < 1) {
      db.createObjectStore('meta');
      db.createObjectStore('events', { keyPath: 'pos' });
      db.createObjectStore('outcomes', { keyPath: 'id' });
    }
    // Version 2: events by flag, for the history of flags the Authority no longer keeps in memory.
    if (event.oldVersion < 2) req.transaction!.objectStore('events').createIndex('byFlag', 'event.flagId');
    // Version 3: team and personal settings, one record per (owner, key).
    if (event.oldVersion < 3) db.createObjectStore('settings', { keyPath: ['owner', 'doc.key'] });
  };
  return request(req);
}

export class IndexedDbStorage implements AuthorityStorage {
  readonly #name: string;
  #db: IDBDatabase | null = null;
  readonly settings: SettingsStorage = {
    read: async (owners) => {
      const store = this.#db!.transaction('settings', 'readonly').objectStore('settings');
      const found = await Promise.all(owners.map((owner) => request(store.getAll(IDBKeyRange.bound([owner, ''], [owner, '\uffff'])))));
      return found.flat() as StoredSetting[];
    },
    // One readwrite transaction: IndexedDB runs them one at a time, so the check and the put are atomic.
    write: async (setting, expected): Promise<SettingWrite> => {
      const tx = this.#db!.transaction('settings', 'readwrite', { durability: 'strict' });
      const store = tx.objectStore('settings');
      const current = (await request(store.get([setting.owner, setting.doc.key]))) as StoredSetting | undefined;
      if ((current?.doc.version ?? 0) !== expected) return { written: false, current };
      store.put(setting);
      await done(tx);
      return { written: true };
    },
  };

  constructor(name: string) {
    this.#name = name;
  }

  async load(): Promise<{ epoch: string; events: PositionedEvent[] }> {
    const db = (this.#db = await openFlaglineDb(this.#name));
    const tx = db.transaction(['meta', 'events'], 'readwrite');
    const meta = tx.objectStore('meta');
    let epoch = (await request(meta.get('epoch'))) as string | undefined;
    if (!epoch) {
      epoch = randomId();
      meta.put(epoch, 'epoch');
    }
    const events = (await request(tx.objectStore('events').getAll())) as PositionedEvent[];
    await done(tx);
    return { epoch, events };
  }

  commit(batch: CommitBatch): Promise<void> {
    const tx = this.#db!.transaction(['events', 'outcomes'], 'readwrite', { durability: 'strict' });
    for (const pe of batch.events) tx.objectStore('events').put(pe);
    for (const o of batch.outcomes ?? []) tx.objectStore('outcomes').put(o);
    return done(tx);
  }

  async outcome(id: string): Promise<StoredOutcome | undefined> {
    const tx = this.#db!.transaction('outcomes', 'readonly');
    return (await request(tx.objectStore('outcomes').get(id))) as StoredOutcome | undefined;
  }

  /** A flag's events in log order: the index returns equal keys in primary-key (pos) order. */
  async flagEvents(flagId: string): Promise<FlagEvent[]> {
    const tx = this.#db!.transaction('events', 'readonly');
    const stored = (await request(tx.objectStore('events').index('byFlag').getAll(flagId))) as PositionedEvent[];
    return stored.map((pe) => pe.event);
  }

  async close(): Promise<void> {
    this.#db?.close();
    this.#db = null;
  }
}
