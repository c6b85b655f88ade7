/**
 * Suite sizes: `npm test` runs the short form; `npm run chaos` / `npm run fuzz` set
 * FLAGLINE_SUITE=full for the long one. Every suite prints its figures through `report`.
 */
export const FULL = process.env.FLAGLINE_SUITE === 'full';

/** The CI figure or the full-run figure. */
export function scale<T>(ci: T, full: T): T {
  return FULL ? full : ci;
}

/** One line of figures in the test output, e.g. `[fuzz] decoder cases=5000`. */
export function report(suite: string, figures: Record<string, string | number>): void {
  const line = Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log(`[${suite}] ${line}`);
}
