// Svelte 5 types for the Flagline tags: add "@flagline/elements/jsx-svelte" to your
// tsconfig's compilerOptions.types. Svelte 5 adds a listener for `onflag-raised`.
import type { HTMLAttributes } from 'svelte/elements';
import type { FlaglineListeners, FlaglineProps, FlaglineTag } from './elements.js';

type FlaglineSvelteElements = {
  [Tag in FlaglineTag]: HTMLAttributes<HTMLElementTagNameMap[Tag]> & FlaglineProps<Tag> & FlaglineListeners<Tag>;
};

declare module 'svelte/elements' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging needs an interface
  interface SvelteHTMLElements extends FlaglineSvelteElements {}
}
