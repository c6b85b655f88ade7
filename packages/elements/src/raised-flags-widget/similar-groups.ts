import type { Flag } from '@flagline/core';
// Types only: the host passes the grouping function (`groupSimilarFlags`); this element never bundles it.
import type { SimilarGroup } from '@flagline/core/automation';

/** How the host groups flags: typically `groupSimilarFlags` from `@flagline/core/automation`. */
export type GroupSimilar = (flags: readonly Flag[]) => readonly SimilarGroup[];

/** One item of the wallboard's list: a flag alone, or a group of similar flags. */
export type BoardItem = { kind: 'flag'; flag: Flag } | { kind: 'group'; key: string; label: string; flags: Flag[] };

/** Grouping costs O(n²) in the worst case: on a busy board it runs at most this often. */
export const GROUPING_INTERVAL_MS = 1_000;

/**
 * The groups of the flags shown, recomputed at most every GROUPING_INTERVAL_MS (`due` says when
 * to ask again). Between runs the last groups are kept, less the flags that left; a new flag shows
 * alone until the next run.
 */
export class SimilarGroups {
  #groups: readonly SimilarGroup[] = [];
  #of: readonly unknown[] = [];
  #at = -Infinity;

  /**
   * The groups for `flags`, and the time to look again when they may be stale. `source` says what
   * `flags` were made from (the open flags, the filters): the same source, the same groups.
   */
  groups(group: GroupSimilar, flags: readonly Flag[], source: readonly unknown[], now: number): { groups: readonly SimilarGroup[]; due?: number } {
    if (source.length === this.#of.length && source.every((x, i) => x === this.#of[i])) return { groups: this.#groups };
    if (now - this.#at < GROUPING_INTERVAL_MS) return { groups: this.#groups, due: this.#at + GROUPING_INTERVAL_MS };
    this.#groups = group(flags);
    this.#of = source;
    this.#at = now;
    return { groups: this.#groups };
  }
}

/**
 * The list in the rows' order (urgent first, then longest waiting): each group where its first
 * member would be, its members in that order; a group left with fewer than two shown flags dissolves.
 */
export function boardItems(rows: readonly Flag[], groups: readonly SimilarGroup[]): BoardItem[] {
  const groupOf = new Map<string, SimilarGroup>();
  for (const g of groups) for (const id of g.ids) groupOf.set(id, g);
  const members = new Map<SimilarGroup, Flag[]>();
  for (const flag of rows) {
    const g = groupOf.get(flag.id);
    if (g) members.set(g, [...(members.get(g) ?? []), flag]);
  }
  const items: BoardItem[] = [];
  const placed = new Set<SimilarGroup>();
  for (const flag of rows) {
    const g = groupOf.get(flag.id);
    const flags = g ? members.get(g)! : [];
    if (!g || flags.length < 2) items.push({ kind: 'flag', flag });
    else if (!placed.has(g)) {
      placed.add(g);
      items.push({ kind: 'group', key: `group:${g.ids[0]}`, label: g.label, flags });
    }
  }
  return items;
}
