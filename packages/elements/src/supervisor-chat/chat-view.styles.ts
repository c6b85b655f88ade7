import { css } from 'lit';
import { contextStyles } from '../internal/context-view.js';
import { cannedStyles } from './canned.styles.js';

/** The body: context, log, composer, quick replies. */
export const chatViewStyles = [
  contextStyles,
  cannedStyles,
  css`
    /* Pinned: it stays in view while the log scrolls, and never takes more than a third of the chat. */
    .context {
      flex: none;
      max-block-size: 33%;
      overflow-y: auto;
      margin: calc(var(--_space) / 2);
    }
    .log {
      flex: 1;
      min-block-size: 0;
      overflow-y: auto;
      overflow-x: hidden;
    }
    /* The log's block padding stands for the messages not rendered (ListWindow): spacing lives inside each item. */
    .item {
      inline-size: 100%;
      padding: calc(var(--_space) / 2) var(--_space);
    }
    .system {
      color: var(--_muted);
      font-size: 0.9em;
      text-align: center;
      overflow-wrap: anywhere;
    }
    .message {
      display: flex;
      flex-direction: column;
      align-items: flex-start;
    }
    .message.mine {
      align-items: flex-end;
    }
    .bubble {
      max-inline-size: 85%;
      background: var(--_surface);
      border-radius: var(--_radius);
      padding: calc(var(--_space) / 2) var(--_space);
    }
    .text {
      margin: 0;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .meta {
      font-size: 0.85em;
      color: var(--_muted);
      display: flex;
      gap: calc(var(--_space) / 2);
      max-inline-size: 100%;
    }
    .meta time {
      flex: none;
    }
    .author {
      font-weight: 600;
      color: var(--_fg);
    }
    .delivery {
      font-size: 0.85em;
      color: var(--_muted);
    }
    .delivery.failed {
      color: var(--_danger);
    }
    .delivery button {
      font-size: inherit;
      padding: 0 calc(var(--_space) / 2);
      margin-inline-start: calc(var(--_space) / 2);
    }
    .jump {
      position: absolute;
      inset-block-end: 5.5rem;
      inset-inline-start: 50%;
      translate: -50% 0;
      background: var(--_accent);
      color: var(--_accent-fg);
      border-color: var(--_accent);
      border-radius: 999px;
    }
    :host(:dir(rtl)) .jump {
      translate: 50% 0;
    }
    .composer {
      display: grid;
      grid-template-columns: 1fr auto;
      gap: calc(var(--_space) / 2) var(--_space);
      padding: var(--_space);
      border-block-start: 1px solid var(--_border);
    }
    .composer textarea {
      resize: none;
      min-inline-size: 0;
    }
    .composer .actions {
      display: flex;
      flex-direction: column;
      gap: calc(var(--_space) / 2);
    }
    .counter {
      grid-column: 1 / -1;
      font-size: 0.85em;
      text-align: end;
    }
    .readonly,
    .connection {
      margin: 0;
      padding: var(--_space);
      color: var(--_muted);
      border-block-start: 1px solid var(--_border);
    }
    .error {
      padding-inline: var(--_space);
    }
  `,
];
