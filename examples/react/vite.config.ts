// The workspace packages resolve to their TypeScript sources (the `source` export condition),
// so the example builds without building them first.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  resolve: { conditions: ['source', 'module', 'browser', 'production'] },
  build: { target: 'es2022' },
});
