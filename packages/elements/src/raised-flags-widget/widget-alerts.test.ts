/**
 * The wallboard's persistent alerts in Chromium: repeats on a clock the test moves, the Alert
 * settings popover by keyboard, settings kept per supervisor, missed flags, the title badge and
 * notification clicks. Headless Chromium shows no notifications, so `Notification` is replaced by
 * a recorder here, and the service worker's click handler is called as the worker calls it.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { FlagClient } from '@flagline/core';
import '../define.js';
import type { RaisedFlagsWidget } from './raised-flags-widget.js';
import { openFlagFromNotification, OPEN_FLAG_MESSAGE, type WindowLike } from '../service-worker/flagline-sw.js';
import { ManualClock } from '../../../core/test/manual-clock.js';
import { $, $maybe, ann, next, sam, until, world, type World } from '../../test/harness.js';

/** What `new Notification` was asked to show, and the notifications themselves (to click). */
const shown: { title: string; tag: string | undefined }[] = [];
const made: RecordingNotification[] = [];
class RecordingNotification {
  static permission: NotificationPermission = 'granted';
  static requestPermission = async () => 'granted' as NotificationPermission;
  onclick: (() => void) | null = null;
  constructor(title: string, options: NotificationOptions = {}) {
    shown.push({ title, tag: options.tag });
    made.push(this);
  }
  close() {}
}

