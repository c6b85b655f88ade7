// The wallboard opens chats inline, so it brings <supervisor-chat> along.
import './define-supervisor-chat.js';
import { defineElement } from './internal/define-element.js';
import { RaisedFlagsWidget } from './raised-flags-widget/raised-flags-widget.js';

defineElement('raised-flags-widget', RaisedFlagsWidget);
