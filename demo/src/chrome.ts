/** Bits of page chrome shared by the demo pages, and how the Flagline elements follow the host settings. */
import { html, type TemplateResult } from 'lit';
import type { FlagClient } from '@flagline/core';
import { registerLocale } from '@flagline/elements';
import { ar } from '@flagline/elements/locales/ar.js';
import { es } from '@flagline/elements/locales/es.js';
import { fr } from '@flagline/elements/locales/fr.js';
import { applyTheme, loadSettings, saveSettings, type ElementsLanguage, type HostSettings } from './connect.js';

registerLocale('es', es);
registerLocale('fr', fr);
registerLocale('ar', ar);

const STATUS_TEXT = { connecting: 'Connecting…', online: 'Online', reconnecting: 'Reconnecting…', offline: 'Offline' } as const;
/** Each language named in itself. */
const LANGUAGES: readonly (readonly [ElementsLanguage, string])[] = [['en', 'English'], ['es', 'Español'], ['fr', 'Français'], ['ar', 'العربية']];

export function statusPill(client: FlagClient) {
  const status = client.$status.get();
  return html`<span class="status status-${status}" role="status" data-testid="connection-status">${STATUS_TEXT[status]}</span>`;
}

function change(patch: Partial<HostSettings>, rerender: () => void) {
  const next = { ...loadSettings(), ...patch };
  saveSettings(next);
  applyTheme(next);
  rerender();
}

/** Dark mode for the page and, through their `theme`, the elements (see `flagline`). */
export function themeToggle(rerender: () => void) {
  const s = loadSettings();
  const dark = s.dark ?? matchMedia('(prefers-color-scheme: dark)').matches;
  return html`<label><input type="checkbox" .checked=${dark} @change=${(e: Event) => change({ dark: (e.target as HTMLInputElement).checked }, rerender)} /> Dark mode</label>`;
}

/** The elements switch language live when their container's `lang` changes: no reload. */
export function languagePicker(rerender: () => void) {
  const { lang } = loadSettings();
  return html`<label>Flagline language
    <select @change=${(e: Event) => change({ lang: (e.target as HTMLSelectElement).value as ElementsLanguage }, rerender)}>
      ${LANGUAGES.map(([tag, name]) => html`<option value=${tag} lang=${tag} ?selected=${tag === lang}>${name}</option>`)}
    </select>
  </label>`;
}

/** The elements' theme attribute: the host's explicit choice, else (undefined) they follow the system like the page. */
export function elementTheme(): 'dark' | 'light' | undefined {
  const { dark } = loadSettings();
  return dark === null ? undefined : dark ? 'dark' : 'light';
}

/** A container for Flagline elements in the chosen language and its direction; the page chrome around it stays English. */
export function flagline(content: TemplateResult) {
  const { lang } = loadSettings();
  return html`<div class="flagline-locale" lang=${lang} dir=${lang === 'ar' ? 'rtl' : 'ltr'}>${content}</div>`;
}
