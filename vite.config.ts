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
      },
    },
  },
  esbuild: { target: 'es2022' },
});
