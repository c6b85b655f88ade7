// The flag button's chat (<supervisor-chat>) is not imported here: the button loads it when its
// panel first opens (a chunk of its own, see README "Bundle layout").
import { attachContextRoot } from './internal/context.js';
import { defineElement } from './internal/define-element.js';
import { FlagButton } from './flag-button/flag-button.js';

attachContextRoot();
defineElement('flag-button', FlagButton);
