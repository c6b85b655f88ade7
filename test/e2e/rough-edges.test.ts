/**
 * The rough edges a new user met on the `npm start` stack (issue 17), one test each, agent and
 * supervisor in separate browser contexts of Debian's Chromium.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { AgentDesk, Wallboard } from './pages.js';
import { onStack } from './stack.js';

type Box = { x: number; y: number; width: number; height: number };

async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  assert.ok(b, 'rendered');
  return b;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function inViewport(b: Box, page: Page): boolean {
  const { width, height } = page.viewportSize()!;
  return b.x >= 0 && b.y >= 0 && b.x + b.width <= width + 0.5 && b.y + b.height <= height + 0.5;
}

describe('Rough edges, end to end', () => {
  const { open: person } = onStack();
  const open = async (path: string, viewport?: { width: number; height: number }) => (await person(path, viewport)).page;


  /** Raise on the agent's shown interaction, acknowledge on the wallboard, and return the row. */
  async function raiseAndAcknowledge(agent: AgentDesk, sup: Wallboard, message: string): Promise<Locator> {
    await agent.raise(message);
    const row = sup.row(message);
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await agent.trigger.filter({ hasText: 'Acknowledged by' }).waitFor();
    return row;
  }

  it('agent: a flag the supervisor lowers while the panel is closed is announced; the supervisor who joined stays; the join toast goes', async () => {
    const agent = new AgentDesk(await open('/agent.html?as=ann'));
    const sup = new Wallboard(await open('/wallboard.html?as=sam'));
    const row = await raiseAndAcknowledge(agent, sup, 'Lowered while the panel is closed');
    await agent.click('Request supervisor to join');
    await row.getByRole('button', { name: 'Join' }).click();
    await agent.joined.waitFor();
    await sup.page.getByTestId('join-toast').waitFor();
    await (await agent.panel()).getByRole('button', { name: 'Close' }).click();
    await agent.flagButton.locator('[part=panel]').waitFor({ state: 'hidden' });

    await row.getByRole('button', { name: 'Lower' }).click();
    await agent.trigger.filter({ hasText: 'Raise flag' }).waitFor();
    const notice = agent.flagButton.getByRole('status').filter({ hasText: 'Flag lowered by Sam Supervisor' });
    await notice.waitFor();
    assert.ok(await notice.isVisible(), 'seen, not only announced');
    // The supervisor joined the call and has not left it: lowering the flag does not end that.
    assert.ok(await agent.joined.isVisible(), 'the joined chip stays');
    assert.ok(await agent.page.locator('.system-line', { hasText: 'joined the call' }).isVisible(), 'the "joined the call" line stays');
    assert.equal(await sup.page.getByTestId('join-toast').count(), 0, 'the join toast went with the flag');

    await notice.getByRole('button', { name: 'Close' }).click();
    await notice.waitFor({ state: 'detached' });
  });

  for (const viewport of [{ width: 1280, height: 720 }, { width: 390, height: 844 }]) {
    it(`agent at ${viewport.width} px: the flag panel opens in view, over neither the conversation nor the transcript`, async () => {
      const agent = new AgentDesk(await open('/agent.html?as=ben', viewport));
      const sup = new Wallboard(await open('/wallboard.html?as=sam'));
      const message = `Panel placement at ${viewport.width}`;
      const row = await raiseAndAcknowledge(agent, sup, message);
      await agent.click('Request supervisor to join');
      await row.getByRole('button', { name: 'Join' }).click();
      await agent.joined.waitFor();
      const panel = await agent.panel();
      const panelBox = await box(panel);
      assert.ok(inViewport(panelBox, agent.page), `the panel is in view: ${JSON.stringify(panelBox)}`);
      if (viewport.width >= 1100) {
        const needed = {
          'the joined chip': agent.joined,
          'the joined line': agent.page.locator('.system-line', { hasText: 'joined the call' }),
          "the customer's newest line": agent.page.locator('.bubble.customer').last(),
          "the transcript's newest entry": agent.transcript.last(),
          'the flag button': agent.trigger,
        };
        for (const [what, locator] of Object.entries(needed)) assert.ok(!overlaps(panelBox, await box(locator)), `the panel covers ${what}`);
      }
      await row.getByRole('button', { name: 'Lower' }).click();
      await row.waitFor({ state: 'detached' });
    });
  }

  it('agent: the transcript shows its newest entry', async () => {
    const agent = new AgentDesk(await open('/agent.html?as=cara', { width: 1280, height: 560 }));
    const sup = new Wallboard(await open('/wallboard.html?as=sue'));
    const row = await raiseAndAcknowledge(agent, sup, 'Transcript scrolls');
    for (let i = 1; i <= 10; i++) await agent.say(`Line ${i} of the private chat`);
    const newest = agent.transcript.filter({ hasText: 'Line 10 of the private chat' });
    await newest.waitFor();
    const list = agent.page.getByTestId('transcript');
    assert.ok(await list.evaluate((el) => el.scrollHeight > el.clientHeight), 'enough entries to scroll');
    // The list scrolls to the newest entry once it has rendered it.
    await agent.page.waitForFunction(() => {
      const el = document.querySelector('[data-testid=transcript]')!;
      return el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
    });
    const [listBox, entryBox] = [await box(list), await box(newest)];
    assert.ok(entryBox.y >= listBox.y && entryBox.y + entryBox.height <= listBox.y + listBox.height + 1, 'the newest entry is inside the visible part of the list');
    await row.getByRole('button', { name: 'Lower' }).click();
    await row.waitFor({ state: 'detached' });
  });

  it('agent: changing a host setting keeps the interaction on screen', async () => {
    const agent = new AgentDesk(await open('/agent.html?as=dev'));
    await agent.select('Marco Rossi');
    await agent.page.getByText('Host settings').click();
    await Promise.all([agent.page.waitForEvent('load'), agent.page.getByLabel('Enable flags on legacy chat').check()]);
    await agent.page.locator('.interaction h2', { hasText: 'Marco Rossi' }).waitFor();
    assert.equal(await agent.page.locator('.queue-item[aria-current=true] .queue-name').innerText(), 'Marco Rossi');
  });

  it('supervisor: with two flags open the chat says whose it is, its row is marked, and the chat fills its panel', async () => {
    const ann = new AgentDesk(await open('/agent.html?as=ann'));
    const ben = new AgentDesk(await open('/agent.html?as=ben'));
    const sup = new Wallboard(await open('/wallboard.html?as=sam'));
    await ann.select('Priya Natarajan');
    await ann.raise('Two flags: Ann');
    await ben.select('Priya Natarajan');
    await ben.raise('Two flags: Ben');
    await sup.row('Two flags: Ann').waitFor();
    await sup.row('Two flags: Ben').getByRole('button', { name: 'Open chat' }).click();
    await sup.page.getByRole('heading', { name: 'Private chat with Ben Agent' }).waitFor();
    assert.equal(await sup.row('Two flags: Ben').getAttribute('aria-current'), 'true', 'the selected row is marked');
    assert.equal(await sup.row('Two flags: Ann').getAttribute('aria-current'), null);
    assert.equal(await sup.chat.getByRole('log').getAttribute('aria-label'), 'Private chat with Ben Agent');

    // Composer at the bottom of the chat, the chat at the bottom of its panel: no empty box.
    const panel = await box(sup.page.locator('.chat-panel'));
    const chat = await box(sup.chat);
    const composer = await box(sup.chat.locator('[part=composer]'));
    assert.ok(chat.y + chat.height - (composer.y + composer.height) <= 16, `composer at the bottom of the chat: ${JSON.stringify({ chat, composer })}`);
    assert.ok(panel.y + panel.height - (chat.y + chat.height) <= 24, `chat fills the panel: ${JSON.stringify({ panel, chat })}`);

    for (const message of ['Two flags: Ann', 'Two flags: Ben']) {
      await sup.row(message).getByRole('button', { name: 'Lower' }).click();
      await sup.row(message).waitFor({ state: 'detached' });
    }
  });

  it('supervisor: an acknowledged row says who acknowledged it and since when, not "Waiting"', async () => {
    const agent = new AgentDesk(await open('/agent.html?as=ann'));
    const sup = new Wallboard(await open('/wallboard.html?as=sam'));
    await agent.select('Marco Rossi');
    const row = await raiseAndAcknowledge(agent, sup, 'State and age');
    await row.getByText(/^Acknowledged by Sam Supervisor · \d+ sec$/).waitFor();
    assert.doesNotMatch(await row.innerText(), /Waiting/);
    await row.getByRole('button', { name: 'Lower' }).click();
    await row.waitFor({ state: 'detached' });
  });

  for (const viewport of [{ width: 1280, height: 720 }, { width: 390, height: 844 }]) {
    it(`supervisor at ${viewport.width} px: each help-request figure's label stays on one line and fits its card`, async () => {
      const page = await open('/wallboard.html?as=sam', viewport);
      const labels = page.locator('flag-metrics .figures dt');
      await labels.first().waitFor();
      for (const dt of await labels.all()) {
        const { lines, text, cut } = await dt.evaluate((el) => {
          const range = document.createRange();
          range.selectNodeContents(el);
          // The text's fragments on distinct lines.
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
          return { lines, text: el.textContent ?? '', cut: el.scrollWidth > el.clientWidth };
        });
        assert.equal(lines, 1, `"${text}" on one line`);
        assert.ok(!cut, `"${text}" fits its card`);
      }
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the page does not scroll sideways');
    });
  }

  it('supervisor at 390 px: the chat opens as a full-screen sheet and closes back to the list', async () => {
    const agent = new AgentDesk(await open('/agent.html?as=cara'));
    const sup = new Wallboard(await open('/wallboard.html?as=sue', { width: 390, height: 844 }));
    await agent.select('Priya Natarajan');
    await agent.raise('Narrow chat sheet');
    const row = sup.row('Narrow chat sheet');
    await row.getByRole('button', { name: 'Open chat' }).click();
    const sheet = sup.page.locator('.chat-panel[data-open]');
    await sheet.waitFor();
    assert.deepEqual(await box(sheet), { x: 0, y: 0, width: 390, height: 844 });
    assert.ok(inViewport(await box(sup.chat.getByRole('textbox', { name: 'Message' })), sup.page), 'the composer is in view');
    // A modal sheet: Tab never reaches the list it covers (whose Lower would act unseen).
    const inSheet = () => sup.page.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      for (let node: Node | null = el; node; node = node.parentNode ?? (node as ShadowRoot).host ?? null) if ((node as Element).classList?.contains('chat-panel')) return true;
      return el === document.body;
    });
    for (let i = 0; i < 25; i++) {
      await sup.page.keyboard.press('Tab');
      assert.ok(await inSheet(), `Tab ${i + 1} stays in the sheet`);
    }
    // Escape closes it, back on the row's Open chat.
    await sup.chat.getByRole('textbox', { name: 'Message' }).focus();
    await sup.page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
    assert.equal(await sup.page.evaluate(() => document.querySelector('raised-flags-widget')!.shadowRoot!.activeElement?.textContent?.trim()), 'Open chat');
    await row.getByRole('button', { name: 'Open chat' }).click();
    await sheet.getByRole('button', { name: 'Close chat' }).click();
    await sheet.waitFor({ state: 'detached' });
    await row.getByRole('button', { name: 'Lower' }).click();
    await row.waitFor({ state: 'detached' });
  });

  it('supervisor: alert settings and the open chat survive a reload', async () => {
    const agent = new AgentDesk(await open('/agent.html?as=dev'));
    const page = await open('/wallboard.html?as=sue');
    const sup = new Wallboard(page);
    await agent.select('Jordan Price');
    await agent.raise('Survives a reload');
    await page.getByRole('button', { name: 'Alert settings' }).click();
    await page.getByLabel('Sound').uncheck();
    await page.getByLabel('Repeat while unanswered').selectOption({ label: 'Every 1 min' });
    await page.keyboard.press('Escape');
    await sup.row('Survives a reload').getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('heading', { name: 'Private chat with Dev Agent' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Private chat with Dev Agent' }).waitFor();
    await page.getByRole('button', { name: 'Alert settings' }).click();
    assert.equal(await page.getByLabel('Sound').isChecked(), false);
    assert.equal(await page.getByLabel('Repeat while unanswered').inputValue(), '60000');
    await page.keyboard.press('Escape');
    await sup.row('Survives a reload').getByRole('button', { name: 'Lower' }).click();
    await sup.row('Survives a reload').waitFor({ state: 'detached' });
  });

  it('agent: the panel opens once the network is back although its code failed to load while it was down', async () => {
    const page = await open('/agent.html?as=eve');
    // The panel's chunk cannot be had (the relay serving it restarting, a network drop) while the
    // page prefetches it: Vite's modulepreload of it, then the import() itself, both fail.
    let down = true;
    let aborted = 0;
    const prefetchFailed = new Promise<void>((resolve) =>
      void page.route(/\/assets\/flag-panel-[\w-]+\.js(\?|$)/, async (route) => {
        if (!down) return route.continue();
        await route.abort('internetdisconnected');
        if (++aborted === 2) resolve();
      }),
    );
    await page.reload();
    await prefetchFailed;
    down = false;
    // The browser keeps a module that failed to load failed: opening the panel must fetch it afresh.
    const agent = new AgentDesk(page);
    await agent.raise('Panel code was unreachable at load');
    await agent.trigger.filter({ hasText: 'Raised' }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, 'no error shown');
  });
});
