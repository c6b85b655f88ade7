// `npm test`: everything, in order — types, lint, lit templates, browser tests (Chromium), Node tests (relay,
// scale-out, reliability, security, end-to-end), the Storybook build, the benchmark and soak smoke runs
// (each counted as one) — and one plain closing line `N passed, N failed` for CI.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSystemPackages } from './ensure-system.mjs';

ensureSystemPackages();
const dir = mkdtempSync(join(tmpdir(), 'flagline-test-'));
let passed = 0;
let failed = 0;
/** What failed, repeated just above the closing line: CI may keep only the output's tail. */
const failures = [];

function run(label, cmd, args, env = {}) {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('close', (code) => {
      if (code !== 0) failures.push(`${label}: exited ${code}${failureDetails(out)}`);
      resolve({ label, code: code ?? 1, out });
    });
  });
}

/** node's spec reporter ends with a "failing tests:" section: each failure and its message, without stack frames. */
function failureDetails(out) {
  const at = out.lastIndexOf('✖ failing tests:');
  if (at < 0) return '';
  const lines = out.slice(at).split('\n').slice(1).filter((l) => l.trim() && !/^\s+at /.test(l));
  return `\n${lines.slice(0, 60).join('\n')}${lines.length > 60 ? `\n… ${lines.length - 60} more lines in the full output` : ''}`;
}

const steps = [
  async () => {
    const r = await run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
    if (r.code === 0) passed++;
    else failed++;
  },
  // Lint (eslint + lit + lit-a11y) and lit-analyzer's template type check: each counted as one.
  async () => {
    const r = await run('lint', 'npm', ['run', 'lint', '--silent']);
    if (r.code === 0) passed++;
    else failed++;
  },
  async () => {
    const r = await run('lint:templates', 'npm', ['run', 'lint:templates', '--silent']);
    if (r.code === 0) passed++;
    else failed++;
  },
  async () => {
    const summary = join(dir, 'browser.json');
    const r = await run('browser', 'npx', ['web-test-runner', '--coverage'], { FLAGLINE_SUMMARY: summary });
    if (existsSync(summary)) {
      const s = JSON.parse(readFileSync(summary, 'utf8'));
      passed += s.passed;
      failed += s.failed;
    }
    if (r.code !== 0 && !(existsSync(summary) && JSON.parse(readFileSync(summary, 'utf8')).failed)) failed++;
  },
  async () => {
    const r = await run('node', process.execPath, ['scripts/node-tests.mjs']);
    const p = /^ℹ pass (\d+)$/m.exec(r.out);
    const f = /^ℹ fail (\d+)$/m.exec(r.out);
    passed += p ? Number(p[1]) : 0;
    failed += f ? Number(f[1]) : 0;
    if (r.code !== 0 && !(f && Number(f[1]) > 0)) failed++;
  },
  // Storybook must keep building offline, and every benchmark must keep running (tiny sizes).
  async () => {
    const r = await run('storybook', 'npm', ['run', 'build-storybook', '--silent']);
    if (r.code === 0) passed++;
    else failed++;
  },
  async () => {
    const r = await run('bench', 'npm', ['run', 'bench:smoke', '--silent']);
    if (r.code === 0) passed++;
    else failed++;
  },
  // The soak at a tiny scale (seconds): fails only if it produced no figures.
  async () => {
    const r = await run('soak', 'npm', ['run', 'soak', '--silent', '--', '--smoke']);
    if (r.code === 0) passed++;
    else failed++;
  },
];
for (const step of steps) await step();
if (failures.length) console.log(`\nWhat failed (the full output is above):\n${failures.join('\n')}\n`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
