/** The few numbers /metrics exposes, in Prometheus text format (version 0.0.4), written by hand. */
import { createHistogram } from 'node:perf_hooks';
import { helpRequestMetrics, type Command, type Flag, type FlagEvent } from '@flagline/core';
import type { CheckpointReport } from '@flagline/core/authority';
import type { Purged } from './store.js';

/** A flag a conversation rule brought about: raised by itself, or by the agent from its suggestion. */
export interface RuleRaise {
  ruleId: string;
  how: 'automatic' | 'suggested';
}

/** The rule behind a raise command, from its `automatic` / `suggested` fields (validated: ids are `[\w.:-]`). */
export function ruleRaiseOf(cmd: Command): { rule?: RuleRaise } {
  if (cmd.type !== 'raise') return {};
  if (cmd.automatic) return { rule: { ruleId: cmd.automatic.ruleId, how: 'automatic' } };
  if (cmd.suggested) return { rule: { ruleId: cmd.suggested.ruleId, how: 'suggested' } };
  return {};
}

/** One open tenant's figures; `tenant` labels them on a multi-tenant relay (bounded by --max-tenants). */
export interface TenantFigures {
  tenant?: string;
  pos: number;
  retainedHistories: number;
  connections: number;
  /** Its open flags: the help-request gauges by team (teams of the same name in several tenants are summed). */
  openFlags: Flag[];
  storage?: { transactions: number; batches: number };
}

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Seconds: help requests are answered in seconds to minutes, lowered in minutes to an hour. */
const HELP_BUCKETS = [5, 10, 30, 60, 120, 300, 600, 1800, 3600];
const LAG_QUANTILES = [0.5, 0.9, 0.99];
const LAG_SAMPLE_MS = 10;
/**
 * Team label values of the help-request families (histograms and gauges), per process: team names
 * come from tokens and service-API bodies, so callers could otherwise mint a series per name.
 * The first MAX_TEAM_SERIES teams seen since start keep their own label, room for a contact
 * center's tens of teams; any further team is counted as team="other".
 */
export const MAX_TEAM_SERIES = 100;
export const OTHER_TEAM = 'other';

export class Metrics {
  connections = 0;
  readonly #commands = new Map<string, number>();
  readonly #ruleRaises = new Map<string, number>();
  readonly #suggestions = new Map<string, number>();
  /** The rule ids the relay serves (--rules): a raise naming another is counted as rule="other". */
  readonly #ruleIds: ReadonlySet<string>;
  readonly #errors = new Map<string, number>();
  readonly #keyFetches = new Map<string, number>();
  #deferred = 0;
  readonly #backgroundFailures = new Map<string, number>();
  readonly #buckets = new Array<number>(BUCKETS.length).fill(0);
  #latencyCount = 0;
  #latencySum = 0;
  readonly #start = { seconds: 0, events: 0 };
  readonly #checkpoints = { ok: 0, error: 0, pos: 0, events: 0, seconds: 0 };
  readonly #purge = { ok: 0, error: 0, flags: 0, events: 0, lastCutoff: 0 };
  /** Event-loop lag in ns, sampled every LAG_SAMPLE_MS since the previous scrape. */
  readonly #loopLagNs = createHistogram();
  readonly #loopLag = { count: 0, sum: 0 };
  /** Time to acknowledge and to lower, by team (the same figures as core's helpRequestMetrics). */
  readonly #helpTimes = { acknowledge: new Map<string, Histogram>(), lower: new Map<string, Histogram>() };
  /** The teams with a label of their own (at most MAX_TEAM_SERIES): see teamLabel. */
  readonly #labelledTeams = new Set<string>();

