/** Bits of page chrome shared by the demo pages. */
import { html } from 'lit';
import type { FlagClient } from '@flagline/core';
import { applyTheme, loadSettings, saveSettings } from './connect.js';

const STATUS_TEXT = { connecting: 'Connecting…', online: 'Online', reconnecting: 'Reconnecting…', offline: 'Offline' } as const;

export function statusPill(client: FlagClient) {
  const status = client.$status.get();
  return html`<span class="status status-${status}" role="status" data-testid="connection-status">${STATUS_TEXT[status]}</span>`;
}

export function themeToggle() {
  const s = loadSettings();
  const dark = s.dark ?? matchMedia('(prefers-color-scheme: dark)').matches;
  return html`<label><input type="checkbox" .checked=${dark} @change=${(e: Event) => {
    const next = { ...loadSettings(), dark: (e.target as HTMLInputElement).checked };
    saveSettings(next);
    applyTheme(next);
  }} /> Dark mode</label>`;
}
