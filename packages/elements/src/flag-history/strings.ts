import type { FlagEvent, HistoryCsvColumn, LowerCause } from '@flagline/core';
import { describeEvent } from '@flagline/core/view';

/** Time ranges the history offers, in hours. */
export const HISTORY_RANGES = [1, 8, 24, 168] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];

/** Every visible or announced string of <flag-history>, English by default. */
export interface FlagHistoryStrings {
  title: string;
  filters: string;
  range: string;
  ranges: Record<HistoryRange, string>;
  team: string;
  agent: string;
  supervisor: string;
  reason: string;
  any: string;
  noReason: string;
  tableLabel: string;
  columns: { helpedBy: string; toAcknowledge: string; toLower: string; cause: string; reason: string };
  causes: Record<LowerCause, string>;
  /** Nobody acknowledged the flag. */
  nobody: string;
  showChat: (agent: string) => string;
  hideChat: (agent: string) => string;
  chatLabel: (agent: string) => string;
  /** A flag event in the expanded chat (default: the transcript's wording). */
  systemLine: (event: FlagEvent) => string;
  loading: string;
  empty: string;
  more: string;
  retry: string;
  exportCsv: string;
  /** Announced when a page arrived: how many rows are shown. */
  shown: (count: number) => string;
  /** The CSV header row. */
  csv: Record<HistoryCsvColumn, string>;
}

export const defaultFlagHistoryStrings: FlagHistoryStrings = {
  title: 'History',
  filters: 'Filters',
  range: 'Lowered in the last',
  ranges: { 1: 'hour', 8: '8 hours', 24: '24 hours', 168: '7 days' },
  team: 'Team',
  agent: 'Agent',
  supervisor: 'Helped by',
  reason: 'Reason',
  any: 'Any',
  noReason: '—',
  tableLabel: 'Lowered flags, newest first',
  columns: { helpedBy: 'Helped by', toAcknowledge: 'Time to acknowledge', toLower: 'Time to lower', cause: 'Lowered by', reason: 'Reason' },
  causes: { agent: 'Agent', supervisor: 'Supervisor', 'interaction-ended': 'Interaction ended' },
  nobody: 'Nobody',
  showChat: (agent) => `Show the chat with ${agent}`,
  hideChat: (agent) => `Hide the chat with ${agent}`,
  chatLabel: (agent) => `Private chat with ${agent}`,
  systemLine: (event) => describeEvent(event),
  loading: 'Loading history…',
  empty: 'No flag was lowered in this range with these filters.',
  more: 'Show older',
  retry: 'Try again',
  exportCsv: 'Export CSV',
  shown: (count) => (count === 1 ? '1 lowered flag shown' : `${count} lowered flags shown`),
  csv: {
    flag: 'Flag',
    team: 'Team',
    agent: 'Agent',
    raisedAt: 'Raised at',
    acknowledgedBy: 'Acknowledged by',
    secondsToAcknowledge: 'Seconds to acknowledge',
    loweredAt: 'Lowered at',
    secondsToLower: 'Seconds to lower',
    cause: 'Cause',
    loweredBy: 'Lowered by',
    reason: 'Reason',
    lowerReason: 'Lower reason',
    message: 'Message',
  },
};
