// Files generated from the Custom Elements Manifest are committed; they must match what the
// generators make from a freshly analyzed manifest (else: regenerate, see packages/react/README.md).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const run = (command: string, args: string[]) => spawnSync(command, args, { encoding: 'utf8' });

before(() => {
  const analyzed = run('npm', ['run', 'analyze', '-w', '@flagline/elements']);
  assert.equal(analyzed.status, 0, analyzed.stderr);
});

test('the React wrappers (packages/react/src/components.ts) are up to date', () => {
  const checked = run(process.execPath, ['packages/react/scripts/generate.mjs', '--check']);
  assert.equal(checked.status, 0, checked.stderr);
});

test('the JSX types (packages/elements/types/jsx/elements.d.ts) are up to date', () => {
  const checked = run(process.execPath, ['packages/elements/scripts/generate-jsx-types.mjs', '--check']);
  assert.equal(checked.status, 0, checked.stderr);
});
