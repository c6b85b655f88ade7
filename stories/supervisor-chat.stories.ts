import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import type { FlagClient } from '@flagline/core';
import './support/locales.js';
import { ann, autoReply, LONG_TEXT, sam, seedSettings, storyWorld, type StoryWorld } from './support/world.js';

interface Args {
  side: 'agent' | 'supervisor';
  theme: '' | 'light' | 'dark';
}
type Story = StoryObj<Args>;

interface Loaded {
  w: StoryWorld;
  flagId: string;
  /** The client whose chat is shown, when not the story's `side`. */
  client?: FlagClient;
}

function render(args: Args, loaded: Loaded) {
  const client = loaded.client ?? (args.side === 'agent' ? loaded.w.agent : loaded.w.supervisor);
  return html`<supervisor-chat
    style="max-inline-size: 36rem"
    .client=${client}
    flag-id=${loaded.flagId}
    theme=${args.theme || nothing}
  ></supervisor-chat>`;
}

/**
 * Ann raised a flag and Sam acknowledged it. The person on the other side of `side` is
 * simulated: they answer every message typed in the story.
 */
async function conversation(
  side: Args['side'],
  setup?: (w: StoryWorld, flagId: string) => Promise<unknown>,
  message = 'Caller disputes a charge',
): Promise<Loaded> {
  const w = storyWorld();
  const { flagId } = await w.agent.raise({ interactionId: 'call-1', channel: 'voice', customerLabel: 'Carla Customer', message });
  await w.supervisor.acknowledge(flagId!);
  await w.agent.sendMessage(flagId!, 'She says she was charged twice on the 3rd.');
  await w.supervisor.sendMessage(flagId!, 'I see both charges. Offer a refund of the second one.');
  await setup?.(w, flagId!);
  if (side === 'agent') autoReply(w.supervisor, flagId!, ['Good.', 'Let me know if she asks for more.']);
  else autoReply(w.agent, flagId!, ['OK, telling her now.', 'She accepts, thanks!']);
  return { w, flagId: flagId! };
}

