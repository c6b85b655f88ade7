/**
 * A desktop notification click opens the flag, on the real `npm start` stack in Chromium. What is
 * real: the widget registers the demo's built `flagline-sw.js`, the browser grants notifications
 * (`grantPermissions`), the widget shows the flag's notification through the service worker
 * (`registration.showNotification`, read back with `getNotifications()`), and the worker's
 * handler runs in the worker on that notification. What is simulated: the click itself — no one
 * can click an OS notification from a test — so the worker dispatches `notificationclick` to
 * itself. A script-dispatched click carries no user activation, so the browser refuses the
 * worker's `focus()` and `openWindow()`; the tab that was gone is opened here at the URL the
 * worker would open (`?flagline-flag=<id>`), which the handler's unit test pins down.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from 'playwright-core';
import { AgentDesk, Wallboard } from './pages.js';
import { onStack, screenshot } from './stack.js';

declare const self: { registration: { getNotifications(): Promise<{ title: string; tag: string; data: unknown }[]> }; dispatchEvent(e: Event): boolean };
declare const NotificationEvent: new (type: string, init: { notification: unknown }) => Event;

describe('notification click (service worker)', () => {
  const { stack, open } = onStack();

  it('focuses the wallboard on the flag; with the tab gone, the wallboard opens on it', async () => {
    const agent = new AgentDesk((await open('/agent.html?as=ann')).page);
    const { context, page } = await open('/wallboard.html?as=sam');
    await context.grantPermissions(['notifications'], { origin: stack.url });
    const worker: Worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    assert.match(worker.url(), /\/flagline-sw\.js$/);
    const sup = new Wallboard(page);

    await agent.raise('Notify me, please');
    await sup.row('Notify me, please').waitFor();
    const notifications = async () => worker.evaluate(async () => (await self.registration.getNotifications()).map(({ title, tag, data }) => ({ title, tag, data })));
    // Shown once the worker's registration resolves, a moment after the row: ask until it is there (bounded).
    let shown = await notifications();
    for (let i = 0; shown.length === 0 && i < 50; i++) shown = await notifications();
    assert.equal(shown.length, 1, 'one notification, from the service worker');
    const [note] = shown;
    const { flagId, url } = note!.data as { flagId: string; url: string };
    assert.equal(note!.title, 'New flag from Ann Agent: Notify me, please');
    assert.equal(note!.tag, flagId, 'tagged per flag: a repeat replaces it');
    assert.match(url, /\/wallboard\.html\?as=sam$/);

    const click = () =>
      worker.evaluate(async () => {
        const [n] = await self.registration.getNotifications();
        self.dispatchEvent(new NotificationEvent('notificationclick', { notification: n }));
      });
    await click();
    await page.getByRole('heading', { name: 'Private chat with Ann Agent' }).waitFor();
    await screenshot(page, 'notification-click-focused');

    // The tab is gone (closed or discarded): the worker opens the wallboard with the flag in its URL.
    await page.close();
    const reopened = await context.newPage();
    await reopened.goto(`${url}&flagline-flag=${encodeURIComponent(flagId)}`);
    await reopened.getByRole('heading', { name: 'Private chat with Ann Agent' }).waitFor();
    assert.equal(new URL(reopened.url()).searchParams.get('flagline-flag'), null, 'the widget took its parameter out of the URL');
    await screenshot(reopened, 'notification-click-opened');
    await new Wallboard(reopened).row('Notify me, please').getByRole('button', { name: 'Lower' }).click();
  });
});