describe('<raised-flags-widget> alerts', () => {
  let w: World;
  let agent: FlagClient;
  let supervisor: FlagClient;
  let clock: ManualClock;
  const realNotification = window.Notification;
  beforeEach(() => {
    w = world();
    agent = w.client(ann);
    supervisor = w.client(sam);
    clock = new ManualClock();
    shown.length = 0;
    made.length = 0;
    (window as { Notification: unknown }).Notification = RecordingNotification;
  });
  afterEach(() => {
    window.Notification = realNotification;
    localStorage.clear();
    return w.close();
  });

  async function widget(attrs: { repeatMs?: number; maxRepeats?: number; badge?: boolean } = {}, client = supervisor): Promise<RaisedFlagsWidget> {
    const el = await fixture<RaisedFlagsWidget>(html`<raised-flags-widget
      .client=${client}
      .clock=${clock}
      sound
      notifications
      alert-repeat-ms=${attrs.repeatMs ?? 30_000}
      alert-max-repeats=${attrs.maxRepeats ?? 5}
      ?badge-title=${attrs.badge ?? false}
    ></raised-flags-widget>`);
    await until(client.$status, (s) => s === 'online');
    return el;
  }
  const rows = (el: RaisedFlagsWidget) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="listitem"]')];
  const openSettings = async (el: RaisedFlagsWidget) => {
    $(el, '.alert-settings-toggle').focus();
    await sendKeys({ press: 'Enter' });
    expect($(el, '.alert-settings').matches(':popover-open')).to.equal(true);
  };

  it('empties its live region 7 s after the last announcement, so a screen-reader user browsing later meets no stale news', async () => {
    const el = await widget();
    const live = () => $(el, '[role="status"][aria-live="polite"]').textContent;
    await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'anyone?' });
    await waitUntil(() => live() === 'New flag from Ann Agent: anyone?', 'announced');
    clock.advance(6_000);
    await agent.raise({ interactionId: 'i-2', channel: 'voice', message: 'me too' });
    await waitUntil(() => live() === 'New flag from Ann Agent: me too', 'the next one replaces it');
    clock.advance(6_999);
    await el.updateComplete;
    expect(live(), 'kept 7 s from the latest').to.equal('New flag from Ann Agent: me too');
    clock.advance(1);
    await waitUntil(() => live() === '', 'emptied');
    expect(rows(el)).to.have.length(2);
  });

  it('repeats the sound and the notification of an unanswered flag every interval, capped, until acknowledged', async () => {
    const el = await widget({ repeatMs: 10_000, maxRepeats: 2 });
    let chimes = 0;
    el.playSound = () => chimes++;
    const { flagId } = await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'anyone?' });
    const other = await agent.raise({ interactionId: 'i-2', channel: 'voice', message: 'me too' });
    await waitUntil(() => rows(el).length === 2, 'rows');
    expect(chimes, 'one chime for both').to.equal(1);
    expect(shown.map((n) => n.title)).to.deep.equal(['New flag from Ann Agent: anyone?', 'New flag from Ann Agent: me too']);
    clock.advance(10_000);
    expect(chimes, 'both repeat together: one chime').to.equal(2);
    expect(shown.slice(2)).to.deep.equal([
      { title: 'Still waiting: Ann Agent', tag: flagId },
      { title: 'Still waiting: Ann Agent', tag: other.flagId },
    ]);
    await supervisor.acknowledge(flagId!);
    await waitUntil(() => rows(el).filter((r) => r.dataset.state === 'acknowledged').length === 1, 'acknowledged');
    clock.advance(10_000);
    expect(shown.slice(4).map((n) => n.tag), 'the acknowledged flag stops; the other repeats').to.deep.equal([other.flagId]);
    clock.advance(10_000);
    clock.advance(10_000);
    expect(shown.length, 'capped at 2 repeats').to.equal(5);
    expect(chimes).to.equal(3);
  });

  it('Alert settings: keyboard only, accessible, saved per supervisor, and the interval applies at once', async () => {
    const el = await widget({ repeatMs: 30_000 });
    let chimes = 0;
    el.playSound = () => chimes++;
    await openSettings(el);
    await expect(el).to.be.accessible();
    // Tab goes from the button into the popover, control by control.
    const focusedClass = () => el.shadowRoot!.activeElement?.className;
    for (const expected of ['alert-sound', 'alert-desktop', 'alert-repeat']) {
      await sendKeys({ press: 'Tab' });
      expect(focusedClass()).to.equal(expected);
    }
    const changed = next(el, 'alert-settings-change');
    // From "Every 30 sec" one option up: "Every 15 sec".
    await sendKeys({ press: 'ArrowUp' });
    const { settings, chosen } = await changed;
    expect(settings.repeatMs).to.equal(15_000);
    expect(chosen).to.deep.equal({ repeatMs: 15_000 });
    await sendKeys({ press: 'Escape' });
    expect($(el, '.alert-settings').matches(':popover-open')).to.equal(false);

    await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'help' });
    await waitUntil(() => rows(el).length === 1, 'row');
    clock.advance(15_000);
    expect(chimes).to.equal(2);

    // The same supervisor on another wallboard in this browser gets their choice; someone else does not.
    el.remove();
    const again = await widget({ repeatMs: 30_000 }, w.client(sam));
    expect(again.alertSettings.repeatMs).to.equal(15_000);
    const lea = await widget({ repeatMs: 30_000 }, w.client({ id: 'lea', name: 'Lea Lead', role: 'supervisor', teams: ['blue'] }));
    expect(lea.alertSettings.repeatMs).to.equal(30_000);
    // The host may feed the settings (e.g. from the relay): they win.
    lea.alertSettings = { repeatMs: 120_000, sound: false };
    await lea.updateComplete;
    expect(lea.alertSettings).to.include({ repeatMs: 120_000, sound: false, maxRepeats: 5 });
    expect($<HTMLSelectElement>(lea, '.alert-repeat').value).to.equal('120000');
  });

  it("follows the supervisor to another device: the source of truth keeps the choice, and it wins over a browser's old copy", async () => {
    const el = await widget({ repeatMs: 30_000 });
    await until(supervisor.settings.$available, (a) => a);
    await openSettings(el);
    for (let i = 0; i < 3; i++) await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'ArrowUp' });
    const kept = await until(supervisor.settings.personal.alerts, (s) => s.version > 0);
    expect(kept.value).to.include({ repeatMs: 15_000, sound: true });
    el.remove();

    // Another device: this browser's copy is gone (or says something older); the kept choice applies.
    localStorage.clear();
    localStorage.setItem(`flagline-alert-settings:${sam.id}`, JSON.stringify({ repeatMs: 60_000 }));
    const elsewhere = w.client(sam);
    const again = await widget({ repeatMs: 30_000 }, elsewhere);
    await until(elsewhere.settings.personal.alerts, (s) => s.version > 0);
    await again.updateComplete;
    expect(again.alertSettings.repeatMs).to.equal(15_000);
    expect($<HTMLSelectElement>(again, '.alert-repeat').value).to.equal('15000');
  });

  it('lists flags lowered or escalated while nobody answered under "Missed", and clears them', async () => {
    const el = await widget();
    const { flagId } = await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'never mind' });
    await waitUntil(() => rows(el).length === 1, 'row');
    expect($maybe(el, '.missed-toggle')).to.equal(null);
    await agent.lower(flagId!);
    await waitUntil(() => $maybe(el, '.missed-toggle')?.textContent?.trim() === 'Missed (1)', 'Missed (1)');
    $(el, '.missed-toggle').focus();
    await sendKeys({ press: 'Enter' });
    expect($(el, '.missed-toggle').getAttribute('aria-expanded')).to.equal('true');
    const item = $(el, '.missed li');
    expect(item.dataset.flagId).to.equal(flagId);
    expect(item.textContent).to.contain('Ann Agent').and.contain('never mind').and.contain('Lowered unanswered');
    await expect(el).to.be.accessible();
    $(el, '.clear-missed').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !$maybe(el, '.missed') && !$maybe(el, '.missed-toggle'), 'cleared');
  });

  it('badges the title and favicon with the flags waiting while the page is hidden, and restores them', async () => {
    document.title = 'Wallboard';
    const visibility = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')!;
    const setVisibility = (state: DocumentVisibilityState) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    try {
      const el = await widget({ badge: true });
      const { flagId } = await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'one' });
      await agent.raise({ interactionId: 'i-2', channel: 'voice', message: 'two' });
      await waitUntil(() => rows(el).length === 2, 'rows');
      expect(document.title, 'visible: no badge').to.equal('Wallboard');
      setVisibility('hidden');
      expect(document.title).to.equal('(2) Wallboard');
      const icon = () => document.querySelector<HTMLLinkElement>('link[rel~="icon"]');
      expect(decodeURIComponent(icon()!.href)).to.match(/^data:image\/svg\+xml,<svg.*>2<\/text><\/svg>$/);
      await supervisor.acknowledge(flagId!);
      await waitUntil(() => document.title === '(1) Wallboard', 'one waits now');
      setVisibility('visible');
      expect(document.title).to.equal('Wallboard');
      expect(icon(), 'the icon it added is gone').to.equal(null);
    } finally {
      Object.defineProperty(document, 'visibilityState', visibility);
      delete (document as { visibilityState?: unknown }).visibilityState;
    }
  });

  it('opens the flag when its notification is clicked: the page fallback, and the service worker message', async () => {
    const el = await widget();
    const { flagId } = await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'click me' });
    await waitUntil(() => rows(el).length === 1 && made.length === 1, 'notified');
    const opened = next(el, 'flag-open-chat');
    made[0]!.onclick!();
    expect((await opened).flag.id).to.equal(flagId);
    await waitUntil(() => $maybe(el, '.chat-panel supervisor-chat')?.getAttribute('flag-id') === flagId, 'its chat is open');
    $(el, '.chat-panel .close').click();
    await waitUntil(() => !$maybe(el, '.chat-panel'), 'closed');

    const again = next(el, 'flag-open-chat');
    navigator.serviceWorker.dispatchEvent(new MessageEvent('message', { data: { type: OPEN_FLAG_MESSAGE, flagId } }));
    expect((await again).flag.id).to.equal(flagId);
  });
});

