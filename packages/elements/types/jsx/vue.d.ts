// Vue 3 types for the Flagline tags, in templates (vue-tsc) and TSX: add
// "@flagline/elements/jsx-vue" to your tsconfig's compilerOptions.types. Vue turns
// `@flag-raised` (templates) and `onFlagRaised` (TSX) into a `flag-raised` listener.
import type { HTMLAttributes } from 'vue';
import type { FlaglineEvents, FlaglineProps, FlaglineTag } from './elements.js';

type Pascal<S extends string> = S extends `${infer Head}-${infer Rest}` ? `${Capitalize<Head>}${Pascal<Rest>}` : Capitalize<S>;
type VueListeners<Tag extends FlaglineTag> = {
  [E in keyof FlaglineEvents[Tag] & string as `on${Pascal<E>}`]?: (event: FlaglineEvents[Tag][E]) => void;
};
type FlaglineVueElements = {
  [Tag in FlaglineTag]: HTMLAttributes & FlaglineProps<Tag> & VueListeners<Tag>;
};

declare module 'vue' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging needs an interface
  interface IntrinsicElementAttributes extends FlaglineVueElements {}
}
