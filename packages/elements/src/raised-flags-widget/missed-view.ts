import { html, nothing } from 'lit';
import type { MissedFlag } from '@flagline/core';
import { formatWaiting } from '../internal/format.js';
import type { AlertStrings } from './alert-strings.js';

export interface MissedView {
  s: AlertStrings;
  lang: string;
  now: number;
  missed: readonly MissedFlag[];
  open: boolean;
  toggle: () => void;
  clear: () => void;
}

/** The header toggle "Missed (3)", shown while there are missed flags. */
export function renderMissedToggle(v: MissedView) {
  if (v.missed.length === 0) return nothing;
  return html`<button class="missed-toggle" aria-expanded=${v.open ? 'true' : 'false'} aria-controls=${v.open ? 'missed' : nothing} @click=${v.toggle}>
    ${v.s.missed(v.missed.length)}
  </button>`;
}

/** The missed flags, newest first: who, what, what happened and when; Clear all. */
export function renderMissed(v: MissedView) {
  if (!v.open || v.missed.length === 0) return nothing;
  return html`<section id="missed" class="missed" part="missed" aria-labelledby="missed-title">
    <h3 id="missed-title">${v.s.missedTitle}</h3>
    <ul>
      ${v.missed.map(
        ({ flag, cause, at }) => html`<li data-flag-id=${flag.id}>
          <span class="agent one-line" dir="auto" title=${flag.agent.name}>${flag.agent.name}</span>
          <span class="preview" dir="auto">${flag.message}</span>
          <span class="muted">${v.s.missedCause(cause, formatWaiting(v.now - at, v.lang))}</span>
        </li>`,
      )}
    </ul>
    <button class="clear-missed" @click=${v.clear}>${v.s.clearMissed}</button>
  </section>`;
}
