/** Display formatting shared by the elements and the locale catalogs, all through `Intl`. */

export function formatTime(at: number, lang: string): string {
  return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }).format(at);
}

/** A date and time, short: history rows span days. */
export function formatDateTime(at: number, lang: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' }).format(at);
}

/**
 * How long someone has waited, in `lang`'s short units: `45 sec`, `3 min, 5 sec`, `1 hr, 12 min`
 * (es `3 min y 5 s`, ar `3 د و5 ث`). Intl.NumberFormat units joined by Intl.ListFormat give
 * what Intl.DurationFormat gives, in browsers older than it too.
 */
export function formatWaiting(ms: number, lang: string): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts: [number, string][] = h > 0 ? [[h, 'hour'], [m, 'minute']] : m > 0 ? [[m, 'minute'], [s, 'second']] : [[s, 'second']];
  const unit = (n: number, u: string) => new Intl.NumberFormat(lang, { style: 'unit', unit: u, unitDisplay: 'short' }).format(n);
  return new Intl.ListFormat(lang, { type: 'unit', style: 'short' }).format(parts.map(([n, u]) => unit(n, u)));
}

export function formatNumber(lang: string, n: number): string {
  return new Intl.NumberFormat(lang).format(n);
}

/** The words for each plural category of a language; `#` stands for the number. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** `forms` picked by `Intl.PluralRules` (Arabic has six categories, French two…). */
export function plural(lang: string, n: number, forms: PluralForms): string {
  return (forms[new Intl.PluralRules(lang).select(n)] ?? forms.other).replace('#', formatNumber(lang, n));
}

/** An interval as one short unit: `30 sec`, `2 min` (whole minutes read as minutes). */
export function formatInterval(ms: number, lang: string): string {
  const s = Math.round(ms / 1000);
  const [n, unit] = s % 60 === 0 ? [s / 60, 'minute'] : [s, 'second'];
  return new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'short' }).format(n);
}
