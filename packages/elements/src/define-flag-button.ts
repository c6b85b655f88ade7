// The flag button shows its flag's chat, so it brings <supervisor-chat> along.
import './define-supervisor-chat.js';
import { defineElement } from './internal/define-element.js';
import { FlagButton } from './flag-button/flag-button.js';

defineElement('flag-button', FlagButton);
