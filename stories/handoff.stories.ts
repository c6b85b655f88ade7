/**
 * Hand-off and check-in (issue 15), live on a story world: a flag offered to the supervisor
 * looking (Accept / Decline), a flag on its way to a colleague, the Hand off dialog, the agent's
 * button while a hand-off is pending and once taken over, and a check-in on both sides.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing, type TemplateResult } from 'lit';
import type { FlagClient, Participant, ParticipantRef } from '@flagline/core';
import './support/locales.js';
import { ann, sam, storyWorld, type StoryWorld } from './support/world.js';

interface Args {
  theme: '' | 'light' | 'dark';
}
type Story = StoryObj<Args>;
type View = (theme: string | typeof nothing) => TemplateResult;

const nia: Participant = { id: 'nia', name: 'Nia Supervisor', role: 'supervisor', teams: ['billing'] };
const ONLINE: ParticipantRef[] = [sam, nia].map(({ id, name, role }) => ({ id, name, role }));

function online(client: FlagClient): Promise<void> {
  return new Promise((resolve) => {
    const stop = client.$status.subscribe((s) => {
      if (s !== 'online') return;
      queueMicrotask(() => stop());
      resolve();
    });
  });
}

/** Ann's flag, acknowledged by Sam; Nia online in billing too. */
async function helped(): Promise<{ w: StoryWorld; niaClient: FlagClient; flagId: string }> {
  const w = storyWorld({}, 4);
  const niaClient = w.client(nia);
  await online(niaClient);
  const { flagId } = await w.agent.raise({ interactionId: 'call-1', channel: 'voice', customerLabel: 'Jordan Price', message: 'Refund above my limit, need approval', reason: 'refund' });
  await w.supervisor.acknowledge(flagId!);
  await w.agent.sendMessage(flagId!, 'She was charged twice on the 3rd.');
  return { w, niaClient, flagId: flagId! };
}

const board = (client: FlagClient) => (theme: string | typeof nothing) =>
  html`<raised-flags-widget .client=${client} .handoffTargets=${() => ONLINE} theme=${theme}></raised-flags-widget>`;

const meta: Meta<Args> = {
  title: 'Workflows/Hand-off and check-in',
  args: { theme: '' },
  argTypes: { theme: { control: 'inline-radio', options: ['', 'light', 'dark'] } },
  render: (args, { loaded }) => (loaded.view as View)(args.theme || nothing),
};
export default meta;

/** Nia's wallboard: Sam offered her the flag with a note; Accept or Decline on the row. */
export const OfferedToYou: Story = {
  loaders: [
    async () => {
      const { w, niaClient, flagId } = await helped();
      await w.supervisor.transfer(flagId, 'nia', 'She handled this customer last week');
      return { view: board(niaClient) };
    },
  ],
};

/** Sam's wallboard and Ann's button while the offer waits for Nia: where the flag is going. */
export const Transferred: Story = {
  loaders: [
    async () => {
      const { w, flagId } = await helped();
      await w.supervisor.transfer(flagId, 'nia');
      const view: View = (theme) => html`<div style="display: grid; gap: 16px">
        <flag-button .client=${w.agent} interaction-id="call-1" channel="voice" customer-label="Jordan Price" theme=${theme}></flag-button>
        ${board(w.supervisor)(theme)}
      </div>`;
      return { view };
    },
  ],
};

/** After Nia accepted: Ann's button says who is helping now; the chat's history came along. */
export const TakenOver: Story = {
  loaders: [
    async () => {
      const { w, niaClient, flagId } = await helped();
      await w.supervisor.transfer(flagId, 'nia');
      await niaClient.acceptTransfer(flagId);
      const view: View = (theme) => html`<div style="display: grid; gap: 16px">
        <flag-button .client=${w.agent} interaction-id="call-1" channel="voice" customer-label="Jordan Price" theme=${theme}></flag-button>
        <supervisor-chat .client=${niaClient} flag-id=${flagId} theme=${theme}></supervisor-chat>
      </div>`;
      return { view };
    },
  ],
};

/** Sam pressed Hand off: the supervisors online in billing, the team queue, a note. */
export const HandoffDialog: Story = {
  loaders: [async () => ({ view: board((await helped()).w.supervisor) })],
  play: async ({ canvasElement }) => {
    const widget = canvasElement.querySelector('raised-flags-widget')!;
    await widget.updateComplete;
    widget.shadowRoot!.querySelector<HTMLButtonElement>('.hand-off')!.click();
  },
};

/** The same offer in Arabic, right to left. */
export const OfferedToYouArabic: Story = {
  loaders: OfferedToYou.loaders!,
  render: (args, { loaded }) => html`<div dir="rtl" lang="ar">${(loaded.view as View)(args.theme || nothing)}</div>`,
};

/** Sam opened a check-in with Ann on her call, no flag raised: marked on both sides. */
export const CheckIn: Story = {
  loaders: [
    async () => {
      const w = storyWorld();
      await online(w.agent);
      await w.supervisor.checkIn({ agentId: ann.id, interactionId: 'call-1', channel: 'voice', customerLabel: 'Jordan Price', message: 'How is the call going? Need anything?' });
      const view: View = (theme) => html`<div style="display: grid; gap: 16px">
        <flag-button .client=${w.agent} interaction-id="call-1" channel="voice" customer-label="Jordan Price" theme=${theme}></flag-button>
        <raised-flags-widget .client=${w.supervisor} theme=${theme}></raised-flags-widget>
      </div>`;
      return { view };
    },
  ],
};
