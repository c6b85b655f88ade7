/**
 * CSV (RFC 4180) for exports a spreadsheet opens: fields quoted when they need it, CRLF line
 * ends, and text that a spreadsheet would run as a formula prefixed with ' so it stays text.
 *
 * A spreadsheet may split a line on another separator than ours: Excel where the list
 * separator is `;` splits on `;`, a paste splits on tabs, and such a split ignores our quotes
 * (they are then mid-field) and ends the record at a line break. So a formula can start at any
 * separator inside a field, not only at its start. The rule: a = + - @ at the start of the text
 * or right after a `,` `;` tab, CR or LF gets a ' before it (a leading tab or CR too, as
 * before), so whichever way the field is split, no piece starts with a formula; and a field
 * with a `;` or a tab is quoted as well as one with a comma, a quote or a line break.
 */
import type { Flag } from './model.js';

export type CsvCell = string | number | undefined;

/** A formula start: at the text's start (also a tab or CR there), or after a separator. */
const FORMULA_START = /^(?=[=+\-@\t\r])|(?<=[,;\t\r\n])(?=[=+\-@])/g;

export function csvCell(value: CsvCell): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string') text = text.replace(FORMULA_START, "'");
  return /[",;\t\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((row) => row.map(csvCell).join(',') + '\r\n').join('');
}

/** The columns of a history export, in order (the header row is the caller's, translated). */
export const HISTORY_CSV_COLUMNS = [
  'flag',
  'team',
  'agent',
  'raisedAt',
  'acknowledgedBy',
  'secondsToAcknowledge',
  'loweredAt',
  'secondsToLower',
  'cause',
  'loweredBy',
  'reason',
  'lowerReason',
  'message',
] as const;
export type HistoryCsvColumn = (typeof HISTORY_CSV_COLUMNS)[number];

/** A history export: one header row (`headers` by column), then a row per flag; times in ISO 8601 UTC. */
export function historyCsv(flags: readonly Flag[], headers: Record<HistoryCsvColumn, string>): string {
  const iso = (at: number | undefined) => (at === undefined ? undefined : new Date(at).toISOString());
  const seconds = (to: number | undefined, from: number) => (to === undefined ? undefined : Math.round((to - from) / 1000));
  return toCsv([
    HISTORY_CSV_COLUMNS.map((c) => headers[c]),
    ...flags.map((f) => [
      f.id,
      f.team,
      f.agent.name,
      iso(f.raisedAt),
      f.acknowledgedBy?.name,
      seconds(f.acknowledgedAt, f.raisedAt),
      iso(f.lowered?.at),
      seconds(f.lowered?.at, f.raisedAt),
      f.lowered?.cause,
      f.lowered?.by.name,
      f.reason,
      f.lowered?.reason,
      f.message,
    ]),
  ]);
}