const meta: Meta<Args> = {
  title: 'Elements/supervisor-chat',
  component: 'supervisor-chat',
  args: { side: 'supervisor', theme: '' },
  argTypes: {
    side: { control: 'inline-radio', options: ['agent', 'supervisor'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  loaders: [({ args }) => conversation(args.side)],
  render: (args, { loaded }) => render(args, loaded as Loaded),
};
export default meta;

export const Conversation: Story = {};

export const AgentSide: Story = { args: { side: 'agent' } };

export const JoinAccepted: Story = {
  loaders: [({ args }) => conversation(args.side, async (w, id) => (await w.agent.requestJoin(id), w.supervisor.acceptJoin(id)))],
};

/** Offline: messages typed now show "Sending…" until the connection returns. */
export const SendingWhileOffline: Story = {
  loaders: [
    ({ args }) =>
      conversation(args.side, async (w, id) => {
        w.hub.goOffline();
        void w.supervisor.sendMessage(id, 'Are you still there?').catch(() => undefined);
      }),
  ],
};

/** A message lost on the way out: it stays with Retry (which never duplicates it) or Discard. */
export const FailedWithRetry: Story = {
  loaders: [
    async ({ args }) => {
      const loaded = await conversation(args.side);
      const client = loaded.w.flakyClient(ann);
      await new Promise<void>((resolve) => {
        const stop = client.$flags.subscribe((flags) => {
          if (!flags.has(loaded.flagId)) return;
          queueMicrotask(() => stop());
          resolve();
        });
      });
      await client.sendMessage(loaded.flagId, 'One more thing: she also wants a written apology.').catch(() => undefined);
      return { ...loaded, client };
    },
  ],
};

export const Lowered: Story = {
  loaders: [({ args }) => conversation(args.side, async (w, id) => w.supervisor.lower(id, 'resolved'))],
};

export const VeryLongText: Story = {
  loaders: [({ args }) => conversation(args.side, async (w, id) => w.agent.sendMessage(id, LONG_TEXT), LONG_TEXT)],
};

/** 2,000 messages, virtualized: scroll up and a "new messages" jump appears as replies arrive. */
export const ThousandsOfMessages: Story = {
  loaders: [
    ({ args }) =>
      conversation(args.side, async (w, id) => {
        for (let i = 0; i < 2000; i++)
          await w.seed(i % 2 ? ann : sam, { type: 'send-message', flagId: id, text: `Message ${i + 1}: ${i % 5 === 0 ? LONG_TEXT.slice(0, 180) : 'short note'}` });
      }),
  ],
};

/** Arabic, right to left (`lang="ar" dir="rtl"` on an ancestor). */
export const Arabic: Story = {
  loaders: [({ args }) => conversation(args.side, async (w, id) => w.supervisor.sendMessage(id, 'أنا في الطريق، انتظر لحظة'))],
  render: (args, { loaded }) => html`<div dir="rtl" lang="ar">${render(args, loaded as Loaded)}</div>`,
};

/** Spanish (`lang="es"`): system lines, times and delivery states in Spanish. */
export const Spanish: Story = {
  render: (args, { loaded }) => html`<div lang="es">${render(args, loaded as Loaded)}</div>`,
};

/** French (`lang="fr"`), after the supervisor lowered the flag: the read-only line. */
export const French: Story = {
  loaders: [({ args }) => conversation(args.side, async (w, id) => w.supervisor.lower(id, 'Remboursement accordé'))],
  render: (args, { loaded }) => html`<div lang="fr">${render(args, loaded as Loaded)}</div>`,
};

export const Dark: Story = {
  args: { theme: 'dark' },
  render: (args, { loaded }) => html`<div style="background:#121418;padding:24px">${render(args, loaded as Loaded)}</div>`,
};

/** The chat of a supervisor story, updated. */
async function chatIn(canvasElement: HTMLElement) {
  const el = canvasElement.querySelector('supervisor-chat')!;
  await el.updateComplete;
  return el;
}

/** The composer's Quick replies button: the team's and Sam's own replies, placeholders shown as written. */
const openQuickReplies = async ({ canvasElement }: { canvasElement: HTMLElement }) => {
  const el = await chatIn(canvasElement);
  el.shadowRoot!.querySelector<HTMLButtonElement>('.canned-open')?.click();
  await el.updateComplete;
};

/** Typing `/` then letters at the start of the composer filters the replies inline. */
const typeSlash =
  (typed: string) =>
  async ({ canvasElement }: { canvasElement: HTMLElement }) => {
    const el = await chatIn(canvasElement);
    const textarea = el.shadowRoot!.querySelector('textarea')!;
    textarea.focus();
    textarea.value = typed;
    textarea.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await el.updateComplete;
  };

export const QuickRepliesOpen: Story = {
  loaders: [({ args }) => conversation(args.side, (w) => seedSettings(w))],
  play: openQuickReplies,
};

export const QuickRepliesFiltered: Story = {
  loaders: [({ args }) => conversation(args.side, (w) => seedSettings(w))],
  play: typeSlash('/refund'),
};

/** Nothing matches what was typed after `/`. */
export const QuickRepliesNoMatch: Story = {
  loaders: [({ args }) => conversation(args.side, (w) => seedSettings(w))],
  play: typeSlash('/zzz'),
};

/** Neither the team nor Sam has replies yet: the list says so and offers the editor. */
export const QuickRepliesEmpty: Story = {
  play: openQuickReplies,
};

/** The editor (a modal dialog): team and personal replies, add, edit, delete. */
export const QuickRepliesEditor: Story = {
  loaders: [({ args }) => conversation(args.side, (w) => seedSettings(w))],
  play: async (ctx) => {
    await openQuickReplies(ctx);
    const el = await chatIn(ctx.canvasElement);
    el.shadowRoot!.querySelector<HTMLButtonElement>('.canned .manage')?.click();
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('dialog section .edit')?.click();
    await el.updateComplete;
  },
};

/** Arabic, right to left, in a 390 px column: the picker wraps, nothing overflows. */
export const QuickRepliesArabicNarrow: Story = {
  loaders: [({ args }) => conversation(args.side, (w) => seedSettings(w))],
  render: (args, { loaded }) => html`<div dir="rtl" lang="ar" style="inline-size: 390px">${render(args, loaded as Loaded)}</div>`,
  play: openQuickReplies,
};
