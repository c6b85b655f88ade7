// Type test of the Svelte 5 types (tsconfig.svelte.json): the props Svelte checks a
// `<flag-button …>` against are `SvelteHTMLElements['flag-button']`. Run by
// test/examples/jsx-types.test.ts: correct props typecheck, each @ts-expect-error must fail.
import type { SvelteHTMLElements } from 'svelte/elements';

export const correct: SvelteHTMLElements['flag-button'] = {
  'interaction-id': 'call-42',
  channel: 'voice',
  'customer-label': 'Jordan Price',
  'onflag-raised': (e) => e.flag.message,
};
export const widget: SvelteHTMLElements['raised-flags-widget'] = { team: 'billing', sound: true, 'onflag-join': (e) => e.preventDefault() };

// @ts-expect-error "fax" is not a Channel
export const wrongChannel: SvelteHTMLElements['flag-button'] = { channel: 'fax' };
// @ts-expect-error flag-raised carries a FlagStateEvent, which has no `entry`
export const wrongEventField: SvelteHTMLElements['flag-button'] = { 'onflag-raised': (e) => e.entry };
