import { defaultFlagButtonStrings } from '../flag-button/strings.js';
import { defaultFlagHistoryStrings } from '../flag-history/strings.js';
import { defaultFlagMetricsStrings } from '../flag-metrics/strings.js';
import type { FlaglineMessages } from '../internal/localize.js';
import { defaultRaisedFlagsWidgetStrings } from '../raised-flags-widget/strings.js';
import { defaultSupervisorChatStrings } from '../supervisor-chat/strings.js';

/** English as a catalog: the elements' built-in defaults, a base to start another language from. A failed command shows the error's own message. */
export const en = {
  flagButton: defaultFlagButtonStrings,
  supervisorChat: defaultSupervisorChatStrings,
  raisedFlagsWidget: defaultRaisedFlagsWidgetStrings,
  flagHistory: defaultFlagHistoryStrings,
  flagMetrics: defaultFlagMetricsStrings,
  error: (error) => error.message,
} satisfies FlaglineMessages;
