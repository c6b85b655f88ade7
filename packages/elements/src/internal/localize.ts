import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { FlagErrorData } from '@flagline/core';
import { FlagError } from '@flagline/core/basics';
import type { FlagButtonStrings } from '../flag-button/strings.js';
import type { FlagHistoryStrings } from '../flag-history/strings.js';
import type { FlagMetricsStrings } from '../flag-metrics/strings.js';
import type { RaisedFlagsWidgetStrings } from '../raised-flags-widget/strings.js';
import type { SupervisorChatStrings } from '../supervisor-chat/strings.js';

/**
 * One language's words for every Flagline element. English is built in (each element carries
 * its own defaults, so one element's bundle holds no other's words); other languages are modules
 * of their own (`@flagline/elements/locales/es.js`…) given to `registerLocale`.
 */
export interface FlaglineMessages {
  flagButton: FlagButtonStrings;
  supervisorChat: SupervisorChatStrings;
  raisedFlagsWidget: RaisedFlagsWidgetStrings;
  flagHistory: FlagHistoryStrings;
  flagMetrics: FlagMetricsStrings;
  /** A failed command as the user reads it (the `flag-error` event keeps the original error). */
  error: (error: FlagErrorData) => string;
}

/** The language an element renders in: `lang` for `Intl`, `messages` for its words (none: the built-in English). */
export interface Localized {
  lang: string;
  messages: FlaglineMessages | undefined;
}

const ENGLISH: Localized = { lang: 'en', messages: undefined };
const catalogs = new Map<string, FlaglineMessages>();
/** Resolutions by raw `lang` value: elements ask on every render. */
const resolved = new Map<string, Localized>();
const watching = new Set<ReactiveControllerHost>();

function canonical(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/**
 * Make `messages` the words for `lang` (a BCP 47 tag: `es`, `fr-CA`…) in every Flagline element
 * whose nearest `lang` is that language; elements already on the page re-render.
 */
export function registerLocale(lang: string, messages: FlaglineMessages): void {
  const tag = canonical(lang);
  if (!tag) throw new FlagError('invalid-input', `registerLocale: "${lang}" is not a BCP 47 language tag (e.g. "es" or "fr-CA").`);
  catalogs.set(tag.toLowerCase(), messages);
  resolved.clear();
  for (const host of watching) host.requestUpdate();
}

/** The nearest `lang` attribute above `el`, across shadow roots (`''` if none). */
export function langOf(el: Element): string {
  for (let node: Element | null = el; node; node = node.parentElement ?? (node.getRootNode() as ShadowRoot).host ?? null) {
    const lang = node.getAttribute('lang');
    if (lang) return lang;
  }
  return '';
}

/**
 * The registered language for `lang`: the exact tag, else its language (`es-MX` → `es`), else
 * English. `Intl` formats with the full tag only when its words are found, so an unknown
 * language reads entirely in English instead of half translated.
 */
export function localize(lang: string): Localized {
  let found = resolved.get(lang);
  if (!found) {
    const tag = canonical(lang) ?? '';
    const base = tag.replace(/-.*/, '').toLowerCase();
    const messages = catalogs.get(tag.toLowerCase()) ?? catalogs.get(base);
    found = messages || base === 'en' ? { lang: tag, messages } : ENGLISH;
    resolved.set(lang, found);
  }
  return found;
}

const LANG_CHANGES: MutationObserverInit = { attributes: true, attributeFilter: ['lang'], subtree: true };
let observer: MutationObserver | undefined;

/**
 * Re-renders its host when a `lang` attribute changes anywhere above it: in the document, or
 * in any shadow root the host sits in. One observer serves every element of the page.
 */
export class LangController implements ReactiveController {
  constructor(private readonly host: ReactiveControllerHost & Element) {
    host.addController(this);
  }

  hostConnected(): void {
    observer ??= new MutationObserver(() => {
      for (const host of watching) host.requestUpdate();
    });
    observer.observe(document.documentElement, LANG_CHANGES);
    for (let root = this.host.getRootNode(); root instanceof ShadowRoot; root = root.host.getRootNode()) observer.observe(root, LANG_CHANGES);
    watching.add(this.host);
  }

  hostDisconnected(): void {
    watching.delete(this.host);
  }
}
