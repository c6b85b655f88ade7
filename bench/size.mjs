// Bundle sizes: each entry bundled alone by esbuild the way a host's production build does it
// (minified ESM, browser, production defines, code splitting at every dynamic import()), then
// gzip -9 and brotli -11 per chunk. What a page loads first is its entry chunk and every chunk
// that chunk imports statically; the rest loads when used. socket.io-client is built the same way.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { browserBuild } from './lib/esbuild.mjs';

const root = resolve(import.meta.dirname, '..');

const CLIENT = `export { createFlagClient, createWebSocketTransport } from '@flagline/core';`;
/** The host's own module that creates the client, loaded with `import()` (packages/elements README, "Bundle layout"). */
const LAZY_CLIENT = `export const connect = () => import('flagline-size-client');`;
const AGENT_ELEMENTS = `import '@flagline/elements/define-flagline-provider.js'; import '@flagline/elements/define-flag-button.js';`;
const SUPERVISOR_ELEMENTS = `import '@flagline/elements/define-flagline-provider.js'; import '@flagline/elements/define-raised-flags-widget.js'; import '@flagline/elements/define-supervisor-chat.js';`;

/** name → module source (each entry brings only what it imports). */
export const ENTRIES = {
  'core: client + memory transport': `export { createFlagClient, MemoryHub } from '@flagline/core';`,
  'core: client + WebSocket transport': CLIENT,
  'core: automation (rules, scorers, context)': `export * from '@flagline/core/automation';`,
  '<flagline-provider>': `import '@flagline/elements/define-flagline-provider.js';`,
  '<flag-button>': `import '@flagline/elements/define-flag-button.js';`,
  '<supervisor-chat>': `import '@flagline/elements/define-supervisor-chat.js';`,
  '<raised-flags-widget>': `import '@flagline/elements/define-raised-flags-widget.js';`,
  '<flag-history>': `import '@flagline/elements/define-flag-history.js';`,
  '<flag-metrics>': `import '@flagline/elements/define-flag-metrics.js';`,
  'lit alone (shared by the elements)': `export { LitElement, html, css } from 'lit';`,
  'agent page (provider + flag-button; client + WebSocket by import())': `${AGENT_ELEMENTS} ${LAZY_CLIENT}`,
  'agent page, client imported statically': `${AGENT_ELEMENTS} ${CLIENT}`,
  'supervisor page (provider + widget + chat; client + WebSocket by import())': `${SUPERVISOR_ELEMENTS} ${LAZY_CLIENT}`,
  'supervisor page, client imported statically': `${SUPERVISOR_ELEMENTS} ${CLIENT}`,
  'whole SDK (3 elements + provider + client + WebSocket)': `import '@flagline/elements/define.js'; ${CLIENT}`,
  'socket.io-client alone': `export { io } from 'socket.io-client';`,
};

/**
 * Sizes in KB gzip of what a page loads first (`initial`) or everything it may ever load
 * (`total`). `goal` is issue 18's budget, printed as met or missed; `ceiling` is what
 * `npm run bench:smoke` enforces today: the size measured when the goals were last missed, so
 * the bundles can only shrink toward the goals, never grow (lower a ceiling when a size drops;
 * see bench/README.md, section 1).
 */
