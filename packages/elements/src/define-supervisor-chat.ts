import { attachContextRoot } from './internal/context.js';
import { defineElement } from './internal/define-element.js';
import { SupervisorChat } from './supervisor-chat/supervisor-chat.js';

attachContextRoot();
defineElement('supervisor-chat', SupervisorChat);
