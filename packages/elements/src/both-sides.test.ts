/**
 * The whole story on one memory hub: an agent's <flag-button> and a supervisor's
 * <raised-flags-widget> + <supervisor-chat>, driven by clicks and keys only.
 */
import { expect, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { FlagClient } from '@flagline/core';
import './define.js';
import type { FlagButton } from './flag-button/flag-button.js';
import type { RaisedFlagsWidget } from './raised-flags-widget/raised-flags-widget.js';
import type { SupervisorChat } from './supervisor-chat/supervisor-chat.js';
import { $, $maybe, ann, mount, next, opened, sam, unmount, world, type World } from '../test/harness.js';

describe('agent and supervisor, both sides', () => {
  let w: World;
  let agent: FlagClient;
  let supervisor: FlagClient;
  beforeEach(() => {
    w = world();
    agent = w.client(ann);
    supervisor = w.client(sam);
  });
  afterEach(async () => {
    unmount();
    await w.close();
  });

  const texts = (el: Element, selector: string) => [...el.shadowRoot!.querySelectorAll(selector)].map((n) => n.textContent?.trim() ?? '');
  async function press(target: HTMLElement, key = 'Enter'): Promise<void> {
    target.focus();
    await sendKeys({ press: key });
  }

  it('raise → alert → acknowledge → chat both ways → join → lowered by the supervisor; then lowered by the agent', async () => {
    const page = mount(
      html`
        <section aria-label="Agent desktop">
          <flag-button .client=${agent} interaction-id="call-7" channel="voice" customer-label="Carla Customer"></flag-button>
        </section>
        <section aria-label="Supervisor wallboard">
          <raised-flags-widget .client=${supervisor}></raised-flags-widget>
          <supervisor-chat .client=${supervisor}></supervisor-chat>
        </section>
      `,
    );
    const button = page.querySelector<FlagButton>('flag-button')!;
    const widget = page.querySelector<RaisedFlagsWidget>('raised-flags-widget')!;
    const supChat = page.querySelector<SupervisorChat>('supervisor-chat')!;
    // The host shows the chat in its own place instead of beside the list.
    widget.addEventListener('flag-open-chat', (e) => {
      e.preventDefault();
      supChat.flagId = e.flag.id;
    });
    await Promise.all([button, widget, supChat].map((el) => el.updateComplete));
    const trigger = () => $<HTMLButtonElement>(button, '.trigger');
    const row = () => $(widget, '[role="listitem"]');

    // Raise with a message.
    await press(trigger());
    await opened(button, 'dialog[open]');
    await sendKeys({ type: 'Caller disputes a charge' });
    const alerted = next(widget, 'flag-raised');
    await sendKeys({ press: 'Enter' });
    const { flag } = await alerted;

    // Alert on the wallboard.
    await waitUntil(() => $maybe(widget, '[role="listitem"]'), 'flag on the wallboard');
    expect(row().classList.contains('highlight')).to.equal(true);
    expect($(widget, '[aria-live="polite"]').textContent).to.equal('New flag from Ann Agent: Caller disputes a charge');
    expect(row().querySelector('.customer')!.textContent).to.equal('Carla Customer');

    // Acknowledge: the agent sees who.
    await press($(widget, '.acknowledge'));
    await waitUntil(() => trigger().textContent?.includes('Acknowledged by Sam Supervisor'), 'agent sees the acknowledgement');

    // Two-way chat.
    await press($(widget, '.open-chat'));
    await supChat.updateComplete;
    expect(supChat.flagId).to.equal(flag.id);
    await press($(supChat, 'textarea'));
    await sendKeys({ type: 'On my way' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => texts(button, '.badge').includes('1 unread'), 'agent sees an unread message');
    await press(trigger());
    const agentChat = $<SupervisorChat>(button, 'supervisor-chat');
    await waitUntil(() => texts(agentChat, '.message .text').includes('On my way'), 'agent reads the message');
    await press($(agentChat, 'textarea'));
    await sendKeys({ type: 'Thanks!' });
    const received = next(supChat, 'message-received');
    await sendKeys({ press: 'Enter' });
    expect((await received).event.actor.name).to.equal('Ann Agent');
    await waitUntil(() => texts(supChat, '.message .text').includes('Thanks!'), 'supervisor reads the reply');
    await expect(page).to.be.accessible();

    // Request join → accept: the host barges in on join-accepted.
    await press($(button, 'button.join'));
    await waitUntil(() => $maybe(widget, 'button.join'), 'Join offered on the wallboard');
    const barge = next(widget, 'join-accepted');
    await press($(widget, 'button.join'));
    expect((await barge).flag.interactionId).to.equal('call-7');
    await waitUntil(() => trigger().textContent?.includes('Sam Supervisor joined'), 'agent sees the join');

    // Lowered by the supervisor.
    await press($(widget, '.lower'));
    await waitUntil(() => !$maybe(widget, '[role="listitem"]'), 'gone from the wallboard');
    await waitUntil(() => trigger().textContent?.includes('Raise flag'), 'agent button back to idle');
    await waitUntil(() => $maybe(supChat, '.readonly'), 'chat read-only');
    expect($(button, '.status').textContent).to.contain('Flag lowered by Sam Supervisor');
    await sendKeys({ press: 'Escape' });
    expect(button.shadowRoot!.activeElement).to.equal(trigger());

    // Again, and this time the agent lowers it.
    await press(trigger());
    await sendKeys({ type: 'Second question' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => $maybe(widget, '[role="listitem"]'), 'second flag on the wallboard');
    const lowered = next(widget, 'flag-lowered');
    await press(trigger());
    await press($(button, '.lower'));
    const { event } = await lowered;
    expect(event.type === 'lowered' && event.cause).to.equal('agent');
    await waitUntil(() => !$maybe(widget, '[role="listitem"]'), 'gone again');
    await expect(page).to.be.accessible();
  });
});
