import { atom, type ReadableAtom, type WritableAtom } from 'nanostores';
import type { Flag } from '../model.js';

/**
 * A sorted list store of the flags that `keep` selects, changed one flag at a time: a binary
 * search finds the flag's place, so a change never re-sorts or re-filters every flag.
 */
export class SortedFlags {
  readonly #store: WritableAtom<readonly Flag[]> = atom([]);
  readonly #keep: (flag: Flag) => boolean;
  /** A total order (ties broken by id), so every flag has exactly one place. */
  readonly #order: (a: Flag, b: Flag) => number;

  constructor(keep: (flag: Flag) => boolean, order: (a: Flag, b: Flag) => number) {
    this.#keep = keep;
    this.#order = order;
  }

  get store(): ReadableAtom<readonly Flag[]> {
    return this.#store;
  }

  /** One flag changed from `prev` (as this list last saw it; undefined: new) to `next` (undefined: gone). */
  replace(prev: Flag | undefined, next: Flag | undefined): void {
    const had = prev !== undefined && this.#keep(prev);
    const has = next !== undefined && this.#keep(next);
    if (!had && !has) return;
    const list = this.#store.get().slice();
    if (had) list.splice(this.#place(list, prev), 1);
    if (has) list.splice(this.#place(list, next), 0, next);
    this.#store.set(list);
  }

  /** Start over from every flag (a snapshot, a new identity). */
  reset(flags: Iterable<Flag>): void {
    this.#store.set([...flags].filter(this.#keep).sort(this.#order));
  }

  /** Where `flag` is, or would go, in `list`. */
  #place(list: readonly Flag[], flag: Flag): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#order(list[mid]!, flag) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
