/**
 * @flagline/react: React wrappers of the Flagline elements (generated from the Custom Elements
 * Manifest) and hooks for host code. Importing it registers the four elements.
 */
export * from './components.js';
export { FlagClientProvider, useFlagClient, useStore, type FlagClientProviderProps, type ReadableStore } from './client.js';
