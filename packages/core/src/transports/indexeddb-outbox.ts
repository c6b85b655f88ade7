/**
 * An Outbox in IndexedDB: commands issued while offline survive a page reload and are sent,
 * in the order issued, when the transport is next online; each is removed once acknowledged.
 * Replaying is safe because the relay is idempotent by command id.
 */
import type { CommandEnvelope } from '../commands.js';
import { FlagError } from '../errors.js';
import type { Outbox } from './frame-transport.js';

const STORE = 'commands';

export class IndexedDbOutbox implements Outbox {
  readonly #db: Promise<IDBDatabase>;

  /** One database per participant (and relay) keeps their pending commands apart. */
  constructor(readonly name = 'flagline-outbox') {
    this.#db = new Promise((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => {
        // Auto-increment keys keep the order commands were issued in.
        req.result.createObjectStore(STORE, { autoIncrement: true }).createIndex('id', 'id', { unique: true });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(failure('open', req.error));
    });
  }

  async load(): Promise<CommandEnvelope[]> {
    const rows = await this.#run<{ id: string; envelope: CommandEnvelope }[]>('readonly', (store) => store.getAll());
    return rows.map((r) => r.envelope);
  }

  async put(envelope: CommandEnvelope): Promise<void> {
    await this.#run('readwrite', (store, tx) => {
      const existing = store.index('id').getKey(envelope.id);
      existing.onsuccess = () => {
        if (existing.result === undefined) store.add({ id: envelope.id, envelope });
      };
      return tx;
    });
  }

  async delete(id: string): Promise<void> {
    await this.#run('readwrite', (store, tx) => {
      const key = store.index('id').getKey(id);
      key.onsuccess = () => {
        if (key.result !== undefined) store.delete(key.result);
      };
      return tx;
    });
  }

  async close(): Promise<void> {
    (await this.#db).close();
  }

  /** Runs one transaction; resolves with the request's result once the transaction committed. */
  async #run<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore, tx: IDBTransaction) => IDBRequest | IDBTransaction): Promise<T> {
    const db = await this.#db;
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = body(tx.objectStore(STORE), tx);
      tx.oncomplete = () => resolve(req instanceof IDBRequest ? (req.result as T) : (undefined as T));
      tx.onerror = () => reject(failure(mode, tx.error));
      tx.onabort = () => reject(failure(mode, tx.error));
    });
  }
}

function failure(what: string, cause: DOMException | null): FlagError {
  return new FlagError('internal', `The outbox could not ${what === 'open' ? 'open' : what === 'readonly' ? 'read' : 'write'}: ${cause?.message ?? 'unknown error'}`);
}
