/**
 * History of lowered flags: the query a participant sends, its wire schema, and the filter the
 * source of truth applies (after its access rule). One definition for every transport.
 */
import * as v from 'valibot';
import type { Flag, FlagEvent } from './model.js';
import { Count, Id, Text } from './schemas.js';

/** Largest page a history request may ask for, in flags. */
export const HISTORY_PAGE_MAX = 100;
/** Flags one page request looks at (matching or not) before it answers with what it found. */
export const HISTORY_SCAN_MAX = 2000;

export const HistoryQuerySchema = v.strictObject({
  /** Only flags lowered at or after this time (ms since the epoch). */
  since: v.optional(Count),
  /** Only flags lowered before this time. */
  until: v.optional(Count),
  team: v.optional(Id),
  /** The agent's id. */
  agent: v.optional(Id),
  /** The id of the supervisor who acknowledged. */
  supervisor: v.optional(Id),
  /** Exact reason the agent gave when raising. */
  reason: v.optional(v.pipe(Text, v.maxLength(1000))),
  limit: v.optional(v.pipe(Count, v.minValue(1), v.maxValue(HISTORY_PAGE_MAX))),
  /** The `next` of the previous page. */
  cursor: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'a cursor is the `next` of the previous page'))),
});

/** Which lowered flags a history page holds: filters, a page size and where to continue. */
export type HistoryQuery = v.InferOutput<typeof HistoryQuerySchema>;

/** One page of lowered flags, newest lowering first, each with all its events. */
export interface HistoryPage {
  /** Each lowered flag's events in order (reduce them with `reduceEvents`). */
  flags: FlagEvent[][];
  /** Pass as `cursor` for older flags; null when there are none. A page may hold fewer than `limit` and still have a `next`. */
  next: string | null;
}

/** A lowered flag with what it went through, as `client.history()` gives it. */
export interface LoweredFlag {
  flag: Flag;
  events: readonly FlagEvent[];
}

/** Whether a lowered flag matches the query's filters (access is checked separately). */
export function matchesHistory(flag: Flag, query: HistoryQuery): boolean {
  const at = flag.lowered?.at;
  if (at === undefined) return false;
  if (query.since !== undefined && at < query.since) return false;
  if (query.until !== undefined && at >= query.until) return false;
  if (query.team !== undefined && flag.team !== query.team) return false;
  if (query.agent !== undefined && flag.agent.id !== query.agent) return false;
  if (query.supervisor !== undefined && flag.acknowledgedBy?.id !== query.supervisor) return false;
  return query.reason === undefined || flag.reason === query.reason;
}
