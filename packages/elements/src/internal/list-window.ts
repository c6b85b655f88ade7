import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { keyedRows } from './keyed-rows.js';

export interface ListWindowOptions<T> {
  /** The scrolling element; what `render()` returns is all it contains. */
  scroller: () => HTMLElement | null;
  /** A stable key per item: measured heights and the reader's place follow it. */
  key: (item: T) => string;
  /** Height (px) assumed for items not measured yet, until some are (then their average). */
  estimate: number;
  /** While true, the window shows the end of the list and keeps it scrolled there (a chat following new messages). */
  pinnedToEnd?: () => boolean;
}

/**
 * Renders only the items in and near a scroller's visible area, so thousands of rows cost what
 * a screenful does. Items may differ in height: each is measured once rendered (by key) and the
 * others count as the average; two empty spacers stand for the items not rendered, so the
 * scrollbar spans the whole list and the rendered items are plain children in order (the host's
 * `role="list"` / `role="log"` semantics hold: an empty `div` has no role and no content).
 *
 * The reader's place is kept by key: when heights or items change, the item at the top of the
 * viewport stays where it was on screen — except at the very top, where new items show, as
 * browsers' own scroll anchoring does (it is switched off here so the two never fight), and at
 * the very end, which stays the end (End pressed on a list of estimates lands on the last item).
 */
