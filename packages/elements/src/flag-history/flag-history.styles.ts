import { css } from 'lit';
import { cardStyles, themeStyles } from '../internal/theme.styles.js';

export const flagHistoryStyles = [
  themeStyles,
  cardStyles,
  css`
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--_space);
    }
    h2 {
      font-size: 1.15em;
      margin: 0;
      margin-inline-end: auto;
    }
    .filters {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_space);
      margin-block: var(--_space);
    }
    .filters label {
      display: flex;
      flex-direction: column;
      gap: calc(var(--_space) / 4);
      min-inline-size: 0;
      max-inline-size: 100%;
    }
    .filters select {
      max-inline-size: 100%;
    }
    .list {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .row {
      border-block-start: 1px solid var(--_border);
      padding-block: var(--_space);
    }
    .head {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_space);
      margin: 0;
    }
    .head time {
      margin-inline-start: auto;
      white-space: nowrap;
    }
    .toggle-chat {
      max-inline-size: 100%;
      overflow-wrap: anywhere;
      text-align: start;
    }
    .figures {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr));
      gap: calc(var(--_space) / 2) var(--_space);
      margin: calc(var(--_space) / 2) 0;
    }
    .figures dt {
      color: var(--_muted);
      font-size: 0.85em;
    }
    .figures dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    .message {
      margin: 0 0 calc(var(--_space) / 2);
      overflow-wrap: anywhere;
      white-space: pre-wrap;
    }
    .chat {
      list-style: none;
      margin: var(--_space) 0 0;
      padding: var(--_space);
      background: var(--_surface);
      border-radius: var(--_radius);
    }
    .chat li {
      overflow-wrap: anywhere;
    }
    .chat li + li {
      margin-block-start: calc(var(--_space) / 2);
    }
    .chat p {
      margin: 0;
      overflow-wrap: anywhere;
      white-space: pre-wrap;
    }
    .who {
      font-weight: 600;
    }
    .more {
      margin-block-start: var(--_space);
    }
  `,
];
