import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { FlagError, type FlagClient } from '@flagline/core';
import '@flagline/elements/define-flag-history.js';
import './support/locales.js';
import { shiftWorld } from './support/history.js';
import { sam, storyWorld } from './support/world.js';

interface Args {
  theme: '' | 'light' | 'dark';
}
type Story = StoryObj<Args>;

const render = (client: FlagClient, args: Args) => html`<flag-history style="max-inline-size: 48rem" .client=${client} theme=${args.theme || nothing}></flag-history>`;

const meta: Meta<Args> = {
  title: 'Elements/flag-history',
  component: 'flag-history',
  args: { theme: '' },
  argTypes: { theme: { control: 'inline-radio', options: ['', 'light', 'dark'] } },
  loaders: [async () => ({ client: (await shiftWorld()).supervisor })],
  render: (args, { loaded }) => render(loaded.client as FlagClient, args),
};
export default meta;

/** A supervisor's last two hours: who raised, who helped, how fast, why. */
export const WithData: Story = {};

export const Empty: Story = { loaders: [() => ({ client: storyWorld().supervisor })] };

/** The first page has not arrived yet. */
export const Loading: Story = {
  loaders: [
    () => {
      const client = storyWorld().client(sam);
      client.history = () => new Promise(() => {});
      return { client };
    },
  ],
};

/** The source of truth could not answer: the reason, and Try again. */
export const ErrorShown: Story = {
  loaders: [
    () => {
      const client = storyWorld().client(sam);
      client.history = () => Promise.reject(new FlagError('unavailable', 'The history is not available right now.'));
      return { client };
    },
  ],
};

/** A row opened to its private chat (messages are text: the markup typed shows as typed). */
export const ExpandedRow: Story = {
  play: async ({ canvasElement }) => {
    const el = canvasElement.querySelector('flag-history')!;
    for (let i = 0; i < 100 && !el.shadowRoot?.querySelector('.toggle-chat'); i++) await new Promise((r) => setTimeout(r, 20));
    el.shadowRoot!.querySelector<HTMLButtonElement>('.toggle-chat')!.click();
    await el.updateComplete;
  },
};

export const Dark: Story = { args: { theme: 'dark' } };

/** Arabic, right to left. */
export const RightToLeft: Story = {
  render: (args, { loaded }) => html`<div dir="rtl" lang="ar">${render(loaded.client as FlagClient, args)}</div>`,
};

/** A phone-sized column: filters and figures wrap, nothing overflows. */
export const Narrow390: Story = {
  render: (args, { loaded }) => html`<div style="inline-size: 390px">${render(loaded.client as FlagClient, args)}</div>`,
};
