import { noChange, type ChildPart } from 'lit';
import { directive, Directive, PartType, type PartInfo } from 'lit/directive.js';
import { clearPart, insertPart, setChildPartValue, setCommittedValue } from 'lit/directive-helpers.js';

type Row<T> = (item: T, index: number) => unknown;

/**
 * Keyed rows, as Lit's `repeat` renders them — but a row that leaves takes all its nodes with it.
 * lit-html 3.3's `removePart` removes a row's start marker and leaves its end marker
 * (lit/lit#5010): one empty comment per row that ever left, tens of thousands in a wallboard's
 * list over a shift. Here a row keeps its DOM (and the focus inside it) while its key stays; rows
 * out of order are moved, as few as possible (the longest run already in order stays put), with
 * `moveBefore` where the browser has it, so even a moved row keeps focus. Keys must be unique.
 */
class KeyedRows extends Directive {
  #parts = new Map<string, ChildPart>();
  #order: string[] = [];

  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.CHILD) throw new Error('keyedRows() renders child content only.');
  }

  render<T>(items: readonly T[], _key: (item: T) => string, row: Row<T>): unknown {
    return items.map(row);
  }

  override update<T>(container: ChildPart, [items, key, row]: [readonly T[], (item: T) => string, Row<T>]): unknown {
    const keys = items.map(key);
    const wanted = new Set(keys);
    for (const [k, part] of this.#parts) {
      if (wanted.has(k)) continue;
      clearPart(part);
      // Both markers are the row's own (insertPart made them): leave neither behind.
      (part.startNode as ChildNode).remove();
      (part.endNode as ChildNode).remove();
      this.#parts.delete(k);
    }
    const was = new Map(this.#order.filter((k) => wanted.has(k)).map((k, i) => [k, i]));
    const stay = increasingRun(keys.map((k) => was.get(k) ?? -1));
    const parts = new Array<ChildPart>(items.length);
    let next: ChildPart | undefined;
    for (let i = items.length - 1; i >= 0; i--) {
      let part = this.#parts.get(keys[i]!);
      if (!part) this.#parts.set(keys[i]!, (part = insertPart(container, next)));
      else if (!stay.has(i)) move(part, next ? next.startNode : container.endNode);
      setChildPartValue(part, row(items[i]!, i));
      parts[i] = next = part;
    }
    // As `repeat` does: the rows' parts are the container's value, so Lit tells them when it is disconnected.
    setCommittedValue(container, parts);
    this.#order = keys;
    return noChange;
  }
}

/** Moves a row's nodes, its markers included, in front of `before` (null: the end of their parent). */
function move(part: ChildPart, before: Node | null): void {
  const parent = part.startNode!.parentNode as ParentNode;
  // `moveBefore` (Chromium 133+) keeps a moved node's state, focus included; elsewhere a moved row loses focus.
  const place = 'moveBefore' in parent && parent.isConnected ? parent.moveBefore.bind(parent) : parent.insertBefore.bind(parent);
  for (let node: Node | null = part.startNode; node; ) {
    const following: Node | null = node === part.endNode ? null : node.nextSibling;
    place(node, before);
    node = following;
  }
}

/** The indexes of a longest strictly increasing run of `positions` (ignoring -1: new rows). */
function increasingRun(positions: readonly number[]): Set<number> {
  /** `tails[k]`: the index ending the best run of length k + 1 found so far. */
  const tails: number[] = [];
  const previous = new Array<number>(positions.length).fill(-1);
  positions.forEach((position, i) => {
    if (position < 0) return;
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (positions[tails[mid]!]! < position) low = mid + 1;
      else high = mid;
    }
    if (low > 0) previous[i] = tails[low - 1]!;
    tails[low] = i;
  });
  const run = new Set<number>();
  for (let i = tails.at(-1) ?? -1; i >= 0; i = previous[i]!) run.add(i);
  return run;
}

/** Keyed rows whose removal leaves nothing behind (see `KeyedRows`). */
export const keyedRows = directive(KeyedRows) as <T>(items: readonly T[], key: (item: T) => string, row: Row<T>) => unknown;
