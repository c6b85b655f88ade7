/**
 * Help-request metrics, computed from flags alone (pure): how many are open, waiting for a
 * supervisor, acknowledged, escalated; how fast they were acknowledged and lowered over a
 * window; why they were raised. Per team and per supervisor. The client's stores and history
 * pages feed it in the browser (<flag-metrics>); the relay's /metrics reports the same figures.
 */
import type { Flag } from './model.js';

/** Percentiles of durations in ms; undefined when nothing was measured. */
export interface Durations {
  count: number;
  p50?: number;
  p90?: number;
}

export interface Figures {
  /** Not lowered, now. */
  open: number;
  /** Open and not acknowledged by anyone. */
  waiting: number;
  /** Open and acknowledged. */
  acknowledged: number;
  /** Open and escalated at least once. */
  escalated: number;
  /** Raised within the window. */
  raised: number;
  /** Of flags acknowledged within the window. */
  timeToAcknowledge: Durations;
  /** Of flags lowered within the window. */
  timeToLower: Durations;
  /** Flags raised within the window by the reason given ('' for none), most frequent first. */
  byReason: { reason: string; count: number }[];
}

export interface HelpRequestMetrics {
  all: Figures;
  /** By team id, sorted by id. */
  teams: Map<string, Figures>;
  /** By the supervisor who acknowledged (id), with their name: the flags in their hands and how they went. */
  supervisors: Map<string, { name: string; figures: Figures }>;
}

export interface MetricsWindow {
  now: number;
  /** How far back the durations and reasons look, in ms. */
  windowMs: number;
}

/** Nearest-rank percentile of sorted values (`p` in 0–100). */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

export function helpRequestMetrics(flags: Iterable<Flag>, window: MetricsWindow): HelpRequestMetrics {
  const all: Flag[] = [];
  const teams = new Map<string, Flag[]>();
  const supervisors = new Map<string, { name: string; flags: Flag[] }>();
  for (const flag of flags) {
    all.push(flag);
    push(teams, flag.team, flag);
    const by = flag.acknowledgedBy;
    if (by) {
      const entry = supervisors.get(by.id) ?? { name: by.name, flags: [] };
      entry.flags.push(flag);
      supervisors.set(by.id, entry);
    }
  }
  return {
    all: figures(all, window),
    teams: new Map([...teams].sort(([a], [b]) => (a < b ? -1 : 1)).map(([team, list]) => [team, figures(list, window)])),
    supervisors: new Map([...supervisors].map(([id, { name, flags: list }]) => [id, { name, figures: figures(list, window) }])),
  };
}

/**
 * How many flags were open at each of `points` evenly spaced moments of the window, the last
 * one `now` (a sparkline's values). Needs the flags lowered within the window too.
 */
export function openSeries(flags: Iterable<Flag>, window: MetricsWindow, points: number): number[] {
  const list = [...flags];
  const step = window.windowMs / Math.max(1, points - 1);
  return Array.from({ length: points }, (_, i) => {
    const t = window.now - window.windowMs + i * step;
    return list.filter((f) => f.raisedAt <= t && (f.lowered?.at ?? Infinity) > t).length;
  });
}

function figures(flags: readonly Flag[], { now, windowMs }: MetricsWindow): Figures {
  const from = now - windowMs;
  const within = (at: number | undefined): at is number => at !== undefined && at >= from && at <= now;
  const out: Figures = { open: 0, waiting: 0, acknowledged: 0, escalated: 0, raised: 0, timeToAcknowledge: { count: 0 }, timeToLower: { count: 0 }, byReason: [] };
  const toAck: number[] = [];
  const toLower: number[] = [];
  const reasons = new Map<string, number>();
  for (const flag of flags) {
    if (flag.status !== 'lowered') {
      out.open++;
      if (flag.status === 'raised') out.waiting++;
      else out.acknowledged++;
      if (flag.escalation > 0) out.escalated++;
    }
    if (within(flag.acknowledgedAt)) toAck.push(flag.acknowledgedAt - flag.raisedAt);
    if (within(flag.lowered?.at)) toLower.push(flag.lowered.at - flag.raisedAt);
    if (within(flag.raisedAt)) {
      out.raised++;
      reasons.set(flag.reason ?? '', (reasons.get(flag.reason ?? '') ?? 0) + 1);
    }
  }
  out.timeToAcknowledge = durations(toAck);
  out.timeToLower = durations(toLower);
  out.byReason = [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
  return out;
}

function durations(values: number[]): Durations {
  const sorted = values.sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p90 = percentile(sorted, 90);
  return { count: sorted.length, ...(p50 !== undefined ? { p50 } : {}), ...(p90 !== undefined ? { p90 } : {}) };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
