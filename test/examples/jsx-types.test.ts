// The JSX/template types of @flagline/elements (types/jsx/*.d.ts) typecheck real markup in each
// framework: packages/elements/types/test/ holds correct usage and `@ts-expect-error` lines
// (channel="fax", wrong event fields…) that make tsc fail if the types stop catching them.
// The React example is typechecked too (its props and callbacks come from @flagline/react).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const projects: Record<string, string> = {
  'react JSX types': 'packages/elements/types/test/tsconfig.react.json',
  'preact JSX types': 'packages/elements/types/test/tsconfig.preact.json',
  'vue JSX types': 'packages/elements/types/test/tsconfig.vue.json',
  'svelte element types': 'packages/elements/types/test/tsconfig.svelte.json',
  'react example with @flagline/react': 'examples/react/tsconfig.json',
};

for (const [name, project] of Object.entries(projects)) {
  test(`${name}: tsc -p ${project} is clean`, () => {
    const r = spawnSync('npx', ['tsc', '-p', project], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
}
