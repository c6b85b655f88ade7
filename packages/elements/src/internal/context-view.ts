import { css, html, nothing } from 'lit';
import type { Flag } from '@flagline/core';
import type { ContextStrings } from './context-strings.js';

/**
 * What a flag carries besides its message: the rule that raised or suggested it and the
 * conversation its agent shared (summary, then the last turns), as text. Nothing when it carries none.
 */
export function renderFlagContext(flag: Flag, s: ContextStrings, options: { id?: string; scrolls?: boolean } = {}) {
  const { context, automatic, suggested } = flag;
  if (!context && !automatic && !suggested) return nothing;
  // A group, not a region landmark: several rows may show theirs at once. One that scrolls takes
  // focus, so a keyboard reaches all of it.
  return html`<div role="group" class="context" part="context" id=${options.id ?? nothing} tabindex=${options.scrolls ? '0' : nothing} aria-label=${s.title}>
    ${automatic ? html`<p class="automatic" dir="auto">${s.automatic(automatic.ruleName)}</p>` : nothing}
    ${suggested ? html`<p class="suggested" dir="auto">${s.suggested(suggested.ruleName)}</p>` : nothing}
    ${context && context.summary.length > 0
      ? html`<p class="summary"><strong>${s.summary}</strong> <span dir="auto">${context.summary.join(' ')}</span></p>`
      : nothing}
    ${context && context.turns.length > 0
      ? html`<ol class="turns">
          ${context.turns.map((turn) => html`<li data-from=${turn.from}><span class="from">${s.from(turn.from)}</span> <span dir="auto">${turn.text}</span></li>`)}
        </ol>`
      : nothing}
  </div>`;
}

export const contextStyles = css`
  .context {
    border-inline-start: 3px solid var(--_accent);
    background: var(--_surface);
    border-radius: var(--_radius);
    padding: calc(var(--_space) / 2) var(--_space);
    font-size: 0.9em;
    overflow-wrap: anywhere;
  }
  .context p {
    margin: 0 0 calc(var(--_space) / 2);
  }
  .context .turns {
    margin: 0;
    padding: 0;
    list-style: none;
    display: grid;
    gap: calc(var(--_space) / 4);
  }
  .context .from {
    font-weight: 600;
  }
  .context [data-from='agent'] {
    color: var(--_muted);
  }
`;
