// Small numeric helpers shared by every benchmark: percentiles, ratios and formatting.

/** Nearest-rank percentile of a list of numbers (p in 0..100); undefined for an empty list. */
export function percentile(values, p) {
  return rank([...values].sort((a, b) => a - b), p);
}

function rank(sorted, p) {
  if (sorted.length === 0) return undefined;
  const r = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, r - 1))];
}

/** p50/p95/p99/max and the sample count, rounded to 0.1 ms (sorted once: runs reach 100,000s of samples). */
export function summarize(values) {
  const r = (x) => (x === undefined ? undefined : Math.round(x * 10) / 10);
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: values.length,
    p50: r(rank(sorted, 50)),
    p95: r(rank(sorted, 95)),
    p99: r(rank(sorted, 99)),
    max: r(sorted.at(-1)),
  };
}

/** "a / b" as "2.31×", or "–" when either side is missing. */
export function ratio(a, b) {
  if (typeof a !== 'number' || typeof b !== 'number' || b === 0) return '–';
  return (a / b).toFixed(2) + '×';
}

export const ms = (x) => (typeof x === 'number' ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) + ' ms' : '–');
export const mb = (bytes) => (typeof bytes === 'number' ? (bytes / 1024 / 1024).toFixed(1) + ' MB' : '–');
export const kb = (bytes) => (typeof bytes === 'number' ? (bytes / 1024).toFixed(1) + ' KB' : '–');
export const int = (x) => (typeof x === 'number' ? Math.round(x).toLocaleString('en-US') : '–');
export const pct = (x) => (typeof x === 'number' ? x.toFixed(0) + '%' : '–');

/** Prints a titled table; `rows` are arrays of cells (strings), the first column left-aligned. */
export function printTable(title, header, rows, notes = []) {
  const widths = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c ?? '').padEnd(widths[i]) : String(c ?? '').padStart(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  for (const n of notes) console.log(`  ${n}`);
}
