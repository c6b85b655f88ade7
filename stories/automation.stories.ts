/**
 * Conversation context and rules (issue 16), live on a story world: a rule's suggestion, a flag a
 * rule raised by itself, a wallboard row and a chat showing the conversation the agent shared, and
 * a group of similar flags. The host's automation objects (`@flagline/core/automation`) are passed
 * to the elements; the elements never load that code themselves.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing, type TemplateResult } from 'lit';
import type { FlagContext, Participant } from '@flagline/core';
import { ConversationStore, EXAMPLE_RULES, groupSimilarFlags, RuleEngine } from '@flagline/core/automation';
import './support/locales.js';
import { agentNumber, storyWorld } from './support/world.js';

interface Args {
  theme: '' | 'light' | 'dark';
}
type Story = StoryObj<Args>;
type View = (theme: string | typeof nothing) => TemplateResult;

const TURNS = [
  { from: 'customer' as const, text: "Hi, I've been charged twice this month." },
  { from: 'agent' as const, text: 'I can see both charges, let me check why.' },
  { from: 'customer' as const, text: "This is the third time I'm calling about it." },
  { from: 'customer' as const, text: 'I want to cancel everything today.' },
];
const CONTEXT: FlagContext = {
  turns: TURNS.map((t, i) => ({ ...t, at: Date.now() - (TURNS.length - i) * 40_000 })),
  summary: ['I want to cancel everything today.', "I've been charged twice this month."],
};
const AUTOMATIC = { ruleId: 'legal', ruleName: 'Customer threatens legal action' };

/** Ann's call, followed by a conversation store and the example rules. */
function conversationOnCall(turns: readonly { from: 'customer' | 'agent'; text: string }[]) {
  const conversations = new ConversationStore();
  const engine = new RuleEngine({ rules: EXAMPLE_RULES, conversations });
  conversations.observeConversation('call-1', { channel: 'voice' });
  for (const turn of turns) conversations.appendTurn('call-1', { ...turn, at: Date.now() });
  return { conversations, engine };
}

/** A flag raised by Ann with the conversation she shared; `automatic` when a rule raised it. */
async function sharedFlag(automatic?: typeof AUTOMATIC) {
  const w = storyWorld({}, 3);
  const { flagId } = await w.agent.raise({
    interactionId: 'call-1',
    channel: 'voice',
    customerLabel: 'Jordan Price',
    message: automatic ? 'Customer threatens legal action' : 'Customer wants to cancel',
    reason: automatic ? 'legal' : 'retention',
    context: CONTEXT,
    ...(automatic ? { automatic, severity: 'urgent' as const } : {}),
  });
  return { w, flagId: flagId! };
}

const meta: Meta<Args> = {
  title: 'Automation/Conversation and rules',
  args: { theme: '' },
  argTypes: { theme: { control: 'inline-radio', options: ['', 'light', 'dark'] } },
  render: (args, { loaded }) => (loaded.view as View)(args.theme || nothing),
};
export default meta;

/** The customer mentions cancelling: a suggestion under the button, with one-click raise, review and dismiss. */
export const SuggestionShown: Story = {
  loaders: [
    async () => {
      const w = storyWorld();
      const { conversations, engine } = conversationOnCall(TURNS);
      const view: View = (theme) =>
        html`<flag-button .client=${w.agent} .conversations=${conversations} .engine=${engine} interaction-id="call-1" channel="voice" customer-label="Jordan Price" theme=${theme}></flag-button>`;
      return { view };
    },
  ],
};

/** A rule raised the flag by itself: the agent is told, and the wallboard row says it is automatic. */
export const AutoRaisedFlag: Story = {
  loaders: [
    async () => {
      const { w } = await sharedFlag(AUTOMATIC);
      const view: View = (theme) => html`<div style="display: grid; gap: 16px">
        <flag-button .client=${w.agent} interaction-id="call-1" channel="voice" customer-label="Jordan Price" theme=${theme}></flag-button>
        <raised-flags-widget .client=${w.supervisor} theme=${theme}></raised-flags-widget>
      </div>`;
      return { view };
    },
  ],
};

/** The supervisor opened the row's conversation: the rule, the summary, then the last turns. */
export const ExpandedContextRow: Story = {
  loaders: [
    async () => {
      const { w } = await sharedFlag();
      const view: View = (theme) => html`<raised-flags-widget .client=${w.supervisor} theme=${theme}></raised-flags-widget>`;
      return { view };
    },
  ],
  play: async ({ canvasElement }) => {
    const widget = canvasElement.querySelector('raised-flags-widget')!;
    await widget.updateComplete;
    widget.shadowRoot!.querySelector<HTMLButtonElement>('.toggle-context')!.click();
  },
};

/** The chat of a flag with a shared conversation: pinned above the messages. */
export const PinnedContextInChat: Story = {
  loaders: [
    async () => {
      const { w, flagId } = await sharedFlag();
      await w.supervisor.acknowledge(flagId);
      await w.supervisor.sendMessage(flagId, 'I see the double charge. Offer a full refund before anything else.');
      const view: View = (theme) => html`<supervisor-chat .client=${w.supervisor} flag-id=${flagId} theme=${theme}></supervisor-chat>`;
      return { view };
    },
  ],
};

const OUTAGE = [
  'payment page down',
  'Customer says the payment page is down',
  'payment page not loading, customer cannot pay',
  'Payment page down again??',
  'caller gets an error on the payment page',
  'PAYMENT PAGE IS DOWN for everyone',
];

/** An outage: six agents raise "payment page down" in their own words; the wallboard shows one group. */
export const GroupOfSimilarFlags: Story = {
  loaders: [
    async () => {
      const w = storyWorld({}, 5);
      const billing = (i: number): Participant => ({ ...agentNumber(i), teams: ['billing'] });
      for (const [i, message] of OUTAGE.entries()) await w.client(billing(i)).raise({ interactionId: `outage-${i}`, channel: 'enhanced-chat', message });
      await w.client(billing(7)).raise({ interactionId: 'other-1', channel: 'voice', message: 'Customer asks for a manager' });
      const view: View = (theme) => html`<raised-flags-widget .client=${w.supervisor} .groupSimilar=${groupSimilarFlags} theme=${theme}></raised-flags-widget>`;
      return { view };
    },
  ],
};
