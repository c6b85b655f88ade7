import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { badgeIcon, type RaisedFlagsWidget } from '@flagline/elements';
import './support/locales.js';
import { agentNumber, ESCALATE_AFTER_MS, LONG_TEXT, nia, OFFER_ROUTING, presenceKnown, raiseMany, simulateAgents, storyWorld, type StoryWorld } from './support/world.js';

interface Args {
  team: string;
  channel: RaisedFlagsWidget['channel'];
  sound: boolean;
  notifications: boolean;
  theme: '' | 'light' | 'dark';
}
type Story = StoryObj<Args>;

/** The demo wallboard's favicon (a flag), to show the badge over. */
const FLAG_ICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path fill="#3454d1" d="M3 1h1.5v14H3zM5.5 2h8l-2 3.5 2 3.5h-8z"/></svg>')}`;

function render(w: StoryWorld, args: Args) {
  return html`<raised-flags-widget
    .client=${w.supervisor}
    team=${args.team}
    channel=${args.channel}
    ?sound=${args.sound}
    ?notifications=${args.notifications}
    theme=${args.theme || nothing}
  ></raised-flags-widget>`;
}

/** A morning on the billing team: raised, urgent, escalated, acknowledged and join-requested flags. */
async function wallboard(): Promise<{ w: StoryWorld }> {
  const w = storyWorld({}, 20);
  const a = (i: number) => w.client(agentNumber(i));
  const first = await a(1).raise({ interactionId: 'c-1', channel: 'voice', customerLabel: '+44 20 •••• 1234', message: 'Refund above my limit, need approval', reason: 'refund' });
  await w.advance(ESCALATE_AFTER_MS + 1);
  await a(2).raise({ interactionId: 'c-2', channel: 'enhanced-chat', customerLabel: 'Jon Doe', message: 'Customer threatens legal action', severity: 'urgent' });
  const third = await a(3).raise({ interactionId: 'c-3', channel: 'enhanced-messaging', customerLabel: 'Mia Wong', message: 'Possible fraud on the account' });
  await w.supervisor.acknowledge(third.flagId!);
  const fourth = await a(4).raise({ interactionId: 'c-4', channel: 'voice', customerLabel: 'Ola Berg', message: 'Caller asks for a manager' });
  await a(4).requestJoin(fourth.flagId!);
  await a(1).sendMessage(first.flagId!, 'Still waiting, the caller is getting impatient');
  return { w };
}

