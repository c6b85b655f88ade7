// React 19 JSX types for the Flagline tags: add "@flagline/elements/jsx-react" to your
// tsconfig's compilerOptions.types. React 19 sets a custom element's known properties as
// properties (client, strings…), other props as attributes, and `onflag-raised` as a listener.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { FlaglineListeners, FlaglineProps, FlaglineTag } from './elements.js';

type FlaglineReactElements = {
  [Tag in FlaglineTag]: DetailedHTMLProps<HTMLAttributes<HTMLElementTagNameMap[Tag]>, HTMLElementTagNameMap[Tag]> &
    FlaglineProps<Tag> &
    FlaglineListeners<Tag>;
};

declare module 'react' {
  namespace JSX {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging needs an interface
    interface IntrinsicElements extends FlaglineReactElements {}
  }
}
