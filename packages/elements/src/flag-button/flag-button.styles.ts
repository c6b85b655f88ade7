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
    /* A name is whatever the host's directory says, however long: cut it, never widen the page. */
    .trigger > span {
      min-inline-size: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .status {
      overflow-wrap: anywhere;
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
    .trigger[data-state='joined'] {
      color: var(--_success);
      border-color: var(--_success);
    }
    .badge {
      background: var(--_danger);
      color: var(--_bg);
      border-radius: 999px;
      padding: 0 calc(var(--_space) * 0.75);
      font-size: 0.85em;
    }
    dialog,
    [popover] {
      background: var(--_bg);
      color: var(--_fg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: calc(var(--_space) * 2);
      inline-size: min(28rem, 92vw);
    }
    /* Next to the button where anchor positioning exists; centred (the default) elsewhere. */
    [popover] {
      position-anchor: --flagline-trigger;
      position-area: block-end span-inline-end;
      position-try-fallbacks: flip-block, flip-inline;
      inset: auto;
      margin: 4px 0;
      max-block-size: calc(100vh - 16px);
      overflow: auto;
    }
    dialog::backdrop {
      background: rgb(0 0 0 / 0.35);
    }
    h2 {
      font-size: 1.1em;
      margin: 0 0 var(--_space);
    }
    label {
      display: block;
      margin-block-start: var(--_space);
    }
    label.check {
      display: flex;
      gap: calc(var(--_space) / 2);
      align-items: center;
    }
    textarea,
    input:not([type]) {
      inline-size: 100%;
      margin-block-start: calc(var(--_space) / 2);
    }
    textarea {
      resize: vertical;
    }
    .counter {
      text-align: end;
      font-size: 0.85em;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      justify-content: flex-end;
      gap: var(--_space);
      margin-block-start: calc(var(--_space) * 1.5);
    }
    supervisor-chat {
      block-size: 18rem;
    }
    .status {
      font-weight: 600;
    }
  `,
];
