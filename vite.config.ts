// Vite builds the demo (demo/ → demo/dist). Workspace packages resolve to their TypeScript
// source through the `source` export condition (docs/source-condition.md).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const demo = resolve(import.meta.dirname, 'demo');

export default defineConfig({
  root: demo,
  resolve: { conditions: ['source', 'module', 'browser', 'production'] },
  define: { 'process.env.NODE_ENV': JSON.stringify(process.env.NODE_ENV ?? 'production') },
  build: {
    outDir: resolve(demo, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        index: resolve(demo, 'index.html'),
        agent: resolve(demo, 'agent.html'),
        wallboard: resolve(demo, 'wallboard.html'),
        both: resolve(demo, 'both.html'),
        // The wallboard's notification clicks: served from the site root (its scope is the whole demo).
        'flagline-sw': resolve(import.meta.dirname, 'packages/elements/src/service-worker/flagline-sw.ts'),
      },
      output: { entryFileNames: (chunk) => (chunk.name === 'flagline-sw' ? '[name].js' : 'assets/[name]-[hash].js') },
    },
  },
  esbuild: { target: 'es2022' },
});
