import type { Flag, MissedCause } from '@flagline/core';

/** The strings of the widget's alerts: settings, missed flags, the tab title badge, repeated notifications. */
export interface AlertStrings {
  /** The header button and the title of the settings popover. */
  settings: string;
  sound: string;
  desktop: string;
  /** Shown when the browser blocks notifications for the site. */
  desktopBlocked: string;
  repeat: string;
  /** A repeat interval option (`formatted`: "30 sec", "2 min"). */
  every: (formatted: string) => string;
  noRepeat: string;
  done: string;
  /** The header toggle of the missed flags. */
  missed: (count: number) => string;
  missedTitle: string;
  /** What happened to a missed flag, and how long ago. */
  missedCause: (cause: MissedCause, formatted: string) => string;
  clearMissed: string;
  /** The page title while the page is hidden and flags wait for an answer. */
  badgeTitle: (count: number, title: string) => string;
  /** The desktop notification's title when an unanswered flag alerts again. */
  stillWaiting: (flag: Flag) => string;
}

export const defaultAlertStrings: AlertStrings = {
  settings: 'Alert settings',
  sound: 'Sound',
  desktop: 'Desktop notifications',
  desktopBlocked: 'This browser blocks notifications from this site: allow them in its site settings.',
  repeat: 'Repeat while unanswered',
  every: (formatted) => `Every ${formatted}`,
  noRepeat: 'Don’t repeat',
  done: 'Done',
  missed: (count) => `Missed (${count})`,
  missedTitle: 'Flags you missed',
  missedCause: (cause, formatted) => `${cause === 'escalated' ? 'Escalated unanswered' : 'Lowered unanswered'} · ${formatted} ago`,
  clearMissed: 'Clear all',
  badgeTitle: (count, title) => `(${count}) ${title}`,
  stillWaiting: (flag) => `Still waiting: ${flag.agent.name}`,
};
