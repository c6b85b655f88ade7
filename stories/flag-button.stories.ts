import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import type { FlagClient } from '@flagline/core';
import type { FlagButton } from '@flagline/elements';
import './support/locales.js';
import { ann, autoReply, ESCALATE_AFTER_MS, LONG_TEXT, presenceKnown, seedSettings, storyWorld, type StoryWorld } from './support/world.js';

interface Args {
  channel: FlagButton['channel'];
  'customer-label': string;
  shortcut: string;
  theme: '' | 'light' | 'dark';
}
type Story = StoryObj<Args>;

const INTERACTION = 'call-1';

function render(client: FlagClient, args: Args, strings: Partial<FlagButton['strings']> = {}) {
  return html`<flag-button
    .client=${client}
    .strings=${strings}
    interaction-id=${INTERACTION}
    channel=${args.channel}
    customer-label=${args['customer-label']}
    shortcut=${args.shortcut || nothing}
    theme=${args.theme || nothing}
  ></flag-button>`;
}

/** A world where Ann has raised a flag on the story's interaction; Sam answers her messages. */
async function raised(message = 'Caller disputes a charge', then?: (w: StoryWorld, flagId: string) => Promise<unknown>) {
  const w = storyWorld();
  const { flagId } = await w.agent.raise({ interactionId: INTERACTION, channel: 'voice', customerLabel: 'Carla Customer', message });
  autoReply(w.supervisor, flagId!, ['Looking at it now.', 'Give me a minute, checking the account.', 'OK, I can approve that.']);
  await then?.(w, flagId!);
  return { w };
}

/** Clicks the button; done once the composer or the panel shows (their code loads on the first opening). */
const openTrigger = async ({ canvasElement }: { canvasElement: HTMLElement }) => {
  const el = canvasElement.querySelector('flag-button')!;
  await el.updateComplete;
  const shown = new Promise((resolve) => el.shadowRoot!.addEventListener('toggle', resolve, { capture: true, once: true }));
  el.shadowRoot!.querySelector<HTMLButtonElement>('.trigger')!.click();
  await shown;
};

