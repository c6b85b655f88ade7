import { attachContextRoot } from './internal/context.js';
import { defineElement } from './internal/define-element.js';
import { FlagMetrics } from './flag-metrics/flag-metrics.js';

attachContextRoot();
defineElement('flag-metrics', FlagMetrics);
