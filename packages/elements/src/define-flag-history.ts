import { attachContextRoot } from './internal/context.js';
import { defineElement } from './internal/define-element.js';
import { FlagHistory } from './flag-history/flag-history.js';

attachContextRoot();
defineElement('flag-history', FlagHistory);