export class ListWindow<T> implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #options: ListWindowOptions<T>;
  readonly #heights = new Map<string, number>();
  #measuredSum = 0;
  #keys: string[] = [];
  /** `#tops[i]`: where item i starts; `#tops[n]`: the whole list's height. */
  #tops: number[] = [0];
  #start = 0;
  #end = 0;
  /** The item at the top of the viewport and how far into it the viewport starts; or the end. */
  #anchor: { key: string; offset: number } | 'end' | undefined;
  #scroller: HTMLElement | null = null;
  #size = '';
  #resize: ResizeObserver | undefined;

  constructor(host: ReactiveControllerHost, options: ListWindowOptions<T>) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** The items near the viewport, each rendered by `renderItem` with its index in the whole list. */
  render(items: readonly T[], renderItem: (item: T, index: number) => unknown): unknown {
    const { key } = this.#options;
    this.#keys = items.map(key);
    if (this.#heights.size > 2 * items.length + 100) this.#forgetRemoved();
    this.#layout();
    const viewport = this.#viewport();
    const [start, end] = this.#rangeAt(this.#intendedTop(viewport), viewport, viewport / 2);
    this.#start = start;
    this.#end = end;
    return html`<div></div>${keyedRows(items.slice(start, end), key, (item, i) => renderItem(item, start + i))}<div></div>`;
  }

  hostConnected(): void {
    this.#resize ??= new ResizeObserver(() => {
      if (this.#scroller && this.#sizeOf(this.#scroller) !== this.#size) this.#host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.#attach(null);
  }

  hostUpdated(): void {
    const scroller = this.#attach(this.#options.scroller());
    if (!scroller) return;
    this.#size = this.#sizeOf(scroller);
    // Not laid out (hidden, in a closed popover): nothing to measure or show until it resizes.
    if (scroller.clientHeight === 0) return;
    const measured = this.#measure(scroller);
    if (measured) this.#layout();
    const total = this.#tops[this.#keys.length]!;
    (scroller.firstElementChild as HTMLElement).style.blockSize = `${this.#tops[this.#start]}px`;
    (scroller.lastElementChild as HTMLElement).style.blockSize = `${total - this.#tops[this.#end]!}px`;
    const viewport = this.#viewport();
    const top = this.#intendedTop(viewport);
    if (Math.abs(scroller.scrollTop - top) >= 1) scroller.scrollTop = top;
    this.#remember(scroller.scrollTop);
    // Estimates were off (the first screenful, a jump): render again before the frame is painted.
    // A microtask, not requestUpdate() inside this update, which Lit reports as a mistake.
    if (measured && !this.#covers(scroller.scrollTop, viewport)) queueMicrotask(() => this.#host.requestUpdate());
  }

  #onScroll = (): void => {
    const scroller = this.#scroller!;
    this.#remember(scroller.scrollTop);
    if (!this.#covers(scroller.scrollTop, this.#viewport())) this.#host.requestUpdate();
  };

  /**
   * Home and End on the list itself jump at once. The browser's smooth scroll aims at the end of
   * the estimated list and stops short once the items it passes are measured taller.
   */
  #onKey = (e: KeyboardEvent): void => {
    const scroller = this.#scroller!;
    if (e.target !== scroller || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || (e.key !== 'Home' && e.key !== 'End')) return;
    e.preventDefault();
    this.#anchor = e.key === 'End' ? 'end' : undefined;
    scroller.scrollTop = e.key === 'End' ? scroller.scrollHeight : 0;
    this.#host.requestUpdate();
  };

  #attach(scroller: HTMLElement | null): HTMLElement | null {
    if (scroller === this.#scroller) return scroller;
    this.#scroller?.removeEventListener('scroll', this.#onScroll);
    this.#scroller?.removeEventListener('keydown', this.#onKey);
    this.#resize?.disconnect();
    this.#scroller = scroller;
    if (scroller) {
      scroller.addEventListener('scroll', this.#onScroll, { passive: true });
      scroller.addEventListener('keydown', this.#onKey);
      scroller.style.overflowAnchor = 'none';
      this.#resize?.observe(scroller);
    }
    return scroller;
  }

  #sizeOf(scroller: HTMLElement): string {
    return `${scroller.clientWidth}x${scroller.clientHeight}`;
  }

  /** The scroller's height; before it has one (not rendered yet), the window's. */
  #viewport(): number {
    return this.#scroller?.clientHeight || window.innerHeight;
  }

  /** Where the viewport should start: the end when pinned, else wherever keeps the anchor item in place. */
  #intendedTop(viewport: number): number {
    const max = Math.max(0, this.#tops[this.#keys.length]! - viewport);
    const anchor = this.#anchor;
    if (this.#options.pinnedToEnd?.() || anchor === 'end') return max;
    const index = anchor ? this.#keys.indexOf(anchor.key) : -1;
    const top = anchor && index >= 0 ? this.#tops[index]! + anchor.offset : (this.#scroller?.scrollTop ?? 0);
    return Math.min(Math.max(0, top), max);
  }

  #remember(top: number): void {
    if (top <= 0 || this.#keys.length === 0) this.#anchor = undefined;
    else if (top >= this.#tops[this.#keys.length]! - this.#viewport() - 1) this.#anchor = 'end';
    else {
      const index = this.#indexAt(top);
      this.#anchor = { key: this.#keys[index]!, offset: top - this.#tops[index]! };
    }
  }

  /** Whether the rendered items cover the viewport at `top` and a margin around it. */
  #covers(top: number, viewport: number): boolean {
    const [start, end] = this.#rangeAt(top, viewport, viewport / 4);
    return start >= this.#start && end <= this.#end;
  }

  /** The items overlapping [top - margin, top + viewport + margin]. */
  #rangeAt(top: number, viewport: number, margin: number): [number, number] {
    const n = this.#keys.length;
    if (n === 0) return [0, 0];
    return [this.#indexAt(top - margin), Math.min(n, this.#indexAt(top + viewport + margin) + 1)];
  }

  /** The last item starting at or above `y` (binary search over the offsets). */
  #indexAt(y: number): number {
    let low = 0;
    let high = this.#keys.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#tops[mid]! <= y) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  #layout(): void {
    const { size } = this.#heights;
    const average = size > 0 ? this.#measuredSum / size : this.#options.estimate;
    const tops = new Array<number>(this.#keys.length + 1);
    tops[0] = 0;
    for (let i = 0; i < this.#keys.length; i++) tops[i + 1] = tops[i]! + (this.#heights.get(this.#keys[i]!) ?? average);
    this.#tops = tops;
  }

  /** Measures the rendered items (margins included); true when a height changed. */
  #measure(scroller: HTMLElement): boolean {
    let changed = false;
    // children[0] is the spacer before the rendered items.
    const children = scroller.children;
    for (let i = this.#start; i < this.#end; i++) {
      const el = children[1 + i - this.#start];
      if (!el) break;
      const style = getComputedStyle(el);
      const height = el.getBoundingClientRect().height + parseFloat(style.marginBlockStart) + parseFloat(style.marginBlockEnd);
      const key = this.#keys[i]!;
      const before = this.#heights.get(key);
      if (before !== undefined && Math.abs(before - height) < 0.5) continue;
      this.#measuredSum += height - (before ?? 0);
      this.#heights.set(key, height);
      changed = true;
    }
    return changed;
  }

  /** Drops the heights of items no longer in the list (a wallboard runs for days). */
  #forgetRemoved(): void {
    const present = new Set(this.#keys);
    for (const [key, height] of this.#heights) {
      if (present.has(key)) continue;
      this.#heights.delete(key);
      this.#measuredSum -= height;
    }
  }
}
