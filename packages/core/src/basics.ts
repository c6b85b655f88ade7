/**
 * `@flagline/core/basics`: the few functions an element needs before any client exists. The
 * elements' first-paint code imports these from here, not from the index: bundlers that split
 * code by file (esbuild) would otherwise count every module the index re-exports, the client
 * included, as reached by the page's first chunk, even when the host loads the client with
 * `import()` (packages/elements README, "Bundle layout").
 */
export { FlagError, isFlagError } from './errors.js';
export { isOpen, noSupervisorAvailable } from './model.js';
