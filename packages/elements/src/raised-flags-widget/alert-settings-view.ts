import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { AlertSettings } from '@flagline/core';
import { formatInterval } from '../internal/format.js';
import type { AlertStrings } from './alert-strings.js';

/** The repeat intervals offered (plus the current one, when the host set another). */
const INTERVALS = [15_000, 30_000, 60_000, 120_000, 300_000];

export interface AlertSettingsView {
  s: AlertStrings;
  lang: string;
  settings: AlertSettings;
  /** What the host offers: the sound, desktop notifications. */
  offerSound: boolean;
  offerDesktop: boolean;
  /** The browser's notification permission. */
  permission: NotificationPermission;
  /** The supervisor changed a setting (`maxRepeats: 0`: don't repeat; undefined: back to the default). */
  change: (patch: Partial<Record<keyof AlertSettings, AlertSettings[keyof AlertSettings] | undefined>>) => void;
  /** The supervisor turned desktop notifications on: ask the browser (this is their gesture). */
  askDesktop: () => void;
}

/**
 * When the popover closes (Escape, Done) with focus inside it, or nowhere, focus goes back to its
 * button: Chromium leaves it on the page's body, and a keyboard user would start over at the top.
 */
function returnFocus(e: Event): void {
  const popover = e.currentTarget as HTMLElement;
  if ((e as ToggleEvent).newState !== 'closed') return;
  const root = popover.getRootNode() as ShadowRoot;
  const focused = root.activeElement;
  if (focused && !popover.contains(focused)) return;
  root.querySelector<HTMLElement>('.alert-settings-toggle')?.focus();
}

/** The header button and its popover (native Popover API: Escape and a click outside close it). */
export function renderAlertSettings(v: AlertSettingsView) {
  const { s, settings } = v;
  const repeats = settings.maxRepeats > 0;
  const intervals = [...new Set([...INTERVALS, settings.repeatMs])].sort((a, b) => a - b);
  return html`
    <button class="alert-settings-toggle" popovertarget="alert-settings" aria-haspopup="dialog">${s.settings}</button>
    <div id="alert-settings" class="alert-settings" part="alert-settings" popover="auto" role="dialog" aria-labelledby="alert-settings-title" @toggle=${returnFocus}>
      <h3 id="alert-settings-title">${s.settings}</h3>
      ${v.offerSound
        ? html`<label><input type="checkbox" class="alert-sound" .checked=${live(settings.sound)}
            @change=${(e: Event) => v.change({ sound: (e.target as HTMLInputElement).checked })} /> ${s.sound}</label>`
        : nothing}
      ${v.offerDesktop
        ? html`<label><input type="checkbox" class="alert-desktop" aria-describedby=${v.permission === 'denied' ? 'desktop-blocked' : nothing}
              .checked=${live(settings.desktop && v.permission === 'granted')} ?disabled=${v.permission === 'denied'}
              @change=${(e: Event) => {
                const on = (e.target as HTMLInputElement).checked;
                if (on && v.permission !== 'granted') v.askDesktop();
                else v.change({ desktop: on });
              }} /> ${s.desktop}</label>
            ${v.permission === 'denied' ? html`<p id="desktop-blocked" class="muted">${s.desktopBlocked}</p>` : nothing}`
        : nothing}
      <label class="alert-repeat-label">${s.repeat}
        <select class="alert-repeat" @change=${(e: Event) => {
          const ms = Number((e.target as HTMLSelectElement).value);
          v.change(ms === 0 ? { maxRepeats: 0 } : { repeatMs: ms, maxRepeats: undefined });
        }}>
          <option value="0" ?selected=${!repeats}>${s.noRepeat}</option>
          ${intervals.map((ms) => html`<option value=${ms} ?selected=${repeats && ms === settings.repeatMs}>${s.every(formatInterval(ms, v.lang))}</option>`)}
        </select>
      </label>
      <button class="alert-settings-done" popovertarget="alert-settings" popovertargetaction="hide">${s.done}</button>
    </div>
  `;
}
