import { css } from 'lit';
import { themeStyles } from '../internal/theme.styles.js';

export const flagButtonStyles = [
  themeStyles,
  css`
    :host {
      display: inline-block;
      max-inline-size: 100%;
    }
    :host([unavailable]) {
      display: none;
    }
    .trigger {
      anchor-name: --flagline-trigger;
      display: inline-flex;
      align-items: center;
      gap: calc(var(--_space) / 2);
      background: var(--_accent);
      color: var(--_accent-fg);
      border-color: var(--_accent);
      max-inline-size: 100%;
    }
    /* A name is whatever the host's directory says, however long: cut it, never widen the page.
       The unread count is never cut: the label gives way to it. */
    .trigger > span:not(.badge) {
      min-inline-size: 0;
      max-inline-size: 24em;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .trigger:not([data-state='idle']) {
      background: var(--_bg);
      color: var(--_fg);
    }
    .trigger[data-state='escalated'] {
      color: var(--_warning);
      border-color: var(--_warning);
    }
    .trigger[data-state='acknowledged'],
    .trigger[data-state='join-requested'][data-acknowledged],
    .trigger[data-state='joined'] {
      color: var(--_success);
      border-color: var(--_success);
    }
    .badge {
      flex: none;
      white-space: nowrap;
      background: var(--_danger);
      color: var(--_bg);
      border-radius: 999px;
      padding: 0 calc(var(--_space) * 0.75);
      font-size: 0.85em;
    }
    .notice {
      display: flex;
      align-items: center;
      gap: var(--_space);
      margin: calc(var(--_space) / 2) 0 0;
      padding: calc(var(--_space) / 2) var(--_space);
      border-inline-start: 4px solid var(--_warning);
      background: var(--_surface);
      border-radius: var(--_radius);
    }
    .notice > span {
      min-inline-size: 0;
      overflow-wrap: anywhere;
    }
    .notice.auto {
      border-inline-start-color: var(--_accent);
    }
    .no-supervisor,
    .connection {
      margin: calc(var(--_space) / 2) 0 0;
      overflow-wrap: anywhere;
    }
    /* A suggestion sits under the button and waits: never modal, never in the agent's way. */
    .suggestion {
      margin: calc(var(--_space) / 2) 0 0;
      padding: var(--_space);
      border: 1px solid var(--_border);
      border-inline-start: 4px solid var(--_accent);
      border-radius: var(--_radius);
      background: var(--_surface);
      max-inline-size: 28rem;
    }
    .suggestion p {
      margin: 0 0 calc(var(--_space) / 2);
      overflow-wrap: anywhere;
    }
    .suggestion .actions {
      justify-content: flex-start;
      margin-block-start: calc(var(--_space) / 2);
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      justify-content: flex-end;
      gap: var(--_space);
      margin-block-start: calc(var(--_space) * 1.5);
    }
  `,
];
