import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { isOpen, type Channel, type FlagClient } from '@flagline/core';
import '../define.js';
import type { FlagButton } from './flag-button.js';
import { $, $maybe, ann, next, opened, sam, until, world, type World } from '../../test/harness.js';

describe('<flag-button>', () => {
  let w: World;
  let agent: FlagClient;
  afterEach(() => w.close());

  async function button(channel: Channel = 'voice', client?: FlagClient): Promise<FlagButton> {
    return fixture<FlagButton>(html`<flag-button .client=${client ?? agent} interaction-id="i-1" channel=${channel} customer-label="Carla Customer"></flag-button>`);
  }
  async function pressShortcut(): Promise<void> {
    await sendKeys({ down: 'Alt' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'KeyF' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ up: 'Alt' });
  }
  const trigger = (el: FlagButton) => $<HTMLButtonElement>(el, '.trigger');

  describe('idle and composing', () => {
    beforeEach(() => {
      w = world();
      agent = w.client(ann);
    });

    it('shows a Raise flag button and is accessible', async () => {
      const el = await button();
      expect(trigger(el).textContent).to.contain('Raise flag');
      await expect(el).to.be.accessible();
    });

    it('shortens a host customer label past the limit instead of refusing the raise (the agent cannot edit it)', async () => {
      const el = await fixture<FlagButton>(html`<flag-button .client=${agent} interaction-id="i-1" channel="voice" customer-label=${'Customer '.repeat(30)}></flag-button>`);
      trigger(el).focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => $maybe(el, 'dialog[open] textarea'), 'composer open');
      await sendKeys({ type: 'Caller wants a refund' });
      await sendKeys({ press: 'Enter' });
      const flag = (await until(agent.$myFlags, (f) => f.length === 1))[0]!;
      expect(flag.customerLabel).to.have.length(120);
      expect(flag.customerLabel.endsWith('…')).to.equal(true);
      expect($maybe(el, '[role="alert"]')).to.equal(null);
    });

    it('raises with Enter from the composer, keeping Shift+Enter as a newline', async () => {
      const el = await button();
      trigger(el).focus();
      await sendKeys({ press: 'Enter' });
      const dialog = await opened<HTMLDialogElement>(el);
      expect(el.shadowRoot!.activeElement, 'focus in the message').to.equal($(el, '#message'));
      await expect(el).to.be.accessible();
      await sendKeys({ type: 'Caller is angry' });
      await sendKeys({ down: 'Shift' });
      await sendKeys({ press: 'Enter' });
      await sendKeys({ up: 'Shift' });
      await sendKeys({ type: 'asks for a refund' });
      expect($(el, '#counter').textContent).to.equal('33 / 1000');
      const raised = next(el, 'flag-raised');
      await sendKeys({ press: 'Enter' });
      const event = await raised;
      expect(event.flag.message).to.equal('Caller is angry\nasks for a refund');
      expect(event.flag.customerLabel).to.equal('Carla Customer');
      expect(dialog.open).to.equal(false);
      await el.updateComplete;
      expect(trigger(el).textContent).to.contain('Flag raised');
      expect(el.shadowRoot!.activeElement).to.equal(trigger(el));
    });

    it('does not raise on Enter while an input method is composing', async () => {
      const el = await button();
      trigger(el).click();
      await opened(el);
      const textarea = $<HTMLTextAreaElement>(el, '#message');
      textarea.focus();
      await sendKeys({ type: 'kanji' });
      textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true, composed: true, cancelable: true }));
      await el.updateComplete;
      expect($<HTMLDialogElement>(el, 'dialog').open).to.equal(true);
      expect(agent.$flags.get().size).to.equal(0);
    });

    it('cancels with Escape and gives focus back to the button', async () => {
      const el = await button();
      trigger(el).focus();
      await sendKeys({ press: 'Space' });
      await opened(el);
      await sendKeys({ type: 'never mind' });
      await sendKeys({ press: 'Escape' });
      await el.updateComplete;
      expect($<HTMLDialogElement>(el, 'dialog').open).to.equal(false);
      expect(el.shadowRoot!.activeElement).to.equal(trigger(el));
      expect(agent.$flags.get().size).to.equal(0);
    });

    it('raises an urgent flag with a reason by clicking Raise', async () => {
      const el = await button();
      trigger(el).click();
      await opened(el);
      await sendKeys({ type: 'Need help' });
      $<HTMLInputElement>(el, '#reason').focus();
      await sendKeys({ type: 'refund' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Space' });
      const raised = next(el, 'flag-raised');
      $<HTMLButtonElement>(el, '.submit').click();
      const { flag } = await raised;
      expect(flag.severity).to.equal('urgent');
      expect(flag.reason).to.equal('refund');
    });

    it('opens with the host-enabled shortcut, and not without it', async () => {
      const el = await button();
      await pressShortcut();
      await el.updateComplete;
      expect($maybe(el, 'dialog[open]')).to.equal(null);
      el.shortcut = 'Alt+Shift+F';
      await el.updateComplete;
      await pressShortcut();
      await opened(el, 'dialog[open]');
      expect(el.shadowRoot!.activeElement, 'focus in the message').to.equal($(el, '#message'));
    });

    it('shows a failed raise under the button and fires flag-error', async () => {
      const teamless = w.client({ ...ann, id: 'nobody', teams: [] });
      const el = await button('voice', teamless);
      trigger(el).click();
      await opened(el);
      await sendKeys({ type: 'help' });
      const failed = next(el, 'flag-error');
      await sendKeys({ press: 'Enter' });
      const { error, action } = await failed;
      expect(error.code).to.equal('not-allowed');
      expect(action).to.equal('raise');
      await el.updateComplete;
      expect($(el, '[role="alert"]').textContent).to.contain('no team');
      expect(trigger(el).textContent).to.contain('Raise flag');
      await expect(el).to.be.accessible();
    });
  });

  describe('changes made elsewhere', () => {
    it('follows a flag raised and lowered in another tab of the same agent', async () => {
      w = world();
      agent = w.client(ann);
      const otherTab = w.client(ann);
      const el = await button();
      const { flagId } = await otherTab.raise({ interactionId: 'i-1', channel: 'voice', message: 'from the other tab' });
      await waitUntil(() => trigger(el).textContent?.includes('Flag raised'), 'raised elsewhere');
      await otherTab.lower(flagId!);
      await waitUntil(() => trigger(el).textContent?.includes('Raise flag'), 'lowered elsewhere');
    });

    it('says beside the button, in its status region, while the connection is down; a raise made offline goes out when it returns', async () => {
      w = world();
      agent = w.client(ann);
      const el = await button();
      await until(agent.$status, (s) => s === 'online');
      w.hub.goOffline();
      const region = () => $(el, '.notice-region');
      await waitUntil(() => region().textContent?.includes('Offline: what you send goes out when the connection returns.'), 'offline said');
      expect(region().getAttribute('role')).to.equal('status');
      await expect(el).to.be.accessible();
      const raised = agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'sent while offline' });
      await waitUntil(() => trigger(el).textContent?.includes('Raising'), 'raising while offline');
      w.hub.goOnline();
      await raised;
      await waitUntil(() => !region().textContent?.includes('Offline'), 'back online: the line goes');
      await waitUntil(() => trigger(el).textContent?.includes('Flag raised'), 'the raise went out');
    });

    it('shows when the flag escalated', async () => {
      let now = Date.now();
      w = world({ now: () => now, config: { escalation: { afterMs: 60_000 } } });
      agent = w.client(ann);
      const el = await button();
      await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'nobody answers' });
      await waitUntil(() => trigger(el).textContent?.includes('Flag raised'), 'raised');
      now += 61_000;
      const escalated = next(el, 'flag-escalated');
      await w.hub.tick();
      expect((await escalated).flag.escalation).to.equal(1);
      await waitUntil(() => trigger(el).textContent?.includes('Flag escalated'), 'escalated label');
      expect(trigger(el).dataset.state).to.equal('escalated');
      await expect(el).to.be.accessible();
    });
  });

  describe('where flags are unavailable', () => {
    it('hides itself on legacy chat unless enabled, warns once and says why', async () => {
      w = world();
      agent = w.client(ann);
      const warn = console.warn;
      const warnings: unknown[] = [];
      console.warn = (...args: unknown[]) => warnings.push(args);
      try {
        const el = document.createElement('flag-button');
        el.client = agent;
        el.channel = 'legacy-chat';
        el.interactionId = 'i-9';
        const why = next(el, 'flag-unavailable');
        document.body.append(el);
        const { reason, channel } = await why;
        expect([reason, channel]).to.deep.equal(['channel-unavailable', 'legacy-chat']);
        expect(el.getBoundingClientRect().width).to.equal(0);
        expect($maybe(el, 'button')).to.equal(null);
        const second = await button('legacy-chat');
        expect(second.unavailable).to.equal(true);
        expect(warnings.filter((w) => String(w).includes('legacy-chat'))).to.have.length(1);
        el.remove();
      } finally {
        console.warn = warn;
      }
    });

    it('shows on legacy chat when the host enables it', async () => {
      w = world({ config: { legacyChatEnabled: true } });
      agent = w.client(ann);
      const el = await button('legacy-chat');
      expect(el.unavailable).to.equal(false);
      expect(trigger(el)).to.be.instanceOf(HTMLButtonElement);
    });

    it('hides itself in fallback mode', async () => {
      w = world({ config: { fallbackMode: true } });
      agent = w.client(ann);
      const el = document.createElement('flag-button');
      el.client = agent;
      const why = next(el, 'flag-unavailable');
      document.body.append(el);
      expect((await why).reason).to.equal('fallback-mode');
      expect($maybe(el, 'button')).to.equal(null);
      el.remove();
    });
  });

  describe('while raised', () => {
    let supervisor: FlagClient;
    let el: FlagButton;
    beforeEach(async () => {
      w = world();
      agent = w.client(ann);
      supervisor = w.client(sam);
      el = await button();
      await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'help please' });
      await el.updateComplete;
    });
    const flagId = () => [...agent.$flags.get().values()][0]!.id;

    it('follows the supervisor live: acknowledged by name, then lowered', async () => {
      await until(supervisor.$openFlags, (f) => f.length === 1);
      await supervisor.acknowledge(flagId());
      await waitUntil(() => trigger(el).textContent?.includes('Acknowledged by Sam Supervisor'), 'acknowledged label');
      await expect(el).to.be.accessible();
      const lowered = next(el, 'flag-lowered');
      await supervisor.lower(flagId());
      expect((await lowered).event.actor.id).to.equal('sam');
      await waitUntil(() => trigger(el).textContent?.includes('Raise flag'), 'back to idle');
    });

    it('opens a panel to chat, request and cancel a join, and lower, all by keyboard', async () => {
      trigger(el).focus();
      await sendKeys({ press: 'Enter' });
      const panel = await opened(el, '[popover]:popover-open');
      await el.updateComplete;
      expect($maybe(el, 'supervisor-chat')).to.not.equal(null);
      await expect(el).to.be.accessible();
      const requested = next(el, 'join-requested');
      $(el, '.join').focus();
      await sendKeys({ press: 'Enter' });
      await requested;
      await waitUntil(() => trigger(el).textContent?.includes('Join requested'), 'join requested label');
      expect($(el, '.join').textContent).to.contain('Cancel join request');
      expect(el.shadowRoot!.activeElement).to.equal($(el, '.join'));
      const cancelled = next(el, 'join-cancelled');
      await sendKeys({ press: 'Enter' });
      await cancelled;
      const lowered = next(el, 'flag-lowered');
      $(el, '.lower').focus();
      await sendKeys({ press: 'Enter' });
      await lowered;
      await waitUntil(() => $(el, '.status').textContent?.includes('Flag lowered by Ann Agent'), 'lowered status');
      // The Lower button is gone with the open flag: focus moved to Close, not to the page.
      await waitUntil(() => el.shadowRoot!.activeElement === $(el, '[popover] .close'), 'focus on Close');
      await sendKeys({ press: 'Escape' });
      expect(panel.matches(':popover-open')).to.equal(false);
      expect(el.shadowRoot!.activeElement).to.equal(trigger(el));
      expect([...agent.$flags.get().values()].some(isOpen)).to.equal(false);
    });

    it('shows a failed panel action in the panel, not under the button', async () => {
      trigger(el).click();
      await opened(el, '[popover]:popover-open');
      agent.close();
      const failed = next(el, 'flag-error');
      $(el, '.lower').focus();
      await sendKeys({ press: 'Enter' });
      const { error, action } = await failed;
      expect([error.code, action]).to.deep.equal(['transport-closed', 'lower']);
      await el.updateComplete;
      expect($(el, '[popover] [role="alert"]').textContent).to.equal('This client was closed.');
      expect(el.shadowRoot!.querySelectorAll('[role="alert"]')).to.have.length(1);
      await expect(el).to.be.accessible();
    });

    it('shows unread supervisor messages on the button', async () => {
      await until(supervisor.$openFlags, (f) => f.length === 1);
      await supervisor.sendMessage(flagId(), 'On my way');
      await waitUntil(() => $maybe(el, '.badge')?.textContent === '1 unread', 'unread badge');
    });

    it('while the panel is closed, tells the agent what the supervisor did: acknowledged, wrote, declined to join (shown until closed)', async () => {
      await until(supervisor.$openFlags, (f) => f.length === 1);
      const region = () => $(el, '.notice-region[role="status"]');
      await supervisor.acknowledge(flagId());
      await waitUntil(() => region().textContent?.includes('Acknowledged by Sam Supervisor'), 'acknowledgement announced');
      await supervisor.sendMessage(flagId(), 'On my way');
      await waitUntil(() => region().textContent?.includes('Message from Sam Supervisor: On my way'), 'message announced');
      expect($(el, '.news').classList.contains('visually-hidden'), 'the badge shows it by sight').to.equal(true);
      await agent.requestJoin(flagId());
      await supervisor.declineJoin(flagId(), 'In another call');
      await waitUntil(() => $maybe(el, '.notice.news')?.textContent?.includes('Sam Supervisor can’t join: In another call'), 'the decline shown and announced');
      await expect(el).to.be.accessible();
      $(el, '.notice.news .close-notice').focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => !$maybe(el, '.news'), 'closed');
    });

    it('while the panel is closed, says who took the flag over after a hand-off, and forgets it all once the flag is lowered', async () => {
      const nia = w.client({ id: 'nia', name: 'Nia Supervisor', role: 'supervisor', teams: ['blue'] });
      await until(nia.$status, (s) => s === 'online');
      await until(supervisor.$openFlags, (f) => f.length === 1);
      const region = () => $(el, '.notice-region[role="status"]');
      await supervisor.acknowledge(flagId());
      await waitUntil(() => region().textContent?.includes('Acknowledged by Sam Supervisor'), 'acknowledgement announced');
      await supervisor.transfer(flagId(), 'nia');
      await until(nia.$flags, (m) => m.get(flagId())?.transfer !== undefined);
      await nia.acceptTransfer(flagId());
      await waitUntil(() => region().textContent?.includes('Acknowledged by Nia Supervisor'), 'the new helper announced');
      await nia.lower(flagId());
      await waitUntil(() => region().textContent?.includes('Flag lowered by Nia Supervisor'), 'the lowering shown');
      expect(region().textContent, 'nothing stale after it').not.to.contain('Acknowledged by');
    });

    it('never cuts the unread count in a narrow column: the state label gives way', async () => {
      await until(supervisor.$openFlags, (f) => f.length === 1);
      await supervisor.acknowledge(flagId());
      await supervisor.sendMessage(flagId(), 'On my way');
      el.style.inlineSize = '180px';
      await waitUntil(() => $maybe(el, '.badge')?.textContent === '1 unread', 'unread badge');
      const [badge, label] = [$(el, '.badge'), $(el, '.trigger > span:not(.badge)')];
      expect(badge.scrollWidth).to.be.at.most(badge.clientWidth, 'the count is whole');
      expect(label.scrollWidth).to.be.above(label.clientWidth, 'the label is the one cut');
    });
  });
});
