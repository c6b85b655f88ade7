// How every benchmark bundles browser code: what a host application's production build does
// (minified ESM, the workspace's TypeScript through the 'source' condition, production defines).
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export const browserBuild = {
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
};
