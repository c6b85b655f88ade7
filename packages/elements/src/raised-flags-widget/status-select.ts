import { html, nothing } from 'lit';
import type { PresenceView, SupervisorStatus } from '@flagline/core';
import { SUPERVISOR_STATUSES } from '@flagline/core/view';
import type { RaisedFlagsWidgetStrings } from './strings.js';

/**
 * The supervisor's own status (available / busy / away) in the widget's header: offer routing
 * offers flags only to available supervisors. Shown once the source of truth told the status.
 */
export function renderStatusSelect(presence: PresenceView | null, s: RaisedFlagsWidgetStrings, set: (status: SupervisorStatus) => void) {
  if (!presence?.status) return nothing;
  return html`<label>${s.status}
    <select class="status" data-status=${presence.status} @change=${(e: Event) => set((e.target as HTMLSelectElement).value as SupervisorStatus)}>
      ${SUPERVISOR_STATUSES.map((status) => html`<option value=${status} ?selected=${status === presence.status}>${s.statuses[status]}</option>`)}
    </select>
  </label>`;
}
