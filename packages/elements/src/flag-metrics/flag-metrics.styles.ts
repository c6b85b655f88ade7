import { css } from 'lit';
import { cardStyles, themeStyles } from '../internal/theme.styles.js';

export const flagMetricsStyles = [
  themeStyles,
  cardStyles,
  css`
    h2 {
      font-size: 1em;
      margin: 0 0 calc(var(--_space) / 2);
    }
    h2 .muted {
      font-weight: normal;
      font-size: 0.85em;
    }
    .figures {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(7.5rem, 1fr));
      gap: calc(var(--_space) / 2) var(--_space);
      margin: 0;
    }
    .figures .wide {
      grid-column: span 2;
    }
    dt {
      color: var(--_muted);
      font-size: 0.85em;
    }
    dd {
      margin: 0;
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .charts {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_space);
      margin-block: var(--_space);
    }
    figure {
      flex: 1 1 12rem;
      min-inline-size: 0;
      margin: 0;
    }
    figcaption {
      color: var(--_muted);
      font-size: 0.85em;
    }
    .sparkline svg {
      display: block;
      inline-size: 100%;
      block-size: 2.5rem;
    }
    .sparkline polyline {
      fill: none;
      stroke: var(--_accent);
      stroke-width: 2;
      vector-effect: non-scaling-stroke;
    }
    .reasons ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .reasons li {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
      align-items: center;
      gap: calc(var(--_space) / 2);
    }
    .reasons .label {
      overflow-wrap: anywhere;
    }
    .reasons svg {
      inline-size: 100%;
      block-size: 0.6rem;
    }
    /* Bars grow from the inline start, in right-to-left layouts too. */
    :host(:dir(rtl)) .reasons svg {
      transform: scaleX(-1);
    }
    .reasons rect {
      fill: var(--_accent);
    }
    details {
      margin-block-start: calc(var(--_space) / 2);
    }
    summary {
      cursor: pointer;
    }
    table {
      border-collapse: collapse;
      inline-size: 100%;
      font-size: 0.9em;
    }
    th,
    td {
      text-align: start;
      padding: calc(var(--_space) / 4) calc(var(--_space) / 2);
      overflow-wrap: anywhere;
    }
  `,
];
