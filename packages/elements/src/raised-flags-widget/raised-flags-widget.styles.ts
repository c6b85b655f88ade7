import { css } from 'lit';
import { contextStyles } from '../internal/context-view.js';
import { cardStyles, themeStyles } from '../internal/theme.styles.js';

export const raisedFlagsWidgetStyles = [
  themeStyles,
  cardStyles,
  contextStyles,
  css`
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--_space);
      margin-block-end: var(--_space);
    }
    h2 {
      font-size: 1.15em;
      margin: 0;
      margin-inline-end: auto;
    }
    .count {
      font-weight: normal;
      color: var(--_muted);
      font-size: 0.85em;
      margin-inline-start: calc(var(--_space) / 2);
    }
    header label {
      display: flex;
      align-items: center;
      gap: calc(var(--_space) / 2);
      min-inline-size: 0;
      max-inline-size: 100%;
    }
    /* A team is whatever the directory calls it: the select never grows past its share. */
    header select {
      min-inline-size: 0;
      max-inline-size: 14rem;
      text-overflow: ellipsis;
    }
    .body {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_space);
    }
    .list {
      flex: 1 1 24rem;
      min-inline-size: 0;
      block-size: var(--flagline-widget-height, 32rem);
      overflow: auto;
    }
    .list[hidden] {
      display: none !important;
    }
    .empty {
      flex: 1 1 24rem;
    }
    .row {
      inline-size: 100%;
      border: 1px solid var(--_border);
      border-inline-start: 4px solid var(--_border);
      border-radius: var(--_radius);
      padding: var(--_space);
      margin-block-end: var(--_space);
      background: var(--_bg);
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: calc(var(--_space) / 2);
    }
    /* The row's edge and state line say at a glance, across a room, what the flag needs. */
    .row[data-state='waiting'] {
      border-inline-start-color: var(--_warning);
    }
    .row[data-state='acknowledged'],
    .row[data-state='joined'] {
      border-inline-start-color: var(--_success);
    }
    .row[data-severity='urgent'] {
      border-inline-start-color: var(--_danger);
    }
    .state[data-state='waiting'] {
      color: var(--_warning);
    }
    /* Offer routing: the flag waits on this supervisor (accent edge and line), or on someone else. */
    .row[data-state='offered-to-me'] {
      border-inline-start-color: var(--_accent);
    }
    .state[data-state='offered-to-me'] {
      color: var(--_accent);
    }
    .row.highlight {
      background: var(--_highlight);
      animation: flagline-pulse 1s ease-in-out 3;
    }
    @keyframes flagline-pulse {
      50% {
        box-shadow: 0 0 0 4px var(--_accent);
      }
    }
    .who {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_space);
      align-items: center;
    }
    .agent {
      font-weight: 600;
    }
    .channel {
      display: inline-flex;
      gap: 4px;
      align-items: center;
      color: var(--_muted);
    }
    .highlight .channel,
    .highlight .muted {
      color: var(--_fg);
    }
    /* Wraps onto a second line in a narrow column rather than hide the time behind a long name; a
       longer text (a hostile reason) is cut there, so a row never grows past two lines of it. */
    .state {
      min-inline-size: 0;
      overflow-wrap: anywhere;
      display: -webkit-box;
      -webkit-box-orient: vertical;
      -webkit-line-clamp: 2;
      line-clamp: 2;
      overflow: hidden;
      margin-inline-start: auto;
      font-variant-numeric: tabular-nums;
      font-weight: 600;
    }
    .state[data-state='acknowledged'],
    .state[data-state='joined'] {
      color: var(--_success);
    }
    /* On a new flag's highlight the state line keeps the row's text colour: the state colours are
       chosen against the row's background, not the highlight (the edge still says the state). */
    .highlight .state {
      color: var(--_fg);
    }
    .row[aria-current='true'] {
      outline: 2px solid var(--_accent);
      outline-offset: -1px;
      background: color-mix(in srgb, var(--_accent) 8%, var(--_bg));
    }
    .preview,
    .reason {
      margin: 0;
      overflow-wrap: anywhere;
      display: -webkit-box;
      -webkit-line-clamp: 3;
      line-clamp: 3;
      -webkit-box-orient: vertical;
      overflow: hidden;
    }
    .marks {
      display: flex;
      flex-wrap: wrap;
      gap: calc(var(--_space) / 2);
    }
    .marks:empty {
      display: none;
    }
    .mark {
      border: 1px solid currentColor;
      border-radius: 999px;
      padding: 0 var(--_space);
      font-size: 0.85em;
    }
    .mark.urgent {
      color: var(--_danger);
    }
    .mark.escalated {
      color: var(--_warning);
    }
    .highlight .mark {
      color: var(--_fg);
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: calc(var(--_space) / 2);
    }
    .row.group {
      border-inline-start-color: var(--_accent);
    }
    .group-title {
      margin: 0;
      font-size: 1em;
      overflow-wrap: anywhere;
    }
    .group-agents {
      margin: 0;
      overflow-wrap: anywhere;
    }
    .members .row:last-child {
      margin-block-end: 0;
    }
    .reply-all-form label {
      display: block;
    }
    .reply-all-form textarea {
      inline-size: 100%;
      resize: vertical;
    }
    .reply-all-form .actions {
      justify-content: flex-end;
    }
    .mark.automatic,
    .mark.check-in {
      color: var(--_accent);
    }
    .transfer {
      margin: 0;
      overflow-wrap: anywhere;
    }
    .transfer[data-to-me='true'] {
      font-weight: 600;
      color: var(--_accent);
    }
    dialog.handoff {
      background: var(--_bg);
      color: var(--_fg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: calc(var(--_space) * 2);
      inline-size: min(26rem, 92vw);
      max-block-size: calc(100dvh - 2 * var(--_space));
      overflow: auto;
    }
    dialog.handoff::backdrop {
      background: rgb(0 0 0 / 0.35);
    }
    .handoff form {
      display: flex;
      flex-direction: column;
      gap: var(--_space);
    }
    .handoff fieldset {
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      margin: 0;
      display: flex;
      flex-direction: column;
      gap: calc(var(--_space) / 2);
      min-inline-size: 0;
    }
    .handoff .choice {
      display: flex;
      gap: calc(var(--_space) / 2);
      align-items: center;
      overflow-wrap: anywhere;
    }
    .handoff .note textarea {
      display: block;
      inline-size: 100%;
      box-sizing: border-box;
      resize: vertical;
    }
    .handoff p,
    .handoff h3 {
      margin: 0;
      overflow-wrap: anywhere;
    }
    .handoff .choice span {
      min-inline-size: 0;
    }
    .handoff .actions {
      justify-content: flex-end;
    }
    .chat-panel {
      flex: 1 1 20rem;
      min-inline-size: 0;
      display: flex;
      flex-direction: column;
      gap: calc(var(--_space) / 2);
    }
    .chat-head {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: var(--_space);
    }
    .chat-head .close {
      flex: none;
    }
    h3 {
      margin: 0;
      font-size: 1em;
    }
    supervisor-chat {
      --flagline-chat-height: calc(var(--flagline-widget-height, 32rem) - 3rem);
    }
    .connection {
      color: var(--_warning);
      margin: 0 0 var(--_space);
    }
    /* In the top layer, centred by the browser; never wider than a phone. */
    .alert-settings {
      background: var(--_bg);
      color: var(--_fg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: var(--_space);
      inline-size: min(22rem, calc(100vw - 2rem));
      box-sizing: border-box;
    }
    .alert-settings:popover-open {
      display: grid;
      gap: var(--_space);
    }
    .alert-settings label {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: calc(var(--_space) / 2);
    }
    .alert-settings p {
      margin: 0;
    }
    .missed {
      border: 1px solid var(--_border);
      border-inline-start: 4px solid var(--_warning);
      border-radius: var(--_radius);
      padding: var(--_space);
      margin-block-end: var(--_space);
    }
    .missed ul {
      list-style: none;
      margin: calc(var(--_space) / 2) 0;
      padding: 0;
      max-block-size: 12rem;
      overflow: auto;
    }
    .missed li {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      padding-block: calc(var(--_space) / 4);
      overflow-wrap: anywhere;
    }
  `,
];
