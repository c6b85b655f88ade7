/**
 * CSV (RFC 4180) for exports a spreadsheet opens: fields quoted when they need it, CRLF line
 * ends, and text that a spreadsheet would run as a formula (starting with = + - @, a tab or a
 * carriage return) prefixed with ' so it stays text.
 */
import type { Flag } from './model.js';

export type CsvCell = string | number | undefined;

export function csvCell(value: CsvCell): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
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
