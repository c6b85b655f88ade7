import { atom, onMount, type ReadableAtom, type WritableAtom } from 'nanostores';

/**
 * One store per key (a flag, an interaction), created on demand. A store is kept up to date
 * only while someone listens to it and is forgotten when no one does, so a change to one key
 * touches that key's stores alone and their number follows the page, not the day's history.
 */
export class KeyedStores<V> {
  readonly #live = new Map<string, Set<WritableAtom<V>>>();
  readonly #read: (key: string) => V;

  constructor(read: (key: string) => V) {
    this.#read = read;
  }

  get(key: string): ReadableAtom<V> {
    const live = this.#live.get(key);
    if (live) return live.values().next().value!;
    const store = atom(this.#read(key));
    onMount(store, () => {
      store.set(this.#read(key));
      let set = this.#live.get(key);
      if (!set) this.#live.set(key, (set = new Set()));
      set.add(store);
      return () => {
        set.delete(store);
        if (set.size === 0 && this.#live.get(key) === set) this.#live.delete(key);
      };
    });
    return store;
  }

  /** The value of `key` may have changed: its listened stores re-read it. */
  update(key: string): void {
    const live = this.#live.get(key);
    if (!live) return;
    const value = this.#read(key);
    for (const store of live) store.set(value);
  }

  updateAll(): void {
    for (const key of [...this.#live.keys()]) this.update(key);
  }

  /** How many keys have a listened store (for tests: it must not grow with history). */
  get size(): number {
    return this.#live.size;
  }
}
