// The JSX/template types of @flagline/elements (types/jsx/*.d.ts) typecheck real markup in each
// framework: packages/elements/types/test/ holds correct usage and `@ts-expect-error` lines
// (channel="fax", wrong event fields…) that make tsc fail if the types stop catching them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

for (const framework of ['react', 'preact', 'vue', 'svelte']) {
  test(`${framework}: the Flagline tags typecheck, wrong values are errors`, () => {
    const r = spawnSync('npx', ['tsc', '-p', `packages/elements/types/test/tsconfig.${framework}.json`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
}
