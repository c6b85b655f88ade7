import type { Clock } from './types.js';

/** `Date.now` and the global timers: the clock everything runs on unless a test passes its own. */
export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
