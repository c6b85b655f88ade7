import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { FlagClient, Participant } from '@flagline/core';
import '../define.js';
import type { RaisedFlagsWidget } from './raised-flags-widget.js';
import { $, $maybe, ann, next, sam, until, world, type World } from '../../test/harness.js';

const ben: Participant = { id: 'ben', name: 'Ben Agent', role: 'agent', teams: ['green'] };
const lead: Participant = { id: 'lea', name: 'Lea Lead', role: 'supervisor', teams: ['blue', 'green'] };

describe('<raised-flags-widget>', () => {
  let w: World;
  let agent: FlagClient;
  let supervisor: FlagClient;
  afterEach(() => {
    // Alert settings persist per supervisor in this browser: each test starts with none.
    localStorage.clear();
    return w.close();
  });

  async function widget(client: FlagClient = supervisor): Promise<RaisedFlagsWidget> {
    const el = await fixture<RaisedFlagsWidget>(html`<raised-flags-widget .client=${client}></raised-flags-widget>`);
    await until(client.$status, (s) => s === 'online');
    return el;
  }
  const rows = (el: RaisedFlagsWidget) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="listitem"]')];
  const row = (el: RaisedFlagsWidget, agentName: string) => rows(el).find((r) => r.querySelector('.agent')?.textContent === agentName);

  describe('one team', () => {
    beforeEach(() => {
      w = world();
      agent = w.client(ann);
      supervisor = w.client(sam);
    });

    it('starts empty and accessible', async () => {
      const el = await widget();
      expect($(el, '.empty').textContent).to.equal('No raised flags. When an agent raises one it shows here at once, urgent first, to acknowledge, chat about, join or lower.');
      expect($(el, '.count').textContent).to.equal('0 open flags');
      await expect(el).to.be.accessible();
    });

    it('alerts on a new flag: row, highlight, polite announcement, event', async () => {
      const el = await widget();
      const raised = next(el, 'flag-raised');
      await agent.raise({ interactionId: 'i-1', channel: 'enhanced-chat', customerLabel: 'Carla <i>C</i>', message: 'Refund?', reason: 'billing' });
      expect((await raised).flag.agent.name).to.equal('Ann Agent');
      await waitUntil(() => rows(el).length === 1, 'one row');
      const r = rows(el)[0]!;
      expect(r.classList.contains('highlight')).to.equal(true);
      expect(r.querySelector('.customer')!.textContent).to.equal('Carla <i>C</i>');
      expect(r.querySelector('.channel')!.textContent).to.contain('Chat');
      expect(r.querySelector('.preview')!.textContent).to.equal('Refund?');
      expect(r.querySelector('.reason')!.textContent).to.equal('Reason: billing');
      expect(r.querySelector('.state')!.textContent).to.match(/^Waiting \d+ sec$/);
      expect($(el, '[role="status"][aria-live="polite"]').textContent).to.equal('New flag from Ann Agent: Refund?');
      expect($(el, '.count').textContent).to.equal('1 open flag');
      await expect(el).to.be.accessible();
    });

    it('offers Join and Decline only to the supervisor who acknowledged; Decline answers the agent', async () => {
      const sid = w.client({ id: 'sid', name: 'Sid Supervisor', role: 'supervisor', teams: ['blue'] });
      const el = await widget();
      const theirs = await agent.raise({ interactionId: 'i-8', channel: 'voice', message: 'claimed by Sid' });
      const mine = await agent.raise({ interactionId: 'i-9', channel: 'voice', message: 'claimed by me' });
      await until(sid.$flags, (m) => m.has(theirs.flagId!));
      await sid.acknowledge(theirs.flagId!);
      await supervisor.acknowledge(mine.flagId!);
      await agent.requestJoin(theirs.flagId!);
      await agent.requestJoin(mine.flagId!);
      const rowOf = (message: string) => rows(el).find((r) => r.querySelector('.preview')?.textContent === message);
      await waitUntil(() => rowOf('claimed by Sid')?.querySelector('.mark.join') && rowOf('claimed by me')?.querySelector('button.join'), 'both joins requested');
      expect(rowOf('claimed by Sid')!.querySelector('button.join')).to.equal(null);
      expect(rowOf('claimed by Sid')!.querySelector('button.decline')).to.equal(null);
      rowOf('claimed by me')!.querySelector<HTMLButtonElement>('button.decline')!.click();
      const flags = await until(agent.$flags, (m) => m.get(mine.flagId!)?.join === 'declined');
      expect(flags.get(mine.flagId!)!.joinBy!.name).to.equal('Sam Supervisor');
      await waitUntil(() => !rowOf('claimed by me')!.querySelector('button.decline'), 'Decline gone once answered');
      await expect(el).to.be.accessible();
    });

    it('renders once per animation frame however many events arrive, and announces them all', async () => {
      const el = await widget();
      let renders = 0;
      const view = el as unknown as { render(): unknown };
      const render = view.render.bind(el);
      view.render = () => (renders++, render());
      // The test holds the frames: each event arrives in its own task, none may render before the frame.
      const held: FrameRequestCallback[] = [];
      const requestFrame = window.requestAnimationFrame;
      const frame = async () => {
        for (const callback of held.splice(0)) callback(performance.now());
        await el.updateComplete;
      };
      const announced = () => [...el.shadowRoot!.querySelectorAll('[role="status"][aria-live="polite"] p')].map((p) => p.textContent);
      /** A task: past the frame that was being produced (its one follow-up update is spent). */
      const task = () => new Promise((resolve) => setTimeout(resolve));
      await task();
      await el.updateComplete;
      window.requestAnimationFrame = (callback) => held.push(callback);
      try {
        for (let i = 0; i < 30; i++) await agent.raise({ interactionId: `i-${i}`, channel: 'voice', message: `flag ${i}` });
        await until(supervisor.$openFlags, (f) => f.length === 30);
        expect(renders).to.equal(0);
        expect($(el, '.count').textContent).to.equal('0 open flags');
        await frame();
        // One render for the frame (and at most the list window's second pass after measuring, in the same frame).
        expect(renders).to.be.within(1, 2);
        expect($(el, '.count').textContent).to.equal('30 open flags');
        // The client's order (longest waiting first; flags raised in the same millisecond in either order).
        expect(rows(el)[0]!.querySelector('.preview')!.textContent).to.equal(supervisor.$openFlags.get()[0]!.message);
        expect(announced()).to.deep.equal(['30 new or escalated flags']);

        await task();
        renders = 0;
        await agent.raise({ interactionId: 'i-30', channel: 'voice', message: 'flag 30' });
        await agent.raise({ interactionId: 'i-31', channel: 'voice', message: 'flag 31' });
        await until(supervisor.$openFlags, (f) => f.length === 32);
        expect(renders).to.equal(0);
        await frame();
        expect(announced()).to.deep.equal(['New flag from Ann Agent: flag 30', 'New flag from Ann Agent: flag 31']);
        expect($(el, '.count').textContent).to.equal('32 open flags');
      } finally {
        window.requestAnimationFrame = requestFrame;
      }
      await expect(el).to.be.accessible();
    });

    it('orders urgent first, then longest waiting, with set size and positions', async () => {
      const el = await widget();
      await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'first' });
      await agent.raise({ interactionId: 'i-2', channel: 'voice', message: 'urgent one', severity: 'urgent' });
      await agent.raise({ interactionId: 'i-3', channel: 'voice', message: 'third' });
      await waitUntil(() => rows(el).length === 3, 'three rows');
      expect(rows(el).map((r) => r.querySelector('.preview')!.textContent)).to.deep.equal(['urgent one', 'first', 'third']);
      expect(rows(el).map((r) => [r.getAttribute('aria-posinset'), r.getAttribute('aria-setsize')])).to.deep.equal([
        ['1', '3'],
        ['2', '3'],
        ['3', '3'],
      ]);
      expect(rows(el)[0]!.querySelector('.mark.urgent')!.textContent).to.equal('Urgent');
    });

    it('acknowledges by keyboard and shows who', async () => {
      const el = await widget();
      await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'help' });
      await waitUntil(() => rows(el).length === 1, 'row');
      const acknowledged = next(el, 'flag-acknowledged');
      $(el, '.acknowledge').focus();
      await sendKeys({ press: 'Enter' });
      expect((await acknowledged).event.actor.name).to.equal('Sam Supervisor');
      await waitUntil(() => /^Acknowledged by Sam Supervisor · \d+ sec$/.test($maybe(el, '.state')?.textContent ?? ''), 'acknowledged, and since when');
      expect($maybe(el, '.acknowledge')).to.equal(null);
      // The Acknowledge button left with its job done; focus stays on the row.
      await waitUntil(() => el.shadowRoot!.activeElement === $(el, '.open-chat'), 'focus on Open chat');
      await expect(el).to.be.accessible();
    });

    it('shows the loser of an acknowledge race why, on the row, with flag-error', async () => {
      const other = w.client({ id: 'sue', name: 'Sue Supervisor', role: 'supervisor', teams: ['blue'] });
      const el = await widget();
      const { flagId } = await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'help' });
      await until(other.$openFlags, (f) => f.length === 1);
      await waitUntil(() => rows(el).length === 1, 'row');
      const failed = next(el, 'flag-error');
      // Sue's command reaches the source of truth first; Sam's click, a moment later, loses.
      const sue = other.acknowledge(flagId!);
      $<HTMLButtonElement>(el, '.acknowledge').click();
      await sue;
      const { error, action } = await failed;
      expect([error.code, action]).to.deep.equal(['already-acknowledged', 'acknowledge']);
      await waitUntil(() => row(el, 'Ann Agent')?.querySelector('[role="alert"]'), 'error on the row');
      expect(row(el, 'Ann Agent')!.querySelector('[role="alert"]')!.textContent).to.contain('Sue Supervisor already acknowledged');
      await expect(el).to.be.accessible();
    });

    it('asks the host before joining: a prevented flag-join accepts nothing', async () => {
      const el = await widget();
      const { flagId } = await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'join me' });
      await agent.requestJoin(flagId!);
      await waitUntil(() => $maybe(el, 'button.join'), 'join button');
      expect($(el, '.mark.join').textContent).to.equal('Join requested');
      el.addEventListener('flag-join', (e) => e.preventDefault(), { once: true });
      const asked = next(el, 'flag-join');
      $(el, 'button.join').click();
      expect((await asked).flag.id).to.equal(flagId);
      expect(supervisor.$flags.get().get(flagId!)!.join).to.equal('requested');

      const accepted = next(el, 'join-accepted');
      $(el, 'button.join').focus();
      await sendKeys({ press: 'Enter' });
      expect((await accepted).flag.join).to.equal('accepted');
      await waitUntil(() => /^Sam Supervisor joined · \d+ sec$/.test($maybe(el, '.state')?.textContent ?? ''), 'joined, and since when');
    });

    it('opens the chat beside the list and gives focus back on close', async () => {
      const el = await widget();
      const { flagId } = await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'chat?' });
      await waitUntil(() => rows(el).length === 1, 'row');
      const opened = next(el, 'flag-open-chat');
      $(el, '.open-chat').focus();
      await sendKeys({ press: 'Enter' });
      expect((await opened).flag.id).to.equal(flagId);
      await el.updateComplete;
      const chat = $(el, 'supervisor-chat');
      expect(chat.getAttribute('flag-id')).to.equal(flagId);
      expect($(el, '#chat-title').textContent).to.equal('Chat with Ann Agent');
      expect(el.shadowRoot!.activeElement).to.equal($(el, '.chat-panel .close'));
      await expect(el).to.be.accessible();
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect($maybe(el, 'supervisor-chat')).to.equal(null);
      expect(el.shadowRoot!.activeElement).to.equal($(el, '.open-chat'));
    });

    it('lowers flags by keyboard: the row leaves and focus moves to the next one, then to the heading', async () => {
      const el = await widget();
      await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'first' });
      await agent.raise({ interactionId: 'i-2', channel: 'voice', message: 'second' });
      await waitUntil(() => rows(el).length === 2, 'rows');
      const lowered = next(el, 'flag-lowered');
      rows(el)[0]!.querySelector<HTMLElement>('.lower')!.focus();
      await sendKeys({ press: 'Enter' });
      expect((await lowered).event.actor.id).to.equal('sam');
      await waitUntil(() => rows(el).length === 1, 'one row left');
      await waitUntil(() => el.shadowRoot!.activeElement === rows(el)[0]!.querySelector('.open-chat'), 'focus on the next row');
      rows(el)[0]!.querySelector<HTMLElement>('.lower')!.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => rows(el).length === 0, 'no rows');
      await waitUntil(() => el.shadowRoot!.activeElement === $(el, 'h2'), 'focus on the heading');
    });

    it('asks for notification permission only when the supervisor turns notifications on in Alert settings', async () => {
      const original = Notification.requestPermission;
      let asked = 0;
      Notification.requestPermission = async () => (asked++, 'denied');
      try {
        const el = await widget();
        el.notifications = true;
        await el.updateComplete;
        expect(Notification.permission).to.equal('default');
        await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'alert me' });
        await waitUntil(() => rows(el).length === 1, 'row');
        expect(asked).to.equal(0);
        await expect(el).to.be.accessible();
        $(el, '.alert-settings-toggle').focus();
        await sendKeys({ press: 'Enter' });
        expect($(el, '.alert-settings').matches(':popover-open')).to.equal(true);
        $(el, '.alert-desktop').focus();
        await sendKeys({ press: 'Space' });
        expect(asked).to.equal(1);
        await waitUntil(() => !$<HTMLInputElement>(el, '.alert-desktop').checked, 'still off: the browser said no');
      } finally {
        Notification.requestPermission = original;
      }
    });

    it('closing the alert settings (Escape, Done) puts focus back on their button', async () => {
      const el = await widget();
      el.sound = true; // the settings offer what the host allows
      await el.updateComplete;
      const toggle = $(el, '.alert-settings-toggle');
      const focused = () => el.shadowRoot!.activeElement;
      toggle.focus();
      await sendKeys({ press: 'Enter' });
      $(el, '.alert-repeat').focus();
      await sendKeys({ press: 'Escape' });
      await waitUntil(() => !$(el, '.alert-settings').matches(':popover-open'), 'closed by Escape');
      await waitUntil(() => focused() === toggle, 'focus back on the button after Escape');
      await sendKeys({ press: 'Enter' });
      $(el, '.alert-settings-done').focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => !$(el, '.alert-settings').matches(':popover-open'), 'closed by Done');
      await waitUntil(() => focused() === toggle, 'focus back on the button after Done');
    });

    it('in a narrow column (a 390 px phone less the page and row padding) the state line wraps instead of cutting off how long ago', async () => {
      const el = await widget();
      el.style.inlineSize = '280px';
      const { flagId } = await agent.raise({ interactionId: 'i-1', channel: 'voice', customerLabel: 'Jordan Price', message: 'Refund?' });
      await supervisor.acknowledge(flagId!);
      const state = () => $maybe(el, '.state');
      await waitUntil(() => /^Acknowledged by Sam Supervisor · \d+ sec$/.test(state()?.textContent ?? ''), 'acknowledged');
      expect(state()!.scrollWidth).to.be.at.most(state()!.clientWidth, 'nothing cut');
      expect(state()!.scrollHeight).to.be.at.most(state()!.clientHeight, 'nor clamped');
      expect(state()!.getBoundingClientRect().right).to.be.at.most(el.getBoundingClientRect().right, 'inside the widget');
    });

    it('announces to the supervisor who took the flag that its agent asks them to join, then lowered it', async () => {
      const el = await widget();
      const live = () => $(el, '[role="status"][aria-live="polite"]').textContent;
      const { flagId } = await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'Refund?' });
      await waitUntil(() => rows(el).length === 1, 'row');
      await supervisor.acknowledge(flagId!);
      await agent.requestJoin(flagId!);
      await waitUntil(() => live() === 'Ann Agent asks you to join the conversation', 'join request announced');
      await agent.lower(flagId!);
      await waitUntil(() => live() === 'Ann Agent lowered their flag', 'the lower announced as the row leaves');
      expect(rows(el)).to.have.length(0);
    });

    it('lets go of the client when removed (no listeners, no events) and catches up when reattached', async () => {
      const before = supervisor.$openFlags.lc;
      const el = await widget();
      expect(supervisor.$openFlags.lc).to.equal(before + 1);
      el.remove();
      expect(supervisor.$openFlags.lc).to.equal(before);
      let heard = 0;
      el.addEventListener('flag-raised', () => heard++);
      await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'anyone?' });
      await until(supervisor.$openFlags, (f) => f.length === 1);
      expect(heard).to.equal(0);
      document.body.append(el);
      await waitUntil(() => rows(el).length === 1, 'back and up to date once reattached');
      el.remove();
    });

    it('chimes once for flags raised together, never once the supervisor turned the sound off', async () => {
      const el = await widget();
      let chimes = 0;
      el.playSound = () => chimes++;
      el.sound = true;
      await el.updateComplete;
      await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'one' });
      await agent.raise({ interactionId: 'i-2', channel: 'voice', message: 'two' });
      await waitUntil(() => rows(el).length === 2, 'rows');
      expect(chimes).to.equal(1);
      $(el, '.alert-settings-toggle').focus();
      await sendKeys({ press: 'Enter' });
      $(el, '.alert-sound').focus();
      await sendKeys({ press: 'Space' });
      expect(el.alertSettings.sound).to.equal(false);
    });

    it('shows the offline notice while the connection is down', async () => {
      const el = await widget();
      w.hub.goOffline();
      await waitUntil(() => $maybe(el, '.connection'), 'offline notice');
      await expect(el).to.be.accessible();
      w.hub.goOnline();
      await waitUntil(() => !$maybe(el, '.connection'), 'notice gone');
    });

    it('lists 1,000 flags with a few rows in the DOM, the full set size, and focus kept while scrolling', async () => {
      // Seeded at the source of truth (as stored flags would be); the wallboard loads them.
      const authority = await w.hub.ready;
      for (let i = 0; i < 1000; i++)
        await authority.execute(ann, { id: `bulk-${i}`, command: { type: 'raise', interactionId: `bulk-${i}`, channel: 'voice', message: `flag ${i}` } });
      const el = await widget(w.client(sam));
      await waitUntil(() => $(el, '.count').textContent === '1000 open flags', 'count', { timeout: 8000 });
      await waitUntil(() => rows(el).length > 0, 'rows');
      expect(rows(el).length).to.be.below(100);
      expect(rows(el)[0]!.getAttribute('aria-setsize')).to.equal('1000');
      expect(rows(el)[0]!.getAttribute('aria-posinset')).to.equal('1');

      // Focus a row, then scroll it far out of the rendered range: focus stays in the list.
      const list = $(el, '.list');
      rows(el)[0]!.querySelector<HTMLElement>('.open-chat')!.focus();
      list.scrollTop = list.scrollHeight / 2;
      await waitUntil(() => !rows(el).some((r) => r.getAttribute('aria-posinset') === '1'), 'first row recycled');
      await waitUntil(() => el.shadowRoot!.activeElement === list, 'focus held by the list');
      expect(list.scrollTop).to.be.above(1000);
      const shown = rows(el).map((r) => Number(r.getAttribute('aria-posinset')));
      expect(Math.min(...shown)).to.be.above(100);

      // From the keyboard, the focused list reaches its last and first flags.
      const inView = (posinset: string) => {
        const r = rows(el).find((x) => x.getAttribute('aria-posinset') === posinset)?.getBoundingClientRect();
        const box = list.getBoundingClientRect();
        return !!r && r.bottom > box.top && r.top < box.bottom;
      };
      await sendKeys({ press: 'End' });
      await waitUntil(() => inView('1000'), 'last flag in view');
      await sendKeys({ press: 'Home' });
      await waitUntil(() => inView('1') && list.scrollTop === 0, 'first flag in view');
    });
  });

  describe('escalation and filters', () => {
    it('highlights and announces an escalated flag', async () => {
      let now = Date.now();
      w = world({ now: () => now, config: { escalation: { afterMs: 60_000 } } });
      agent = w.client(ann);
      supervisor = w.client(sam);
      const el = await widget();
      await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'anyone?' });
      await waitUntil(() => rows(el).length === 1, 'row');
      now += 61_000;
      const escalated = next(el, 'flag-escalated');
      await w.hub.tick();
      await escalated;
      await waitUntil(() => $maybe(el, '.mark.escalated'), 'escalated mark');
      expect($(el, '[role="status"][aria-live="polite"]').textContent).to.equal('Flag from Ann Agent escalated');
      await expect(el).to.be.accessible();
    });

    it('filters by team and channel from the keyboard', async () => {
      w = world();
      agent = w.client(ann);
      const other = w.client(ben);
      const all = w.client(lead);
      await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'blue voice' });
      await other.raise({ interactionId: 'i-2', channel: 'enhanced-messaging', message: 'green messaging' });
      const el = await widget(all);
      await waitUntil(() => rows(el).length === 2, 'two rows');
      $(el, '.team-filter').focus();
      await sendKeys({ press: 'ArrowDown' });
      await waitUntil(() => rows(el).length === 1, 'one team');
      expect(el.team).to.equal('blue');
      expect(rows(el)[0]!.querySelector('.preview')!.textContent).to.equal('blue voice');
      el.team = '';
      el.channel = 'enhanced-messaging';
      await waitUntil(() => rows(el).length === 1 && rows(el)[0]!.querySelector('.preview')!.textContent === 'green messaging', 'one channel');
      expect($(el, '.count').textContent).to.equal('1 open flag');
      await expect(el).to.be.accessible();
    });
  });
});
