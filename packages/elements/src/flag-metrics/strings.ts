/** Every visible or announced string of <flag-metrics>, English by default. */
export interface FlagMetricsStrings {
  title: string;
  /** The window the durations, the sparkline and the reasons cover, in minutes. */
  window: (minutes: number) => string;
  open: string;
  waiting: string;
  acknowledged: string;
  escalated: string;
  toAcknowledge: string;
  toLower: string;
  /** A duration percentile: `p50 1 min, 5 sec`. */
  percentiles: (p50: string, p90: string) => string;
  /** No duration measured in the window. */
  none: string;
  openOverTime: string;
  /** The sparkline's table: one row per sample time. */
  time: string;
  openFlags: string;
  byReason: string;
  noReason: string;
  reasonCount: (reason: string, count: number) => string;
  noneRaised: string;
  byTeam: string;
  bySupervisor: string;
  team: string;
  supervisor: string;
}

export const defaultFlagMetricsStrings: FlagMetricsStrings = {
  title: 'Help requests',
  window: (minutes) => (minutes % 60 === 0 ? `last ${minutes / 60 === 1 ? 'hour' : `${minutes / 60} hours`}` : `last ${minutes} min`),
  open: 'Open',
  waiting: 'Waiting',
  acknowledged: 'Acknowledged',
  escalated: 'Escalated',
  toAcknowledge: 'Time to acknowledge',
  toLower: 'Time to lower',
  percentiles: (p50, p90) => `p50 ${p50} · p90 ${p90}`,
  none: '—',
  openOverTime: 'Open flags over time',
  time: 'Time',
  openFlags: 'Open flags',
  byReason: 'Flags by reason',
  noReason: 'No reason',
  reasonCount: (reason, count) => `${reason}: ${count}`,
  noneRaised: 'No flag raised in this window.',
  byTeam: 'By team',
  bySupervisor: 'By supervisor',
  team: 'Team',
  supervisor: 'Supervisor',
};
