/**
 * `@flagline/core/basics`: what `<flag-button>` and the elements' shared base need before a
 * client exists. The agent page's first chunk reaches this module and nothing else of core
 * (packages/elements README, "Bundle layout"); `@flagline/core/view` re-exports it.
 */
export { FlagError, isFlagError } from './errors.js';
export { isOpen, noSupervisorAvailable } from './model.js';
