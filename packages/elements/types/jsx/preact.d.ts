// Preact JSX types for the Flagline tags: add "@flagline/elements/jsx-preact" to your
// tsconfig's compilerOptions.types. Preact sets known properties as properties and adds a
// listener for `onflag-raised`.
import type { HTMLAttributes } from 'preact';
import type { FlaglineListeners, FlaglineProps, FlaglineTag } from './elements.js';

type FlaglinePreactElements = {
  [Tag in FlaglineTag]: HTMLAttributes<HTMLElementTagNameMap[Tag]> & FlaglineProps<Tag> & FlaglineListeners<Tag>;
};

declare global {
  namespace preact.JSX {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging needs an interface
    interface IntrinsicElements extends FlaglinePreactElements {}
  }
}
