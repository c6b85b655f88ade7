// Runs the Node-side tests (relay, cross-package) with node's test runner and tsx.
// Prints node's own summary; exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages/core/test', 'packages/elements/test', 'packages/relay/test', 'test/node', 'test/docs', 'test/e2e', 'test/examples', 'test/reliability', 'test/security', 'test/packaging'];
function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const files = roots.flatMap((r) => walk(r)).sort();
if (files.length === 0) {
  console.log('node: no test files');
  process.exit(0);
}
const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=120000', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
});
process.exit(r.status ?? 1);
