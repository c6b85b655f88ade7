import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { storyWorld, type StoryWorld } from './support/world.js';

/**
 * Play both people on one in-process hub: raise a flag as Ann on the left, handle it as Sam on
 * the right (acknowledge, chat, accept a join, lower), or lower it from Ann's side.
 */
const meta: Meta = {
  title: 'Both sides',
  loaders: [async () => ({ w: storyWorld() })],
  parameters: { layout: 'fullscreen' },
};
export default meta;

export const BothSides: StoryObj = {
  render: (_args, { loaded }) => {
    const w = loaded.w as StoryWorld;
    const onOpenChat = (e: Event) => {
      const chat = (e.currentTarget as HTMLElement).parentElement!.querySelector('supervisor-chat')!;
      e.preventDefault();
      chat.flagId = (e as GlobalEventHandlersEventMap['flag-open-chat']).flag.id;
    };
    const onJoin = (e: GlobalEventHandlersEventMap['join-accepted']) => {
      const log = document.getElementById('host-log');
      if (log) log.textContent = `Host: barge in on ${e.flag.interactionId} now (join accepted by ${e.event.actor.name}).`;
    };
    return html`
      <div style="display:grid;grid-template-columns:minmax(18rem,1fr) 2fr;gap:24px;padding:24px">
        <section aria-label="Agent desktop (Ann)">
          <h2>Agent desktop: Ann</h2>
          <p>On a call with Carla Customer.</p>
          <flag-button .client=${w.agent} interaction-id="call-1" channel="voice" customer-label="Carla Customer" shortcut="Alt+Shift+F"></flag-button>
          <p id="host-log" role="status"></p>
        </section>
        <section aria-label="Supervisor wallboard (Sam)" @join-accepted=${onJoin}>
          <h2>Wallboard: Sam</h2>
          <raised-flags-widget .client=${w.supervisor} @flag-open-chat=${onOpenChat} style="--flagline-widget-height:20rem"></raised-flags-widget>
          <h3>Chat</h3>
          <supervisor-chat .client=${w.supervisor} style="--flagline-chat-height:18rem"></supervisor-chat>
        </section>
      </div>
    `;
  },
};
