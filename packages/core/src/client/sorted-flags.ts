import { atom, type ReadableAtom, type WritableAtom } from 'nanostores';
import type { Flag } from '../model.js';

/**
 * A sorted list store of the flags that `keep` selects, changed a few flags at a time: a binary
 * search finds a flag's place, so a change never re-sorts every flag.
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

  /**
   * Flags changed, each from `prev` (as this list last saw it; undefined: new) to `next`
   * (undefined: gone). The list is copied once, however many changed.
   */
  update(changes: readonly (readonly [prev: Flag | undefined, next: Flag | undefined])[]): void {
    const out = changes.flatMap(([prev]) => (prev && this.#keep(prev) ? [prev] : []));
    const into = changes.flatMap(([, next]) => (next && this.#keep(next) ? [next] : []));
    if (!out.length && !into.length) return;
    let list: Flag[];
    if (out.length > 1) {
      const gone = new Set(out);
      list = this.#store.get().filter((f) => !gone.has(f));
    } else {
      list = this.#store.get().slice();
      const at = out.length === 1 ? this.#place(list, out[0]!) : -1;
      if (at >= 0 && list[at] === out[0]) list.splice(at, 1);
    }
    for (const flag of into) list.splice(this.#place(list, flag), 0, flag);
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
