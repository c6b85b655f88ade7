import type { StorybookConfig } from '@storybook/web-components-vite';
import { defaultClientConditions, mergeConfig } from 'vite';

const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.ts'],
  addons: ['@storybook/addon-docs'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  // Offline machine: no telemetry, no update checks.
  core: { disableTelemetry: true, enableCrashReports: false },
  async viteFinal(vite) {
    return mergeConfig(vite, {
      // Workspace packages resolve to their TypeScript source (docs/source-condition.md).
      resolve: { conditions: ['source', ...defaultClientConditions] },
      // nanostores reads process.env.NODE_ENV unguarded.
      define: { 'process.env.NODE_ENV': JSON.stringify(process.env.NODE_ENV ?? 'production') },
    });
  },
};

export default config;
