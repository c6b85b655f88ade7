import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { highContrastTeal } from './support/high-contrast-teal.js';
import { agentNumber, storyWorld, type StoryWorld } from './support/world.js';

/**
 * A host's own brand on every element: the high-contrast teal theme of docs/theming.md (tokens
 * plus a few `::part` rules), on an agent's flag and chat and a supervisor's wallboard.
 */
const meta: Meta = {
  title: 'Theming',
  parameters: { layout: 'fullscreen' },
};
export default meta;

/** Ann's flag, acknowledged by Sam, a short conversation, and two more flags on the wallboard. */
async function tealWorld(): Promise<{ w: StoryWorld; flagId: string }> {
  const w = storyWorld({}, 12);
  const { flagId } = await w.agent.raise({ interactionId: 'call-1', channel: 'voice', customerLabel: 'Carla Customer', message: 'Caller disputes a charge', reason: 'billing' });
  await w.supervisor.acknowledge(flagId!);
  await w.supervisor.sendMessage(flagId!, 'I see it. What did the customer say exactly?');
  await w.agent.sendMessage(flagId!, 'She was charged twice on the 3rd and wants a refund today.');
  await w.client(agentNumber(1)).raise({ interactionId: 'call-2', channel: 'enhanced-chat', customerLabel: 'Jon Doe', message: 'Customer threatens legal action', severity: 'urgent' });
  const dev = w.client(agentNumber(3));
  const fraud = await dev.raise({ interactionId: 'call-3', channel: 'enhanced-messaging', customerLabel: 'Mia Wong', message: 'Possible fraud on the account' });
  await dev.requestJoin(fraud.flagId!);
  return { w, flagId: flagId! };
}

export const HighContrastTeal: StoryObj = {
  loaders: [tealWorld],
  render: (_args, { loaded }) => {
    const w = loaded.w as StoryWorld;
    return html`
      <style>
        ${highContrastTeal}
      </style>
      <div class="teal-brand" style="display:grid;grid-template-columns:minmax(18rem,1fr) 2fr;gap:24px;padding:24px;font-family:var(--flagline-font)">
        <section aria-label="Agent desktop (Ann)">
          <h2>Agent: Ann</h2>
          <flag-button .client=${w.agent} interaction-id="call-1" channel="voice" customer-label="Carla Customer"></flag-button>
          <h3>Private chat</h3>
          <supervisor-chat .client=${w.agent} flag-id=${loaded.flagId as string} style="--flagline-chat-height:17rem"></supervisor-chat>
        </section>
        <section aria-label="Supervisor wallboard (Sam)">
          <h2>Wallboard: Sam</h2>
          <raised-flags-widget .client=${w.supervisor} style="--flagline-widget-height:30rem"></raised-flags-widget>
        </section>
      </div>
    `;
  },
};