export const BUDGETS = [
  // 2026-12-03: the pages as packages/elements README "Bundle layout" recommends, the client loaded with import().
  { entry: 'agent page (provider + flag-button; client + WebSocket by import())', measure: 'initial', goal: 16, ceiling: 16 },
  // 35 → 32 KB on 2026-12-03, late: <supervisor-chat>'s body (log, composer, quick replies) is a chunk of its own.
  { entry: 'supervisor page (provider + widget + chat; client + WebSocket by import())', measure: 'initial', goal: 22, ceiling: 32 },
  // The same pages with the client imported statically. Agent 30 → 31 KB on 2026-12-03: +56 B for
  // `client.present` and the event's `transcript`, which let the elements leave the client out.
  { entry: 'agent page, client imported statically', measure: 'initial', ceiling: 31 },
  // 46 → 47 KB the same evening (47,195 B): a security review's fix (transcript lines keep people's
  // text on one line, without bidi overrides) and the wallboard's live region emptying after 7 s.
  // 47 → 44 KB late the same day: the chat's body out of the first load, as above.
  { entry: 'supervisor page, client imported statically', measure: 'initial', ceiling: 44 },
  // 54 → 55 KB on 2026-12-03: the announcements a keyboard-only review found missing, +774 B;
  // 55 → 56 KB the same evening: the same code cut into other chunks once the elements stopped
  // importing core's index, +582 B of gzip lost at the new chunk edges (bench/README.md, section 1).
  // 56 → 58 KB late the same day: the chat's body as a chunk of its own cut the shared code into
  // more chunks, each compressed apart (+1,863 B, no code added), for −3.4 KB on the supervisor page.
  { entry: 'whole SDK (3 elements + provider + client + WebSocket)', measure: 'total', goal: 30, ceiling: 58 },
];

/** The package a bundled file belongs to: a workspace package or node_modules/<name>. */
function packageOf(path) {
  const workspace = /packages\/(core|elements|relay)\//.exec(path);
  if (workspace) return `@flagline/${workspace[1]}`;
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return dep ? dep[1] : '(entry)';
}

/** Lit itself (what every element shares); @lit/context is counted as its own package. */
const LIT_FAMILY = /^(lit|lit-html|lit-element|@lit\/reactive-element)$/;

/** The entry's source as a module esbuild resolves from the repository root; `flagline-size-client` is the host's client module. */
const virtualEntry = (contents) => ({
  name: 'entry',
  setup(b) {
    b.onResolve({ filter: /^flagline-size-entry$/ }, () => ({ path: 'entry', namespace: 'size-entry' }));
    b.onResolve({ filter: /^flagline-size-client$/ }, () => ({ path: 'client', namespace: 'size-entry' }));
    b.onLoad({ filter: /.*/, namespace: 'size-entry' }, ({ path }) => ({ contents: path === 'client' ? CLIENT : contents, resolveDir: root, loader: 'ts' }));
  },
});

const sum = (chunks, key) => chunks.reduce((n, c) => n + c[key], 0);

