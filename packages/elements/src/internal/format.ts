/** Display formatting shared by the elements (locale from the element's `lang`, else the page's). */

export function localeOf(el: Element): string | undefined {
  return el.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || undefined;
}

export function formatTime(at: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(at);
}

/** How long someone has waited, e.g. `45 s`, `3 min 05 s`, `1 h 12 min`. */
export function formatWaiting(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}