  /**
   * Starts sampling the event loop's lag: how late a LAG_SAMPLE_MS timer fires. (perf_hooks'
   * monitorEventLoopDelay would lose the sample that spans each scrape: its reset forgets the
   * previous tick.) The returned function stops it.
   */
  watchEventLoop(): () => void {
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      const lagMs = Math.max(0, now - last - LAG_SAMPLE_MS);
      last = now;
      this.#loopLagNs.record(Math.max(1, Math.round(lagMs * 1e6)));
      this.#loopLag.count++;
      this.#loopLag.sum += lagMs / 1000;
    }, LAG_SAMPLE_MS);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** How long the Authority took to open, and how many events it read. */
  started(seconds: number, events: number): void {
    Object.assign(this.#start, { seconds, events });
  }

  checkpoint(report: CheckpointReport): void {
    if ('error' in report) this.#checkpoints.error++;
    else Object.assign(this.#checkpoints, { ok: this.#checkpoints.ok + 1, pos: report.pos, events: report.events, seconds: report.ms / 1000 });
  }

  /** One purge step's deletions, as they happen. */
  purged(step: Purged): void {
    this.#purge.flags += step.flags;
    this.#purge.events += step.events;
  }

  /** A whole purge run ended; `cutoff` in ms since the epoch. */
  purgeRun(result: 'ok' | 'error', cutoff: number): void {
    this.#purge[result]++;
    if (result === 'ok') this.#purge.lastCutoff = cutoff / 1000;
  }

  command(type: string, result: string, seconds: number): void {
    const key = `type="${type}",result="${result}"`;
    this.#commands.set(key, (this.#commands.get(key) ?? 0) + 1);
    this.#latencyCount++;
    this.#latencySum += seconds;
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) this.#buckets[i]!++;
  }

  constructor(options: { ruleIds?: Iterable<string> } = {}) {
    this.#ruleIds = new Set(options.ruleIds);
  }

  /** Every new event of the log (Authority.observe): acknowledgements and lowerings are timed. */
  flagEvent(event: FlagEvent, flag: Flag): void {
    // Every event claims its team's label, so teams get theirs in the order they first raise.
    const team = this.#teamLabel(flag.team);
    const kind = event.type === 'acknowledged' ? 'acknowledge' : event.type === 'lowered' ? 'lower' : null;
    if (kind === null) return;
    const byTeam = this.#helpTimes[kind];
    let h = byTeam.get(team);
    if (!h) byTeam.set(team, (h = { buckets: new Array<number>(HELP_BUCKETS.length).fill(0), count: 0, sum: 0 }));
    const seconds = (event.at - flag.raisedAt) / 1000;
    h.count++;
    h.sum += seconds;
    for (let i = 0; i < HELP_BUCKETS.length; i++) if (seconds <= HELP_BUCKETS[i]!) h.buckets[i]!++;
  }

  /**
   * A flag raised by a rule, or from its suggestion: admins tune their rules by these. The rule id
   * comes from an agent's command, so only ids of the served rules become labels (bounded).
   */
  ruleRaise({ ruleId, how }: RuleRaise): void {
    const key = `rule="${this.#ruleIds.has(ruleId) ? ruleId : 'other'}",how="${how}"`;
    this.#ruleRaises.set(key, (this.#ruleRaises.get(key) ?? 0) + 1);
  }

  /** What a team's agents did with a rule's suggestions (a checked report: the rule is the team's). */
  ruleSuggestions(team: string, ruleId: string, counts: Record<'shown' | 'accepted' | 'dismissed', number>): void {
    for (const [outcome, n] of Object.entries(counts)) {
      const key = `team="${team}",rule="${ruleId}",outcome="${outcome}"`;
      this.#suggestions.set(key, (this.#suggestions.get(key) ?? 0) + n);
    }
  }

  /** A team's own label while fewer than MAX_TEAM_SERIES teams have one, else "other" (bounded cardinality). */
  #teamLabel(team: string): string {
    if (this.#labelledTeams.has(team)) return team;
    if (this.#labelledTeams.size >= MAX_TEAM_SERIES || team === OTHER_TEAM) return OTHER_TEAM;
    this.#labelledTeams.add(team);
    return team;
  }

  deferredAdmission(): void {
    this.#deferred++;
  }

  keyFetch(result: 'ok' | 'failed'): void {
    this.#keyFetches.set(result, (this.#keyFetches.get(result) ?? 0) + 1);
  }

  error(code: string): void {
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
  }

  /** A task no client waits on failed (catching up on shared storage, the escalation timer). */
  backgroundFailure(source: string): void {
    this.#backgroundFailures.set(source, (this.#backgroundFailures.get(source) ?? 0) + 1);
  }

  render(extra: { ready: boolean; tenants: TenantFigures[] }): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    const { tenants } = extra;
    const labelled = (t: TenantFigures) => (t.tenant === undefined ? '' : `{tenant="${t.tenant}"}`);
    family('flagline_connections', 'gauge', 'Open WebSocket connections.');
    out.push(`flagline_connections ${this.connections}`);
    family('flagline_ready', 'gauge', '1 when the relay accepts connections.');
    out.push(`flagline_ready ${extra.ready ? 1 : 0}`);
    family('flagline_tenants_open', 'gauge', 'Tenants whose Authority is open in this process (at most --max-tenants).');
    out.push(`flagline_tenants_open ${tenants.length}`);
    family('flagline_log_position', 'gauge', "Position of the last event in the log (per tenant on a multi-tenant relay: each tenant's own log).");
    for (const t of tenants) out.push(`flagline_log_position${labelled(t)} ${t.pos}`);
    family('flagline_retained_histories', 'gauge', 'Flags whose event histories are in memory (open or lowered within the retention).');
    for (const t of tenants) out.push(`flagline_retained_histories${labelled(t)} ${t.retainedHistories}`);
    if (tenants.some((t) => t.tenant !== undefined)) {
      family('flagline_tenant_connections', 'gauge', "Open connections of each open tenant.");
      for (const t of tenants) out.push(`flagline_tenant_connections${labelled(t)} ${t.connections}`);
    }
    const stored = tenants.filter((t) => t.storage);
    if (stored.length) {
      family('flagline_storage_transactions_total', 'counter', 'Group commits written (each one transaction).');
      for (const t of stored) out.push(`flagline_storage_transactions_total${labelled(t)} ${t.storage!.transactions}`);
      family('flagline_storage_batches_total', 'counter', 'Command and timer writes committed; batches / transactions = group size.');
      for (const t of stored) out.push(`flagline_storage_batches_total${labelled(t)} ${t.storage!.batches}`);
    }
    family('flagline_start_duration_seconds', 'gauge', 'Time the Authority took to open at start (checkpoint + events after it, or the whole log).');
    out.push(`flagline_start_duration_seconds ${this.#start.seconds}`);
    family('flagline_start_loaded_events', 'gauge', 'Events read from storage at start.');
    out.push(`flagline_start_loaded_events ${this.#start.events}`);
    const cp = this.#checkpoints;
    family('flagline_checkpoints_total', 'counter', 'Checkpoints of the Authority state written, by result.');
    out.push(`flagline_checkpoints_total{result="ok"} ${cp.ok}`, `flagline_checkpoints_total{result="error"} ${cp.error}`);
    family('flagline_checkpoint_position', 'gauge', 'Log position of the last checkpoint this process wrote.');
    out.push(`flagline_checkpoint_position ${cp.pos}`);
    family('flagline_checkpoint_events', 'gauge', 'Events held by the last checkpoint (the histories of the flags in memory).');
    out.push(`flagline_checkpoint_events ${cp.events}`);
    family('flagline_checkpoint_duration_seconds', 'gauge', 'Time from capturing the last checkpoint to having it stored.');
    out.push(`flagline_checkpoint_duration_seconds ${cp.seconds}`);
    const purge = this.#purge;
    family('flagline_retention_purges_total', 'counter', 'Retention purge runs (--retention-days), by result.');
    out.push(`flagline_retention_purges_total{result="ok"} ${purge.ok}`, `flagline_retention_purges_total{result="error"} ${purge.error}`);
    family('flagline_retention_purged_flags_total', 'counter', 'Flags whose events the retention purge deleted.');
    out.push(`flagline_retention_purged_flags_total ${purge.flags}`);
    family('flagline_retention_purged_events_total', 'counter', 'Events the retention purge deleted.');
    out.push(`flagline_retention_purged_events_total ${purge.events}`);
    family('flagline_retention_cutoff_seconds', 'gauge', 'Unix time before which lowered flags were purged by the last complete run (0: none yet).');
    out.push(`flagline_retention_cutoff_seconds ${purge.lastCutoff}`);
    family('flagline_commands_total', 'counter', 'Commands answered, by type and result (ok or an error code).');
    for (const [labels, n] of this.#commands) out.push(`flagline_commands_total{${labels}} ${n}`);
    family('flagline_rule_raises_total', 'counter', 'Flags raised by a conversation rule (how="automatic") or by an agent accepting its suggestion (how="suggested"), by rule id.');
    for (const [labels, n] of this.#ruleRaises) out.push(`flagline_rule_raises_total{${labels}} ${n}`);
    family('flagline_rule_suggestions_total', 'counter', "Conversation rules' suggestions shown to agents, accepted (raised) and dismissed, by team and rule, as the agents' rules engines report them.");
    for (const [labels, n] of this.#suggestions) out.push(`flagline_rule_suggestions_total{${labels}} ${n}`);
    family('flagline_command_duration_seconds', 'histogram', 'Time from receiving a command to sending its durable result.');
    BUCKETS.forEach((le, i) => out.push(`flagline_command_duration_seconds_bucket{le="${le}"} ${this.#buckets[i]}`));
    out.push(`flagline_command_duration_seconds_bucket{le="+Inf"} ${this.#latencyCount}`);
    out.push(`flagline_command_duration_seconds_sum ${this.#latencySum}`);
    out.push(`flagline_command_duration_seconds_count ${this.#latencyCount}`);
    this.#renderLoopLag(family, out);
    this.#renderHelpRequests(family, out, tenants.flatMap((t) => t.openFlags));
    family('flagline_admissions_deferred_total', 'counter', 'New connections told to come back later (a bye with their slot) by admission control.');
    out.push(`flagline_admissions_deferred_total ${this.#deferred}`);
    family('flagline_errors_total', 'counter', 'Error frames sent, by code.');
    for (const [code, n] of this.#errors) out.push(`flagline_errors_total{code="${code}"} ${n}`);
    if (this.#keyFetches.size > 0) {
      family('flagline_idp_key_fetches_total', 'counter', "Fetches of the identity provider's signing keys (JWKS), by result.");
      for (const [result, n] of this.#keyFetches) out.push(`flagline_idp_key_fetches_total{result="${result}"} ${n}`);
    }
    family('flagline_background_failures_total', 'counter', 'Failed background tasks (catch-up on shared storage, escalation timer), by source; each is also logged.');
    for (const [source, n] of this.#backgroundFailures) out.push(`flagline_background_failures_total{source="${source}"} ${n}`);
    return out.join('\n') + '\n';
  }

  /** Help requests by team: open, waiting, acknowledged and escalated now; times to acknowledge and to lower. */
  #renderHelpRequests(family: (name: string, type: string, help: string) => void, out: string[], openFlags: Flag[]): void {
    // Teams past the bound are summed into team="other", as in the histograms.
    const labelled = openFlags.map((f) => (this.#teamLabel(f.team) === f.team ? f : { ...f, team: OTHER_TEAM }));
    const { teams } = helpRequestMetrics(labelled, { now: 0, windowMs: 0 });
    const gauges = [
      ['open', 'Open flags (not lowered).'],
      ['waiting', 'Open flags no supervisor acknowledged yet.'],
      ['acknowledged', 'Open flags a supervisor acknowledged.'],
      ['escalated', 'Open flags escalated at least once.'],
    ] as const;
    for (const [figure, help] of gauges) {
      family(`flagline_flags_${figure}`, 'gauge', `${help} By team.`);
      for (const [team, f] of teams) out.push(`flagline_flags_${figure}{team="${team}"} ${f[figure]}`);
    }
    const histograms = [
      ['acknowledge', 'flagline_time_to_acknowledge_seconds', 'Time from raising a flag to its acknowledgement, by team.'],
      ['lower', 'flagline_time_to_lower_seconds', 'Time from raising a flag to its lowering, by team.'],
    ] as const;
    for (const [kind, name, help] of histograms) {
      family(name, 'histogram', help);
      for (const [team, h] of this.#helpTimes[kind]) {
        HELP_BUCKETS.forEach((le, i) => out.push(`${name}_bucket{team="${team}",le="${le}"} ${h.buckets[i]}`));
        out.push(`${name}_bucket{team="${team}",le="+Inf"} ${h.count}`, `${name}_sum{team="${team}"} ${h.sum}`, `${name}_count{team="${team}"} ${h.count}`);
      }
    }
  }

  /** A summary of the event-loop lag: quantiles since the previous scrape, count and sum since start. */
  #renderLoopLag(family: (name: string, type: string, help: string) => void, out: string[]): void {
    const h = this.#loopLagNs;
    family('flagline_event_loop_lag_seconds', 'summary', 'How late a 10 ms timer fires: quantiles since the previous scrape, count and sum since start.');
    for (const q of LAG_QUANTILES) out.push(`flagline_event_loop_lag_seconds{quantile="${q}"} ${h.count ? h.percentile(q * 100) / 1e9 : 0}`);
    out.push(`flagline_event_loop_lag_seconds_sum ${this.#loopLag.sum}`, `flagline_event_loop_lag_seconds_count ${this.#loopLag.count}`);
    h.reset();
  }
}

interface Histogram {
  buckets: number[];
  count: number;
  sum: number;
}