describe('flagline-sw.js notificationclick', () => {
  const data = { flagId: 'f-1', url: 'https://crm.example/wallboard.html?as=sam' };
  function clients(windows: string[]) {
    const log: unknown[] = [];
    const list: WindowLike[] = windows.map((url) => ({
      url,
      focus: async () => void log.push(['focus', url]),
      postMessage: (m: unknown) => void log.push(['message', url, m]),
    }));
    return {
      log,
      matchAll: async () => list,
      openWindow: async (url: string) => void log.push(['open', url]),
    };
  }
  const notification = (d: unknown) => ({ data: d, closed: false, close() { this.closed = true; } });

  it('tells the open wallboard which flag to open, then focuses it', async () => {
    const c = clients(['https://crm.example/agent.html', 'https://crm.example/wallboard.html?as=sam#x']);
    const n = notification(data);
    expect(await openFlagFromNotification(n, c)).to.equal('focused');
    expect(n.closed).to.equal(true);
    expect(c.log).to.deep.equal([
      ['message', 'https://crm.example/wallboard.html?as=sam#x', { type: OPEN_FLAG_MESSAGE, flagId: 'f-1' }],
      ['focus', 'https://crm.example/wallboard.html?as=sam#x'],
    ]);
  });

  it('opens the wallboard on the flag when its tab is gone', async () => {
    const c = clients(['https://other.example/wallboard.html']);
    expect(await openFlagFromNotification(notification(data), c)).to.equal('opened');
    expect(c.log).to.deep.equal([['open', 'https://crm.example/wallboard.html?as=sam&flagline-flag=f-1']]);
  });

  it('leaves other notifications alone', async () => {
    const c = clients(['https://crm.example/wallboard.html']);
    const n = notification({ something: 'else' });
    expect(await openFlagFromNotification(n, c)).to.equal('not-ours');
    expect([n.closed, c.log]).to.deep.equal([false, []]);
  });
});

