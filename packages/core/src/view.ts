/**
 * `@flagline/core/view`: the run-time values the elements use, which is everything of core but
 * the client and its transports. The elements import values from here (or, for what the agent
 * page paints first, from `@flagline/core/basics`) and only types from the index. Bundlers that
 * split code by file (esbuild) count every module a re-exporting module names as reached by
 * whatever imports it, and a reached module's code lands in the importer's chunk: one value
 * import from the index would put the client in a page's first chunk even when the host loads the
 * client with `import()` (packages/elements README, "Bundle layout"). The lint forbids value
 * imports of the index in the elements.
 */
export * from './basics.js';
export { CHANNELS, SUPERVISOR_STATUSES } from './model.js';
export { DEFAULT_CONFIG } from './config.js';
export { describeEvent } from './transcript.js';
export { helpRequestMetrics, openSeries } from './metrics.js';
export { matchesHistory } from './history.js';
export { historyCsv } from './csv.js';
export { SYSTEM_CLOCK } from './client/clock.js';
export { AlertSchedule } from './alerts/alert-schedule.js';
export { MissedFlags } from './alerts/missed.js';
export { awaitsAnswer, resolveAlertSettings } from './alerts/settings.js';
export { SETTINGS_LIMITS } from './settings/keys.js';
export { checkSettingsWrite, defaultRaiseTeam } from './settings/rules.js';
export { fillPlaceholders } from './settings/placeholders.js';
