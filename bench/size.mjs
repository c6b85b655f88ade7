// Bundle sizes: each entry bundled alone by esbuild (minified, ESM, browser, production),
// then gzip -9 and brotli -11. socket.io-client is built the same way in the same run.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');

/** name → module source (bundled from stdin so each entry brings only what it imports). */
export const ENTRIES = {
  'core: client + memory transport': `export { createFlagClient, MemoryHub } from '@flagline/core';`,
  'core: client + WebSocket transport': `export { createFlagClient, createWebSocketTransport } from '@flagline/core';`,
  '<flagline-provider>': `import '@flagline/elements/define-flagline-provider.js';`,
  '<flag-button>': `import '@flagline/elements/define-flag-button.js';`,
  '<supervisor-chat>': `import '@flagline/elements/define-supervisor-chat.js';`,
  '<raised-flags-widget>': `import '@flagline/elements/define-raised-flags-widget.js';`,
  'lit alone (shared by the elements)': `export { LitElement, html, css } from 'lit';`,
  'whole SDK (3 elements + provider + client + WebSocket)': `import '@flagline/elements/define.js'; export { createFlagClient, createWebSocketTransport } from '@flagline/core';`,
  'socket.io-client alone': `export { io } from 'socket.io-client';`,
};

export async function measure(name, contents) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    tsconfig: resolve(root, 'tsconfig.json'),
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return {
    name,
    min: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
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
  console.log('entry'.padEnd(58) + 'min'.padStart(10) + 'gzip'.padStart(10) + 'brotli'.padStart(10));
  for (const r of rows) {
    if (r.error) console.log(r.name.padEnd(58) + '  (not built: ' + r.error + ')');
    else console.log(r.name.padEnd(58) + kb(r.min).padStart(10) + kb(r.gzip).padStart(10) + kb(r.brotli).padStart(10));
  }
  const sdk = rows.find((r) => r.name.startsWith('whole SDK'));
  const sio = rows.find((r) => r.name.startsWith('socket.io-client'));
  if (sdk?.gzip && sio?.gzip) {
    console.log(`whole SDK / socket.io-client (gzip): ${(sdk.gzip / sio.gzip).toFixed(2)}×; budget ${budgetKb} KB gzip: ${sdk.gzip <= budgetKb * 1024 ? 'within' : 'OVER'}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!existsSync(resolve(root, 'node_modules/esbuild'))) throw new Error('Run npm install first.');
  printSizes(await sizes());
}
