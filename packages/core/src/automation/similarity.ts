/**
 * Deterministic text similarity.
 * - `tokenSetSimilarity`: Jaccard overlap of content stems, for two texts with nothing around them
 *   (a customer repeating themselves).
 * - `groupSimilarFlags`: TF-IDF weighted overlap (below) over message + reason, the weights taken
 *   among the flags being grouped, so words every flag uses ("customer", "wants") weigh little and
 *   the outage's words weigh a lot; flags whose similarity reaches the threshold and that were
 *   raised within the window of each other are linked, and a group is a connected set of links
 *   (single linkage).
 */
import { contentStems, words, stem } from './text.js';

export function tokenSetSimilarity(a: string, b: string): number {
  const x = new Set(contentStems(a));
  const y = new Set(contentStems(b));
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return shared / (x.size + y.size - shared);
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
  /** Up to three words most members share, in the order the first member uses them ("payment page down"). */
  label: string;
}

export const DEFAULT_SIMILARITY: Required<SimilarityOptions> = { threshold: 0.6, windowMs: 15 * 60_000, minSize: 2 };

type Vector = Map<string, number>;

/**
 * Weighted overlap: the TF-IDF weight two flags share over the lighter flag's weight, so a short
 * flag ("payment page down") matches a longer one that says the same and more ("payment page not
 * loading, customer cannot pay"), which cosine misses. They must share two content stems (one if
 * a flag has only one), so a lone common word never links two flags.
 */
function overlap(a: Vector, b: Vector): number {
  let shared = 0;
  let common = 0;
  for (const [t, w] of a) {
    const other = b.get(t);
    if (other === undefined) continue;
    shared += Math.min(w, other);
    common++;
  }
  if (common < Math.min(2, a.size, b.size)) return 0;
  const sum = (v: Vector) => [...v.values()].reduce((s, w) => s + w, 0);
  const d = Math.min(sum(a), sum(b));
  return d === 0 ? 0 : shared / d;
}

/** Groups of similar flags, largest first (then earliest). */
export function groupSimilarFlags(flags: readonly SimilarFlagInput[], options: SimilarityOptions = {}): SimilarGroup[] {
  const { threshold, windowMs, minSize } = { ...DEFAULT_SIMILARITY, ...options };
  const sorted = [...flags].sort((a, b) => a.raisedAt - b.raisedAt || (a.id < b.id ? -1 : 1));
  const texts = sorted.map((f) => (f.reason ? `${f.message} ${f.reason}` : f.message));
  const terms = texts.map(contentStems);
  const df = new Map<string, number>();
  for (const list of terms) for (const t of new Set(list)) df.set(t, (df.get(t) ?? 0) + 1);
  const vectors = terms.map((list) => {
    const v: Vector = new Map();
    for (const t of list) v.set(t, (v.get(t) ?? 0) + Math.log(1 + sorted.length / df.get(t)!));
    return v;
  });

  const parent = sorted.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j]!.raisedAt - sorted[i]!.raisedAt <= windowMs; j++) {
      if (overlap(vectors[i]!, vectors[j]!) >= threshold) parent[root(j)] = root(i);
    }
  }
  const members = new Map<number, number[]>();
  sorted.forEach((_, i) => members.set(root(i), [...(members.get(root(i)) ?? []), i]));
  return [...members.values()]
    .filter((m) => m.length >= minSize)
    .sort((a, b) => b.length - a.length || a[0]! - b[0]!)
    .map((m) => ({ ids: m.map((i) => sorted[i]!.id), label: labelOf(m.map((i) => texts[i]!)) }));
}

function labelOf(texts: string[]): string {
  const count = new Map<string, number>();
  for (const text of texts) for (const t of new Set(contentStems(text))) count.set(t, (count.get(t) ?? 0) + 1);
  const shared = [...count].filter(([, n]) => n * 2 >= texts.length).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([t]) => t);
  // The first member's own words, in its order, for the shared stems.
  return words(texts[0]!)
    .filter((w, i, all) => shared.includes(stem(w)) && all.findIndex((x) => stem(x) === stem(w)) === i)
    .join(' ');
}
