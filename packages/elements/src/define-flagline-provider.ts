import { attachContextRoot } from './internal/context.js';
import { defineElement } from './internal/define-element.js';
import { FlaglineProvider } from './flagline-provider/flagline-provider.js';

attachContextRoot();
defineElement('flagline-provider', FlaglineProvider);
