// Bundle sizes: each entry bundled alone by esbuild (minified, ESM, browser, production),
// then gzip -9 and brotli -11. socket.io-client is built the same way in the same run.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { browserBuild } from './lib/esbuild.mjs';

const root = resolve(import.meta.dirname, '..');

/** name → module source (bundled from stdin so each entry brings only what it imports). */
export const ENTRIES = {
  'core: client + memory transport': `export { createFlagClient, MemoryHub } from '@flagline/core';`,
  'core: client + WebSocket transport': `export { createFlagClient, createWebSocketTransport } from '@flagline/core';`,
  'core: automation (rules, scorers, context)': `export * from '@flagline/core/automation';`,
  '<flagline-provider>': `import '@flagline/elements/define-flagline-provider.js';`,
  '<flag-button>': `import '@flagline/elements/define-flag-button.js';`,
  '<supervisor-chat>': `import '@flagline/elements/define-supervisor-chat.js';`,
  '<raised-flags-widget>': `import '@flagline/elements/define-raised-flags-widget.js';`,
  '<flag-history>': `import '@flagline/elements/define-flag-history.js';`,
  '<flag-metrics>': `import '@flagline/elements/define-flag-metrics.js';`,
  'lit alone (shared by the elements)': `export { LitElement, html, css } from 'lit';`,
  'whole SDK (3 elements + provider + client + WebSocket)': `import '@flagline/elements/define.js'; export { createFlagClient, createWebSocketTransport } from '@flagline/core';`,
  'socket.io-client alone': `export { io } from 'socket.io-client';`,
};

/** The package a bundled file belongs to: a workspace package or node_modules/<name>. */
function packageOf(path) {
  const workspace = /packages\/(core|elements|relay)\//.exec(path);
  if (workspace) return `@flagline/${workspace[1]}`;
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return dep ? dep[1] : '(entry)';
}

/** Lit itself (what every element shares); @lit/context is counted as its own package. */
const LIT_FAMILY = /^(lit|lit-html|lit-element|@lit\/reactive-element)$/;

export async function measure(name, contents) {
  const result = await build({ ...browserBuild, metafile: true, stdin: { contents, resolveDir: root, loader: 'ts' } });
  const code = result.outputFiles[0].contents;
  // Minified bytes each package contributes (before compression, which does not split by file).
  const byPackage = {};
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = packageOf(path);
      byPackage[pkg] = (byPackage[pkg] ?? 0) + bytesInOutput;
    }
  }
  const litBytes = Object.entries(byPackage).reduce((n, [pkg, bytes]) => n + (LIT_FAMILY.test(pkg) ? bytes : 0), 0);
  return {
    name,
    min: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    litShare: litBytes / code.length,
    byPackage,
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

const kb = (n) => (n / 1024).toFixed(1) + ' KB';
export function printSizes(rows, budgetKb = 20) {
  console.log('\nBundle size (minified ESM; gzip -9; brotli -11)');
  console.log('entry'.padEnd(58) + 'min'.padStart(10) + 'gzip'.padStart(10) + 'brotli'.padStart(10) + 'lit share'.padStart(11));
  for (const r of rows) {
    if (r.error) console.log(r.name.padEnd(58) + '  (not built: ' + r.error + ')');
    else console.log(r.name.padEnd(58) + kb(r.min).padStart(10) + kb(r.gzip).padStart(10) + kb(r.brotli).padStart(10) + `${Math.round(r.litShare * 100)}%`.padStart(11));
  }
  const sdk = rows.find((r) => r.name.startsWith('whole SDK'));
  const sio = rows.find((r) => r.name.startsWith('socket.io-client'));
  if (sdk?.gzip && sio?.gzip) {
    console.log(`whole SDK / socket.io-client (gzip): ${(sdk.gzip / sio.gzip).toFixed(2)}×; budget ${budgetKb} KB gzip: ${sdk.gzip <= budgetKb * 1024 ? 'within' : 'OVER'}`);
    const parts = Object.entries(sdk.byPackage).sort((a, b) => b[1] - a[1]);
    console.log('whole SDK by package (minified): ' + parts.map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`).join(', '));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!existsSync(resolve(root, 'node_modules/esbuild'))) throw new Error('Run npm install first.');
  printSizes(await sizes());
}
