import { LazyPart } from '../internal/lazy-part.js';

/**
 * The panel behind `<flag-button>` (the raise composer; the flag panel with its `<supervisor-chat>`)
 * is a chunk of its own: it loads when the agent first opens it, prefetched when that is likely
 * (pointer over or focus on the button, the shortcut's first key, an open flag, idle time once online).
 */
export const panelPart = new LazyPart('flag panel', () => import('./flag-panel.js'));
