/** The demo's icons, inline SVG, decorative (the text beside them carries the meaning). */
import { svg } from 'lit';

/** The flag mark: the same drawing as the elements' flag icon and the favicon. */
export function flagMark() {
  return svg`<svg class="mark" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M3 1h1.5v14H3zM5.5 2h8l-2 3.5 2 3.5h-8z"/></svg>`;
}