const meta: Meta<Args> = {
  title: 'Elements/flag-button',
  component: 'flag-button',
  args: { channel: 'voice', 'customer-label': 'Carla Customer', shortcut: 'Alt+Shift+F', theme: '' },
  argTypes: {
    channel: { control: 'select', options: ['voice', 'enhanced-messaging', 'enhanced-chat', 'legacy-chat'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  loaders: [async () => ({ w: storyWorld() })],
  render: (args, { loaded }) => render((loaded.w as StoryWorld).agent, args),
};
export default meta;

export const Idle: Story = {};

export const Composing: Story = { play: openTrigger };

/** Before raising: the only supervisor of Ann's team is away, so the button says nobody is online. */
export const NoSupervisorOnline: Story = {
  loaders: [
    async () => {
      const w = storyWorld();
      await presenceKnown(w.supervisor);
      await w.supervisor.setStatus('away');
      await presenceKnown(w.agent);
      return { w };
    },
  ],
};

export const Raised: Story = { loaders: [() => raised()] };

export const Escalated: Story = {
  loaders: [() => raised('Nobody has answered yet', (w) => w.advance(ESCALATE_AFTER_MS + 1))],
};

export const Acknowledged: Story = {
  loaders: [() => raised(undefined, (w, id) => w.supervisor.acknowledge(id))],
};

export const AcknowledgedWithChatOpen: Story = {
  loaders: [
    () =>
      raised(undefined, async (w, id) => {
        await w.supervisor.acknowledge(id);
        await w.supervisor.sendMessage(id, 'I see it. What did the customer say exactly?');
        await w.agent.sendMessage(id, 'She says she was charged twice on the 3rd.');
      }),
  ],
  play: openTrigger,
};

export const JoinRequested: Story = {
  loaders: [() => raised(undefined, async (w, id) => (await w.supervisor.acknowledge(id), w.agent.requestJoin(id)))],
};

export const JoinAccepted: Story = {
  loaders: [() => raised(undefined, async (w, id) => (await w.agent.requestJoin(id), w.supervisor.acceptJoin(id)))],
};

/** Lowered by the supervisor while the panel was open: the button is ready to raise again; the panel keeps the chat readable. */
export const Lowered: Story = {
  loaders: [() => raised(undefined, (w, id) => w.supervisor.sendMessage(id, 'Resolved, thanks!'))],
  play: async (ctx) => {
    await openTrigger(ctx);
    const w = ctx.loaded.w as StoryWorld;
    await w.supervisor.lower(w.agent.flagFor(INTERACTION).get()!.id, 'resolved');
  },
};

/** Lowered by the supervisor while the panel was closed: a notice beside the button says who and why. */
export const LoweredWhilePanelClosed: Story = {
  loaders: [() => raised(undefined, (w, id) => w.supervisor.lower(id, 'resolved on the call'))],
};

/** The supervisor declined to join while the panel was closed: a notice beside the button says so, with the reason, until closed. */
export const JoinDeclinedWhilePanelClosed: Story = {
  loaders: [() => raised(undefined, async (w, id) => (await w.supervisor.acknowledge(id), w.agent.requestJoin(id)))],
  play: async ({ canvasElement, loaded }) => {
    await canvasElement.querySelector('flag-button')!.updateComplete;
    const w = loaded.w as StoryWorld;
    await w.supervisor.declineJoin(w.agent.flagFor(INTERACTION).get()!.id, 'In another call, back in 5 minutes');
  },
};

/** Legacy chat without `legacyChatEnabled`: nothing renders; the console and a `flag-unavailable` event say why. */
export const UnavailableChannel: Story = {
  args: { channel: 'legacy-chat' },
  render: (args, { loaded }) => html`<p>There is a flag button here, hidden on legacy chat:</p>
    ${render((loaded.w as StoryWorld).agent, args)}`,
};

export const LegacyChatEnabled: Story = {
  args: { channel: 'legacy-chat' },
  loaders: [async () => ({ w: storyWorld({ legacyChatEnabled: true }) })],
};

export const FallbackMode: Story = {
  loaders: [async () => ({ w: storyWorld({ fallbackMode: true }) })],
  render: (args, { loaded }) => html`<p>Fallback mode: the flag button is not rendered.</p>
    ${render((loaded.w as StoryWorld).agent, args)}`,
};

/** Offline: the flag shows as raising and goes out when the connection returns. */
export const Offline: Story = {
  loaders: [
    async () => {
      const w = storyWorld();
      w.hub.goOffline();
      void w.agent.raise({ interactionId: INTERACTION, channel: 'voice', message: 'Sent while offline' }).catch(() => undefined);
      return { w };
    },
  ],
};

/** A refused raise (this agent belongs to no team): the reason shows under the button. */
export const ErrorShown: Story = {
  name: 'Error',
  loaders: [async () => ({ w: storyWorld() })],
  render: (args, { loaded }) => render((loaded.w as StoryWorld).client({ ...ann, id: 'no-team', teams: [] }), args),
  play: async (ctx) => {
    await openTrigger(ctx);
    const el = ctx.canvasElement.querySelector('flag-button')!;
    const textarea = el.shadowRoot!.querySelector<HTMLTextAreaElement>('#message')!;
    textarea.value = 'Help';
    textarea.dispatchEvent(new InputEvent('input'));
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('.submit')!.click();
  },
};

export const VeryLongText: Story = {
  loaders: [() => raised(LONG_TEXT, (w, id) => w.supervisor.acknowledge(id))],
  render: (args, { loaded }) =>
    render((loaded.w as StoryWorld).agent, args, {
      acknowledgedBy: (name) => `Acknowledged by ${name} (Senior Supervisor, Billing Escalations & Retention, EMEA)`,
    }),
  play: openTrigger,
};

/** Arabic, right to left (`lang="ar" dir="rtl"` on an ancestor): the panel open on an acknowledged flag. */
export const Arabic: Story = {
  loaders: [() => raised('العميل غاضب جدا', (w, id) => w.supervisor.acknowledge(id))],
  render: (args, { loaded }) => html`<div dir="rtl" lang="ar">${render((loaded.w as StoryWorld).agent, args)}</div>`,
  play: openTrigger,
};

/** Spanish (`lang="es"`): the composer. */
export const Spanish: Story = {
  render: (args, { loaded }) => html`<div lang="es">${render((loaded.w as StoryWorld).agent, args)}</div>`,
  play: openTrigger,
};

/** French (`lang="fr"`): the panel while a join is requested. */
export const French: Story = {
  loaders: [() => raised('Le client conteste un prélèvement', (w, id) => w.supervisor.acknowledge(id).then(() => w.agent.requestJoin(id)))],
  render: (args, { loaded }) => html`<div lang="fr">${render((loaded.w as StoryWorld).agent, args)}</div>`,
  play: openTrigger,
};

export const Dark: Story = {
  args: { theme: 'dark' },
  loaders: [() => raised(undefined, (w, id) => w.supervisor.acknowledge(id))],
  parameters: { backgrounds: { default: 'dark' } },
  render: (args, { loaded }) => html`<div style="background:#121418;padding:24px">${render((loaded.w as StoryWorld).agent, args)}</div>`,
};

/** The team's quick raise reasons under the reason field: one click fills it. */
export const QuickReasons: Story = {
  loaders: [
    async () => {
      const w = storyWorld();
      await seedSettings(w);
      return { w };
    },
  ],
  play: openTrigger,
};

/** Quick reasons in Arabic, right to left, 390 px wide. */
export const QuickReasonsArabicNarrow: Story = {
  loaders: [
    async () => {
      const w = storyWorld();
      await seedSettings(w);
      return { w };
    },
  ],
  render: (args, { loaded }) => html`<div dir="rtl" lang="ar" style="inline-size: 390px">${render((loaded.w as StoryWorld).agent, args)}</div>`,
  play: openTrigger,
};
