// Builds the self-contained CDN bundle: one minified ES module with lit, @flagline/core and every
// element registered, plus its source map. esbuild: a single entry needs one call and no config,
// and it is the transform the browser tests already use for these sources.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const pkg = resolve(import.meta.dirname, '..');
const outfile = resolve(pkg, 'dist/cdn/flagline.min.js');

await build({
  entryPoints: [resolve(pkg, 'cdn/flagline.ts')],
  outfile,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  conditions: ['source'],
  tsconfig: resolve(pkg, '../../tsconfig.json'),
  // nanostores reads process.env.NODE_ENV unguarded.
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});

const code = readFileSync(outfile);
console.log(`dist/cdn/flagline.min.js: ${(code.length / 1024).toFixed(1)} kB, ${(gzipSync(code).length / 1024).toFixed(1)} kB gzip`);
