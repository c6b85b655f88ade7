// The `flagline-relay` command as one file (dist/flagline-relay.js), which the bin runs from an
// installed package. Node 20 spends most of a relay's start resolving, opening and compiling
// ~300 module files (jose alone is ~60): 260 ms on a quiet machine, up to 0.8 s while a reconnect
// storm shares the box; one file loads in ~110 ms (bench/README.md, section 5). ioredis is not in
// it: src/redis-connection.ts requires it only when a Redis store is configured.
// The library entry points (dist/index.js …) stay tsc's per-file output for hosts that import them.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));

await build({
  entryPoints: [`${pkg}src/cli.ts`],
  outfile: `${pkg}dist/flagline-relay.js`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // A native addon, and ws's optional native helpers (loaded if installed): required at run time.
  external: ['better-sqlite3', 'bufferutil', 'utf-8-validate'],
  // Bundled CommonJS dependencies (ioredis) call require(): give the ES module one.
  banner: { js: "import { createRequire as flaglineRequire } from 'node:module';\nconst require = flaglineRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [dependencyCodeNotTheirMaps()],
});

/**
 * Map dependencies to their shipped JavaScript (carried in the map), not through their own source
 * maps: some name sources their package does not ship (standardwebhooks' `src/*.ts`).
 */
function dependencyCodeNotTheirMaps() {
  return {
    name: 'dependency-code-not-their-maps',
    setup(b) {
      b.onLoad({ filter: /[\\/]node_modules[\\/].*\.[cm]?js$/ }, async ({ path }) => ({
        contents: (await readFile(path, 'utf8')).replace(/^\/\/# sourceMappingURL=.*$/m, ''),
        loader: 'js',
      }));
    },
  };
}
