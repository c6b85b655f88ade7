export * from './settings.js';
export { AlertSchedule, type AlertRound } from './alert-schedule.js';
export { MissedFlags, missedBy, MISSED_LIMIT, type MissedCause, type MissedFlag } from './missed.js';
