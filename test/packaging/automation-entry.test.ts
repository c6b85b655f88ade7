/**
 * The automation code (rules engine, scorers, lexicon, conversation store) is its own entry point,
 * `@flagline/core/automation`: a host that does not import it never bundles it. Bundled the way
 * the size benchmark bundles (a host's production build), the files that put bytes in the output
 * are read from esbuild's metafile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { build } from 'esbuild';
// @ts-expect-error a plain .mjs module without types
import { browserBuild } from '../../bench/lib/esbuild.mjs';

const root = resolve(import.meta.dirname, '../..');

async function inputsOf(contents: string): Promise<string[]> {
  const result = await build({ ...browserBuild, metafile: true, stdin: { contents, resolveDir: root, loader: 'ts' } });
  if (!result.metafile) throw new Error('esbuild returned no metafile');
  // Files that put bytes in the output (esbuild parses more than it keeps after tree shaking).
  return Object.values(result.metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([path]) => path));
}

test('the elements and the client bundle no automation code', async () => {
  const inputs = await inputsOf(`import '@flagline/elements/define.js'; export { createFlagClient, createWebSocketTransport } from '@flagline/core';`);
  assert.ok(inputs.some((p) => p.includes('packages/core/src/client/')), 'the bundle holds the client');
  assert.deepEqual(inputs.filter((p) => p.includes('/automation/')), []);
});

test('@flagline/core/automation bundles alone: no client, no elements, no Lit', async () => {
  const inputs = await inputsOf(`export * from '@flagline/core/automation';`);
  assert.ok(inputs.some((p) => p.includes('packages/core/src/automation/rule-engine.ts')));
  assert.deepEqual(inputs.filter((p) => /packages\/core\/src\/(client|transports)\/|packages\/elements\/|node_modules\/lit/.test(p)), []);
});

test('the context schema (part of the wire protocol) brings no automation file, from either entry', async () => {
  for (const entry of ['@flagline/core', '@flagline/core/automation']) {
    const inputs = await inputsOf(`export { FlagContextSchema } from '${entry}';`);
    assert.ok(inputs.some((p) => p.endsWith('packages/core/src/context.ts')), `${entry}: the bundle holds the schema`);
    assert.deepEqual(inputs.filter((p) => p.includes('/automation/')), [], entry);
  }
});