const meta: Meta<Args> = {
  title: 'Elements/raised-flags-widget',
  component: 'raised-flags-widget',
  args: { team: '', channel: '', sound: false, notifications: false, theme: '' },
  argTypes: {
    channel: { control: 'select', options: ['', 'voice', 'enhanced-messaging', 'enhanced-chat', 'legacy-chat'] },
    team: { control: 'select', options: ['', 'billing', 'tech'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  loaders: [wallboard],
  render: (args, { loaded }) => render(loaded.w as StoryWorld, args),
};
export default meta;

export const Empty: Story = { loaders: [async () => ({ w: storyWorld() })] };

export const SeveralFlags: Story = {};

/** Simulated agents raise a flag every 5 s: highlight, polite announcement, optional chime and notification. */
export const Live: Story = {
  args: { sound: true, notifications: true },
  loaders: [
    async () => {
      const w = storyWorld();
      simulateAgents(w, 5000, 12);
      return { w };
    },
  ],
};

export const FilteredByTeam: Story = { args: { team: 'billing' } };

export const Offline: Story = {
  loaders: [
    async () => {
      const loaded = await wallboard();
      loaded.w.hub.goOffline();
      return loaded;
    },
  ],
};

export const VeryLongText: Story = {
  loaders: [
    async () => {
      const w = storyWorld();
      const who = { ...agentNumber(1), name: 'Maximiliana Alexandrovna Konstantinopolskaya-Vandenberghe' };
      await w.client(who).raise({ interactionId: 'long', channel: 'enhanced-messaging', customerLabel: 'Customer with a very long company name GmbH & Co. KG', message: LONG_TEXT, reason: 'a reason that is also quite long, as reasons go' });
      return { w };
    },
  ],
};

/** 1,000 open flags, virtualized (aria-setsize stays 1000). */
export const OneThousandFlags: Story = {
  loaders: [
    async () => {
      const w = storyWorld({}, 45);
      await raiseMany(w, 1000);
      return { w };
    },
  ],
};

/** Arabic, right to left (`lang="ar" dir="rtl"` on an ancestor): the wallboard mirrored. */
export const Arabic: Story = {
  render: (args, { loaded }) => html`<div dir="rtl" lang="ar">${render(loaded.w as StoryWorld, args)}</div>`,
};

/** Spanish (`lang="es"`). */
export const Spanish: Story = {
  render: (args, { loaded }) => html`<div lang="es">${render(loaded.w as StoryWorld, args)}</div>`,
};

/** French (`lang="fr"`). */
export const French: Story = {
  render: (args, { loaded }) => html`<div lang="fr">${render(loaded.w as StoryWorld, args)}</div>`,
};

/** Offer routing: billing's new flag is offered to Sam alone, with a countdown (announced once). */
export const OfferedToYou: Story = {
  loaders: [
    async () => {
      const w = storyWorld(OFFER_ROUTING);
      await presenceKnown(w.supervisor);
      await w.client(agentNumber(1)).raise({ interactionId: 'c-1', channel: 'voice', customerLabel: 'Jon Doe', message: 'Refund above my limit, need approval' });
      return { w };
    },
  ],
};

/** Offer routing: Sam is busy, so the flag is offered to Nia; Sam sees who has it, and cannot take it yet. */
export const OfferedToSomeoneElse: Story = {
  loaders: [
    async () => {
      const w = storyWorld(OFFER_ROUTING);
      await presenceKnown(w.client(nia));
      await presenceKnown(w.supervisor);
      await w.supervisor.setStatus('busy');
      await w.client(agentNumber(1)).raise({ interactionId: 'c-1', channel: 'voice', customerLabel: 'Jon Doe', message: 'Refund above my limit, need approval' });
      return { w };
    },
  ],
};

/** The supervisor's own status in the header, set to Away: offer routing skips them. */
export const StatusAway: Story = {
  loaders: [
    async () => {
      const loaded = await wallboard();
      await presenceKnown(loaded.w.supervisor);
      await loaded.w.supervisor.setStatus('away');
      return loaded;
    },
  ],
};

export const Dark: Story = {
  args: { theme: 'dark' },
  render: (args, { loaded }) => html`<div style="background:#121418;padding:24px">${render(loaded.w as StoryWorld, args)}</div>`,
};

const widgetIn = (canvas: HTMLElement) => canvas.querySelector('raised-flags-widget')!;

/** Alert settings open: sound, desktop notifications (asked on the supervisor's click), how often an unanswered flag alerts again. */
export const AlertSettingsOpen: Story = {
  args: { sound: true, notifications: true },
  play: async ({ canvasElement }) => {
    const el = widgetIn(canvasElement);
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('.alert-settings-toggle')!.click();
  },
};

/** "Missed (3)": flags lowered, or escalated past this supervisor, while nobody answered; Clear all. */
export const MissedFlags: Story = {
  loaders: [async () => ({ w: storyWorld() })],
  play: async ({ canvasElement, loaded }) => {
    const w = loaded.w as StoryWorld;
    const el = widgetIn(canvasElement);
    await el.updateComplete;
    for (const [i, message] of ['Customer hung up, never mind', 'Sorted it out myself'].entries()) {
      const agent = w.client(agentNumber(i + 1));
      const { flagId } = await agent.raise({ interactionId: `m-${i}`, channel: 'voice', message });
      await agent.lower(flagId!);
    }
    await w.client(agentNumber(3)).raise({ interactionId: 'm-3', channel: 'enhanced-chat', message: 'Refund approval needed' });
    await w.advance(ESCALATE_AFTER_MS + 1);
    // The supervisor's client has the escalation (and, before it, the lowers): the widget lists all three.
    await new Promise<void>((resolve) => {
      const stop = w.supervisor.$openFlags.subscribe((flags) => flags.some((f) => f.escalation > 0) && (queueMicrotask(() => stop()), resolve()));
    });
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('.missed-toggle')!.click();
  },
};

/**
 * `badge-title`: while the wallboard's tab is in the background its title reads "(2) …" and its
 * favicon carries the count (here the badge drawn over this page's icon, as the tab shows it).
 */
export const TitleBadge: Story = {
  render: (args, { loaded }) => html`
    <p><img src=${badgeIcon(2, FLAG_ICON)} width="32" height="32" alt="The tab's icon while 2 flags wait" /> (2) Supervisor wallboard</p>
    <raised-flags-widget .client=${(loaded.w as StoryWorld).supervisor} badge-title ?sound=${args.sound} ?notifications=${args.notifications}></raised-flags-widget>
  `,
};

/** Missed flags and Alert settings in Arabic, right to left. */
export const AlertsArabic: Story = {
  ...MissedFlags,
  args: { sound: true, notifications: true },
  render: (args, { loaded }) => html`<div dir="rtl" lang="ar">${render(loaded.w as StoryWorld, args)}</div>`,
  play: async (ctx) => {
    await MissedFlags.play!(ctx as Parameters<NonNullable<Story['play']>>[0]);
    widgetIn(ctx.canvasElement).shadowRoot!.querySelector<HTMLButtonElement>('.alert-settings-toggle')!.click();
  },
};