export async function measure(name, contents) {
  const result = await build({
    ...browserBuild,
    entryPoints: ['flagline-size-entry'],
    splitting: true,
    outdir: '/size-out',
    chunkNames: 'chunk-[hash]',
    metafile: true,
    plugins: [virtualEntry(contents)],
  });
  const chunks = result.outputFiles.filter((f) => f.path.endsWith('.js')).map((file) => {
    const meta = result.metafile.outputs[Object.keys(result.metafile.outputs).find((k) => file.path.endsWith(k.replace(/^.*\//, '/')))];
    const byPackage = {};
    for (const [path, { bytesInOutput }] of Object.entries(meta.inputs)) {
      const pkg = packageOf(path);
      byPackage[pkg] = (byPackage[pkg] ?? 0) + bytesInOutput;
    }
    return {
      file: file.path.replace(/^.*\//, ''),
      entry: meta.entryPoint === 'size-entry:entry',
      imports: meta.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path.replace(/^.*\//, '')),
      // What the chunk is made of, for the per-chunk lines: its largest source files.
      sources: Object.entries(meta.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).slice(0, 3).map(([p]) => p.replace(/^.*?(packages\/|node_modules\/)/, '')),
      min: file.contents.length,
      gzip: gzipSync(file.contents, { level: 9 }).length,
      brotli: brotliCompressSync(file.contents, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      byPackage,
    };
  });
  // Initial: the entry chunk and everything it reaches through static imports.
  const initialFiles = new Set();
  const visit = (file) => {
    if (initialFiles.has(file)) return;
    initialFiles.add(file);
    for (const next of chunks.find((c) => c.file === file)?.imports ?? []) visit(next);
  };
  visit(chunks.find((c) => c.entry).file);
  for (const c of chunks) c.initial = initialFiles.has(c.file);
  const initial = chunks.filter((c) => c.initial);
  const byPackage = {};
  for (const c of chunks) for (const [pkg, bytes] of Object.entries(c.byPackage)) byPackage[pkg] = (byPackage[pkg] ?? 0) + bytes;
  const litBytes = Object.entries(byPackage).reduce((n, [pkg, bytes]) => n + (LIT_FAMILY.test(pkg) ? bytes : 0), 0);
  const min = sum(chunks, 'min');
  return {
    name,
    min,
    gzip: sum(chunks, 'gzip'),
    brotli: sum(chunks, 'brotli'),
    initialMin: sum(initial, 'min'),
    initialGzip: sum(initial, 'gzip'),
    litShare: litBytes / min,
    byPackage,
    chunks,
  };
}

export async function sizes() {
  const rows = [];
  for (const [name, contents] of Object.entries(ENTRIES)) {
    try {
      rows.push(await measure(name, contents));
    } catch (err) {
      rows.push({ name, error: err.errors?.[0]?.text ?? String(err) });
    }
  }
  return rows;
}

/** Each budget with its figure: `over` when above the enforced ceiling (or missing), `goalMet` when within the goal. */
export function checkBudgets(rows) {
  return BUDGETS.map((b) => {
    const row = rows.find((r) => r.name === b.entry);
    const bytes = b.measure === 'initial' ? row?.initialGzip : row?.gzip;
    return { ...b, bytes, over: !(bytes <= b.ceiling * 1024), goalMet: bytes <= b.goal * 1024 };
  });
}

const kb = (n) => (n / 1024).toFixed(1) + ' KB';
export function printSizes(rows) {
  console.log('\nBundle size (minified ESM, split at dynamic imports; gzip -9 and brotli -11 per chunk, summed)');
  console.log('entry'.padEnd(66) + 'min'.padStart(10) + 'gzip'.padStart(10) + 'initial gz'.padStart(12) + 'brotli'.padStart(10) + 'lit share'.padStart(11));
  for (const r of rows) {
    if (r.error) console.log(r.name.padEnd(66) + '  (not built: ' + r.error + ')');
    else console.log(r.name.padEnd(66) + kb(r.min).padStart(10) + kb(r.gzip).padStart(10) + kb(r.initialGzip).padStart(12) + kb(r.brotli).padStart(10) + `${Math.round(r.litShare * 100)}%`.padStart(11));
  }
  const sdk = rows.find((r) => r.name.startsWith('whole SDK'));
  const sio = rows.find((r) => r.name.startsWith('socket.io-client'));
  if (sdk?.gzip && sio?.gzip) console.log(`whole SDK / socket.io-client (gzip): ${(sdk.gzip / sio.gzip).toFixed(2)}×`);
  for (const { entry } of BUDGETS) {
    const row = rows.find((r) => r.name === entry);
    if (!row?.chunks) continue;
    console.log(`\n${entry}: chunks`);
    for (const c of [...row.chunks].sort((a, b) => Number(b.initial) - Number(a.initial) || b.gzip - a.gzip))
      console.log(`  ${(c.entry ? 'entry' : c.initial ? 'static' : 'lazy').padEnd(7)}${kb(c.min).padStart(9)}${kb(c.gzip).padStart(9)} gzip  ${c.sources.join(', ')}`);
    const parts = Object.entries(row.byPackage).sort((a, b) => b[1] - a[1]);
    console.log('  by package (minified): ' + parts.map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`).join(', '));
  }
  console.log('\nBudgets (gzip)');
  for (const b of checkBudgets(rows))
    console.log(`  ${b.entry}, ${b.measure}: ${b.bytes === undefined ? 'not measured' : kb(b.bytes)} — ${b.goal === undefined ? 'no goal' : `goal ${b.goal} KB ${b.goalMet ? 'met' : 'missed'}`}; ceiling ${b.ceiling} KB ${b.over ? 'OVER' : 'within'}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!existsSync(resolve(root, 'node_modules/esbuild'))) throw new Error('Run npm install first.');
  const rows = await sizes();
  printSizes(rows);
  if (checkBudgets(rows).some((b) => b.over)) process.exitCode = 1;
}
