/**
 * Deterministic text similarity.
 * - `jaccard` / `tokenSetSimilarity`: overlap of content stems, for two texts with nothing around
 *   them (a customer repeating themselves).
 * - `groupSimilarFlags`: TF-IDF weighted overlap (below) over message + reason, the weights taken
 *   among the flags being grouped, so words every flag uses ("customer", "wants") weigh little and
 *   the outage's words weigh a lot; then star clustering (see groupSimilarFlags).
 */
import * as v from 'valibot';
import { parseOrThrow } from '../parse.js';
import { contentStems, words, stem } from './text.js';

/** |A ∩ B| / |A ∪ B| of two stem sets; 0 when either is empty. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

export function tokenSetSimilarity(a: string, b: string): number {
  return jaccard(new Set(contentStems(a)), new Set(contentStems(b)));
}

/** What grouping reads from a flag (a `Flag` fits). */
export interface SimilarFlagInput {
  id: string;
  message: string;
  reason?: string;
  raisedAt: number;
}

export interface SimilarityOptions {
  /** Weighted overlap (0…1) at which two flags are linked; default 0.6. */
  threshold?: number;
  /** Linked flags were raised at most this far apart; default 15 minutes. */
  windowMs?: number;
  /** Smallest group returned; default 2. */
  minSize?: number;
}

export interface SimilarGroup {
  /** Flag ids, in raise order. */
  ids: string[];
  /** Up to three words most members share, in the order the group's centre uses them ("payment page down"). */
  label: string;
}

export const DEFAULT_SIMILARITY: Required<SimilarityOptions> = { threshold: 0.6, windowMs: 15 * 60_000, minSize: 2 };

const OptionsSchema = v.strictObject({
  threshold: v.optional(v.pipe(v.number(), v.minValue(0.01), v.maxValue(1)), DEFAULT_SIMILARITY.threshold),
  windowMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), DEFAULT_SIMILARITY.windowMs),
  minSize: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), DEFAULT_SIMILARITY.minSize),
});

type Vector = Map<string, number>;

/**
 * The TF-IDF weight two flags share over the lighter flag's weight: a short flag ("payment page
 * down") matches a longer one that says the same and more ("payment page not loading, customer
 * cannot pay"), which cosine similarity misses.
 */
function overlap(a: Node, b: Node): number {
  let shared = 0;
  for (const [t, w] of a.vector) {
    const other = b.vector.get(t);
    if (other !== undefined) shared += Math.min(w, other);
  }
  const d = Math.min(a.weight, b.weight);
  return d === 0 ? 0 : shared / d;
}

/** Flags with the same content stems, raised in the same window-long bucket, compared once. */
interface Node {
  flags: number[];
  at: number;
  vector: Vector;
  /** Sum of the vector's weights. */
  weight: number;
}

/** First position in `list` (ascending node indices, so ascending times) whose node is at or after `time`. */
function firstFrom(list: readonly number[], nodes: readonly Node[], time: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (nodes[list[mid]!]!.at < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Groups of similar flags, largest first (then earliest): star clustering. Two flags are linked
 * when raised within the window of each other, sharing two content stems (one when a flag has a
 * single one) and reaching the threshold; then, the flag with the most links first, each flag not
 * yet grouped becomes a group's centre and takes its links not yet grouped. Every member is linked
 * to its centre, so groups do not chain (A like B like C), and the input order does not matter.
 * Only flags sharing a stem are compared (an index from stem to flags).
 */
export function groupSimilarFlags(flags: readonly SimilarFlagInput[], options?: SimilarityOptions): SimilarGroup[] {
  const { threshold, windowMs, minSize } = parseOrThrow(OptionsSchema, options ?? {}, 'similarity options');
  const sorted = [...flags].sort((a, b) => a.raisedAt - b.raisedAt || (a.id < b.id ? -1 : 1));
  const texts = sorted.map((f) => (f.reason ? `${f.message} ${f.reason}` : f.message));
  const terms = texts.map(contentStems);
  const df = new Map<string, number>();
  for (const list of terms) for (const t of new Set(list)) df.set(t, (df.get(t) ?? 0) + 1);

  const nodes: Node[] = [];
  const byKey = new Map<string, Node>();
  sorted.forEach((flag, i) => {
    const list = terms[i]!;
    const key = list.length ? `${[...list].sort().join(' ')}|${Math.floor(flag.raisedAt / windowMs)}` : `#${i}`;
    const known = byKey.get(key);
    if (known) {
      known.flags.push(i);
      return;
    }
    const vector: Vector = new Map();
    for (const t of list) vector.set(t, (vector.get(t) ?? 0) + Math.log(1 + sorted.length / df.get(t)!));
    const node = { flags: [i], at: flag.raisedAt, vector, weight: [...vector.values()].reduce((a, b) => a + b, 0) };
    byKey.set(key, node);
    nodes.push(node);
  });
  const nodesWith = new Map<string, number[]>();
  nodes.forEach((node, n) => {
    for (const t of node.vector.keys()) {
      const list = nodesWith.get(t);
      if (list) list.push(n);
      else nodesWith.set(t, [n]);
    }
  });

  // Links, each pair once (the later node finds the earlier ones), kept both ways.
  const linked: number[][] = nodes.map(() => []);
  const common = new Int32Array(nodes.length);
  const touched: number[] = [];
  nodes.forEach((node, n) => {
    for (const t of node.vector.keys()) {
      const list = nodesWith.get(t)!;
      for (let k = firstFrom(list, nodes, node.at - windowMs); k < list.length && list[k]! < n; k++) {
        const m = list[k]!;
        if (common[m] === 0) touched.push(m);
        common[m]!++;
      }
    }
    for (const m of touched) {
      const other = nodes[m]!;
      if (common[m]! >= Math.min(2, node.vector.size, other.vector.size) && overlap(node, other) >= threshold) {
        linked[n]!.push(m);
        linked[m]!.push(n);
      }
      common[m] = 0;
    }
    touched.length = 0;
  });

  const degree = nodes.map((node, n) => node.flags.length - 1 + linked[n]!.reduce((sum, m) => sum + nodes[m]!.flags.length, 0));
  const order = nodes.map((_, n) => n).sort((a, b) => degree[b]! - degree[a]! || a - b);
  const grouped = new Uint8Array(nodes.length);
  const groups: { centre: number; members: number[] }[] = [];
  for (const centre of order) {
    if (grouped[centre]) continue;
    grouped[centre] = 1;
    const members = [...nodes[centre]!.flags];
    for (const m of linked[centre]!) {
      if (grouped[m]) continue;
      grouped[m] = 1;
      members.push(...nodes[m]!.flags);
    }
    groups.push({ centre: nodes[centre]!.flags[0]!, members: members.sort((x, y) => x - y) });
  }
  return groups
    .filter((g) => g.members.length >= minSize)
    .sort((a, b) => b.members.length - a.members.length || a.members[0]! - b.members[0]!)
    .map((g) => ({ ids: g.members.map((i) => sorted[i]!.id), label: labelOf(texts[g.centre]!, g.members.map((i) => terms[i]!)) }));
}

function labelOf(centreText: string, terms: string[][]): string {
  const count = new Map<string, number>();
  for (const list of terms) for (const t of new Set(list)) count.set(t, (count.get(t) ?? 0) + 1);
  const shared = [...count].filter(([, n]) => n * 2 >= terms.length).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([t]) => t);
  // The centre's own words, in its order, for the shared stems.
  return words(centreText)
    .filter((w, i, all) => shared.includes(stem(w)) && all.findIndex((x) => stem(x) === stem(w)) === i)
    .join(' ');
}
