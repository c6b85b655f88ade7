// Browser tests in Debian's Chromium (no browser download), TypeScript via esbuild reading
// the one tsconfig.json, so decorators behave exactly as in tsc, Vite and Storybook.
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { summaryReporter } from './scripts/summary-reporter.mjs';
import { defaultReporter } from '@web/test-runner';
import { flakyModules } from './test/browser/flaky-modules.mjs';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default {
  files: ['packages/*/src/**/*.test.ts', 'test/browser/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'development', 'source'] },
  concurrency: 2,
  testFramework: { config: { timeout: 10000 } },
  middleware: [flakyModules],
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2022', define: { 'process.env.NODE_ENV': '"development"' } }),
  ],
  browsers: [
    chromeLauncher({
      // A browser context (window) per test page: with concurrency, pages sharing one window are
      // background tabs, which get no rendering steps (no ResizeObserver, no animation frames).
      createPage: async ({ browser }) => (await browser.createBrowserContext()).newPage(),
      launchOptions: {
        executablePath,
        args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      },
    }),
  ],
  reporters: [defaultReporter(), summaryReporter()],
  coverageConfig: {
    include: ['packages/*/src/**/*.ts'],
    exclude: ['**/*.test.ts', '**/node_modules/**'],
  },
};
