import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import type { FlagClient } from '@flagline/core';
import '@flagline/elements/define-flag-metrics.js';
import './support/locales.js';
import { shiftWorld } from './support/history.js';
import { storyWorld } from './support/world.js';

interface Args {
  theme: '' | 'light' | 'dark';
  minutes: number;
}
type Story = StoryObj<Args>;

const render = (client: FlagClient, args: Args) =>
  html`<flag-metrics style="max-inline-size: 48rem" .client=${client} minutes=${args.minutes} theme=${args.theme || nothing}></flag-metrics>`;

const meta: Meta<Args> = {
  title: 'Elements/flag-metrics',
  component: 'flag-metrics',
  args: { theme: '', minutes: 180 },
  argTypes: { theme: { control: 'inline-radio', options: ['', 'light', 'dark'] }, minutes: { control: 'number' } },
  loaders: [async () => ({ client: (await shiftWorld()).supervisor })],
  render: (args, { loaded }) => render(loaded.client as FlagClient, args),
};
export default meta;

/** A shift's figures: counts, percentiles, open flags over time, flags by reason. */
export const WithData: Story = {};

export const Empty: Story = { loaders: [() => ({ client: storyWorld().supervisor })] };

export const Dark: Story = { args: { theme: 'dark' } };

/** Arabic, right to left, in a phone-sized column. */
export const RightToLeftNarrow: Story = {
  render: (args, { loaded }) => html`<div dir="rtl" lang="ar" style="inline-size: 390px">${render(loaded.client as FlagClient, args)}</div>`,
};
