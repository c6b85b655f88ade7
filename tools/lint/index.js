// The lint plugins, resolved from this workspace so that typescript-eslint gets the
// TypeScript 5.x compiler API installed here (the repo's TypeScript 7 has none).
// The rules themselves live in the root eslint.config.js.
export { default as js } from '@eslint/js';
export { default as globals } from 'globals';
export { default as tseslint } from 'typescript-eslint';
export { default as lit } from 'eslint-plugin-lit';
export { default as litA11y } from 'eslint-plugin-lit-a11y';
