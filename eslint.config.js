// `npm run lint`: the recommended rules of eslint, typescript-eslint, lit and lit-a11y.
// The plugins come from tools/lint, which carries the TypeScript 5.x compiler API that
// typescript-eslint needs (the repo's TypeScript 7 has none); see docs/lint.md.
// Not type-aware: measured on 2 cores, type-aware linting took 31 s of CPU against 7 s, and tsc
// strict already checks the types.
import { defineConfig } from 'eslint/config';
import { globals, js, lit, litA11y, tseslint } from '@flagline/lint-tools';

export default defineConfig(
  {
    ignores: ['**/dist/', '**/node_modules/', 'storybook-static/', 'coverage/', 'test-artifacts/', '**/custom-elements.json'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  lit.configs['flat/recommended'],
  litA11y.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      // The same exemptions tsc's noUnusedParameters/noUnusedLocals make: `_`-prefixed parameters
      // (a base class's hook documents what overrides receive) and keys dropped by a rest copy.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // A value import of core's index would put the client in every page's first chunk
    // (packages/core/src/view.ts; packages/elements README, "Bundle layout").
    files: ['packages/elements/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: '@flagline/core', allowTypeImports: true, message: 'Import values from @flagline/core/view (or /basics); only types from @flagline/core.' }] },
      ],
    },
  },
);
