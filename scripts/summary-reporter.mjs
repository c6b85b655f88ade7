// Writes the browser run's pass/fail counts to a file so scripts/test.mjs can add them up
// and print the one plain closing line CI reads.
import { writeFileSync } from 'node:fs';

function count(results, acc = { passed: 0, failed: 0, skipped: 0 }) {
  if (!results) return acc;
  for (const t of results.tests ?? []) {
    if (t.skipped) acc.skipped++;
    else if (t.passed) acc.passed++;
    else acc.failed++;
  }
  for (const s of results.suites ?? []) count(s, acc);
  return acc;
}

export function summaryReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const acc = { passed: 0, failed: 0, skipped: 0 };
      for (const s of sessions) {
        count(s.testResults, acc);
        // A file that failed to load counts as a failure.
        if (!s.passed && s.errors?.length) acc.failed += s.errors.length;
      }
      const out = process.env.FLAGLINE_SUMMARY;
      if (out) writeFileSync(out, JSON.stringify(acc));
      console.log(`browser: ${acc.passed} passed, ${acc.failed} failed`);
    },
  };
}
