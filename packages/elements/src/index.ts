/**
 * @flagline/elements: the element classes, their events and strings. Importing this module
 * registers nothing; import `@flagline/elements/define.js` (or one `define-<tag>.js`) for that.
 */
export { FlaglineProvider } from './flagline-provider/flagline-provider.js';
export { FlagButton } from './flag-button/flag-button.js';
export { SupervisorChat } from './supervisor-chat/supervisor-chat.js';
export { RaisedFlagsWidget } from './raised-flags-widget/raised-flags-widget.js';
export { FlagHistory } from './flag-history/flag-history.js';
export { FlagMetrics } from './flag-metrics/flag-metrics.js';
export { defaultFlagButtonStrings, type FlagButtonStrings } from './flag-button/strings.js';
export { defaultSupervisorChatStrings, type SupervisorChatStrings } from './supervisor-chat/strings.js';
export { defaultRaisedFlagsWidgetStrings, type RaisedFlagsWidgetStrings } from './raised-flags-widget/strings.js';
export { defaultAlertStrings, type AlertStrings } from './raised-flags-widget/alert-strings.js';
export { badgeIcon } from './raised-flags-widget/title-badge.js';
export { defaultFlagHistoryStrings, HISTORY_RANGES, type FlagHistoryStrings, type HistoryRange } from './flag-history/strings.js';
export { defaultFlagMetricsStrings, type FlagMetricsStrings } from './flag-metrics/strings.js';
export { registerLocale, type FlaglineMessages } from './internal/localize.js';
export { plural, type PluralForms } from './internal/format.js';
export * from './internal/events.js';
export { flagClientContext, attachContextRoot } from './internal/context.js';
export { defineElement } from './internal/define-element.js';
export { VERSION } from './internal/version.js';
