// The workspace packages resolve to their TypeScript sources (the `source` export condition),
// so the example builds without building them first.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// Vue must leave these tags to the browser instead of resolving them as Vue components.
const flaglineTags = new Set(['flagline-provider', 'flag-button', 'supervisor-chat', 'raised-flags-widget']);

export default defineConfig({
  root: import.meta.dirname,
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => flaglineTags.has(tag) } } })],
  resolve: { conditions: ['source', 'module', 'browser', 'production'] },
  define: { 'process.env.NODE_ENV': JSON.stringify(process.env.NODE_ENV ?? 'production') },
  build: { target: 'es2022' },
});
