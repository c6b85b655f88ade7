/**
 * Accessibility end to end: axe-core (injected into the real pages of the `npm start` stack)
 * finds nothing on the landing page, the agent desktop and the wallboard in each state a person
 * sees, light and dark, at 1280×720 and in a 390×800 window, where nothing may scroll sideways.
 * The host settings' language picker localizes the Flagline elements (and only them); the
 * expected words come from the elements' own catalogs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import axe from 'axe-core';
import { ar } from '@flagline/elements/locales/ar.js';
import { es } from '@flagline/elements/locales/es.js';
import { fr } from '@flagline/elements/locales/fr.js';
import type { Locator, Page } from 'playwright-core';
import { AgentDesk, tabTo, Wallboard } from './pages.js';
import { onStack, screenshot } from './stack.js';

declare global {
  interface Window {
    axe: typeof axe;
  }
}

interface Viewport {
  width: number;
  height: number;
}
const WIDE: Viewport = { width: 1280, height: 720 };
const NARROW: Viewport = { width: 390, height: 800 };

/** axe's violations on the page as readable lines (empty when clean); the page's own scroll width too when narrow. */
async function problems(page: Page, viewport: Viewport): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axe.source });
  const violations = await page.evaluate(async () => {
    const { violations } = await window.axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => ({
      rule: `${v.id} (${v.impact}): ${v.help}`,
      nodes: v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`),
    }));
  });
  const found = violations.map((v) => `${v.rule}\n      ${v.nodes.join('\n      ')}`);
  if (viewport === NARROW) {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
    if (scrollWidth > innerWidth) found.push(`horizontal overflow: the page is ${scrollWidth}px wide in a ${innerWidth}px window`);
  }
  return found;
}

/** Audits each state as it goes and reports every finding at the end, with screenshots of the failing states. */
class Audit {
  readonly #found: string[] = [];
  constructor(readonly viewport: Viewport) {}

  async check(page: Page, state: string): Promise<void> {
    const found = await problems(page, this.viewport);
    if (!found.length) return;
    await screenshot(page, `a11y-${this.viewport.width}-${state.replace(/\W+/g, '-')}`);
    this.#found.push(`${state} at ${this.viewport.width}×${this.viewport.height}:\n    ${found.join('\n    ')}`);
  }

  assertClean(): void {
    assert.equal(this.#found.length, 0, `\n  ${this.#found.join('\n  ')}`);
  }
}

describe('Accessibility of the demo (axe, keyboard-free checks)', () => {
  const { open: person } = onStack();


  const open = async (path: string, viewport: Viewport) => (await person(path, viewport)).page;
  const online = (page: Page) => page.getByTestId('connection-status').filter({ hasText: 'Online' }).waitFor();
  const colorScheme = (element: Locator) => element.evaluate((el) => getComputedStyle(el).colorScheme);

  // Each size uses its own team so that its wallboard starts empty.
  for (const [viewport, agentId, supervisorId] of [[WIDE, 'ann', 'sam'], [NARROW, 'cara', 'sue']] as const) {
    it(`landing, agent desktop and wallboard in every state at ${viewport.width}×${viewport.height}`, async () => {
      const audit = new Audit(viewport);
      await audit.check(await open('/', viewport), 'landing page');

      const sup = new Wallboard(await open(`/wallboard.html?as=${supervisorId}`, viewport));
      await online(sup.page);
      await audit.check(sup.page, 'wallboard, empty');

      const agent = new AgentDesk(await open(`/agent.html?as=${agentId}`, viewport));
      await online(agent.page);
      await audit.check(agent.page, 'agent desktop, idle');

      await agent.trigger.click();
      const composer = agent.page.getByLabel('Message to your supervisor');
      await composer.waitFor();
      await audit.check(agent.page, 'agent desktop, flag composer open');

      const message = `Customer asks for a manager (${viewport.width})`;
      await composer.fill(message);
      await composer.press('Enter');
      const row = sup.row(message);
      await row.waitFor();
      await audit.check(sup.page, 'wallboard, with a flag');

      await row.getByRole('button', { name: 'Acknowledge' }).click();
      await agent.trigger.filter({ hasText: 'Acknowledged by' }).waitFor();
      await (await agent.panel()).waitFor();
      await audit.check(agent.page, 'agent desktop, acknowledged flag, panel open');

      await row.getByRole('button', { name: 'Open chat' }).click();
      await sup.say('Hold on, I am coming');
      await sup.sent('Hold on, I am coming').waitFor();
      await audit.check(sup.page, 'wallboard, chat panel open');

      await agent.page.getByText('Host settings').click();
      await agent.page.getByLabel('Dark mode').check();
      await agent.page.locator('html[data-theme=dark]').waitFor({ state: 'attached' });
      assert.equal(await colorScheme(agent.flagButton), 'dark', 'the flag button follows the host dark mode');
      await audit.check(agent.page, 'agent desktop, dark');

      // In a narrow window the open chat is a full-screen sheet: close it to reach the page, reopen it.
      const closeSheet = () => (viewport === NARROW ? sup.page.getByRole('button', { name: 'Close chat' }).click() : Promise.resolve());
      await closeSheet();
      await sup.page.getByText('Display').click();
      await sup.page.getByLabel('Dark mode').check();
      await sup.page.locator('html[data-theme=dark]').waitFor({ state: 'attached' });
      if (viewport === NARROW) await row.getByRole('button', { name: 'Open chat' }).click();
      assert.equal(await colorScheme(sup.page.locator('raised-flags-widget')), 'dark', 'the widget follows the host dark mode');
      assert.equal(await colorScheme(sup.chat), 'dark', 'the chat follows the host dark mode');
      await audit.check(sup.page, 'wallboard, dark, chat panel open');
      await closeSheet();

      await agent.click('Request supervisor to join');
      await row.getByRole('button', { name: 'Join' }).click();
      await agent.joined.waitFor();
      await audit.check(agent.page, 'agent desktop, dark, supervisor joined');
      const toast = sup.page.getByTestId('join-toast');
      await toast.waitFor();
      await audit.check(sup.page, 'wallboard, dark, joined toast');
      const box = (await toast.boundingBox())!;
      assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, `the join toast fits the window: ${JSON.stringify(box)}`);
      audit.assertClean();
    });
  }

  it('the language picker: reached by keyboard, Spanish labels, Arabic right to left, kept across a reload, axe clean and nothing sideways', async () => {
    const agent = new AgentDesk(await open('/agent.html?as=ben', WIDE));
    await online(agent.page);
    await tabTo(agent.page, (f) => f.tag === 'summary' && f.text === 'Host settings');
    await agent.page.keyboard.press('Enter');
    await tabTo(agent.page, (f) => f.tag === 'select');
    await agent.page.keyboard.type('Fr');
    await agent.trigger.filter({ hasText: fr.flagButton.raise }).waitFor();

    const picker = agent.page.getByLabel('Flagline language');
    await picker.selectOption('es');
    await agent.trigger.filter({ hasText: es.flagButton.raise }).waitFor();
    assert.equal(await agent.page.locator('html').getAttribute('lang'), 'en', 'the page chrome stays English');

    await picker.selectOption('ar');
    await agent.trigger.filter({ hasText: ar.flagButton.raise }).waitFor();
    await agent.page.reload();
    await agent.trigger.filter({ hasText: ar.flagButton.raise }).waitFor();
    const container = agent.page.locator('.interaction [lang=ar]');
    assert.equal(await container.getAttribute('dir'), 'rtl');
    assert.equal(await agent.trigger.evaluate((el) => getComputedStyle(el).direction), 'rtl', 'the button lays out right to left');
    assert.equal(await agent.page.locator('.softphone').evaluate((el) => getComputedStyle(el).direction), 'ltr', 'the host toolbar does not');

    const sup = new Wallboard(await open('/wallboard.html?as=sam', WIDE));
    await sup.page.getByText('Display').click();
    await sup.page.getByLabel('Flagline language').selectOption('ar');
    await sup.page.locator('raised-flags-widget').getByText(ar.raisedFlagsWidget.title).waitFor();

    await agent.trigger.click();
    await agent.page.getByLabel(ar.flagButton.messageLabel).fill('العميل يطلب المدير');
    await agent.page.keyboard.press('Enter');
    const row = sup.row('العميل يطلب المدير');
    await row.getByRole('button', { name: ar.raisedFlagsWidget.acknowledge }).click();
    await row.getByRole('button', { name: ar.raisedFlagsWidget.openChat }).click();
    await sup.chat.getByRole('textbox', { name: ar.supervisorChat.messageLabel }).fill('أنا قادم');
    await sup.chat.getByRole('textbox', { name: ar.supervisorChat.messageLabel }).press('Enter');
    await sup.sent('أنا قادم').waitFor();
    await (await agent.panel()).getByText('أنا قادم').waitFor();

    for (const viewport of [WIDE, NARROW]) {
      const audit = new Audit(viewport);
      for (const page of [agent.page, sup.page]) await page.setViewportSize(viewport);
      await audit.check(agent.page, 'agent desktop in Arabic, panel open');
      await audit.check(sup.page, 'wallboard in Arabic, chat open');
      await screenshot(agent.page, `arabic-${viewport.width}-agent`);
      await screenshot(sup.page, `arabic-${viewport.width}-supervisor`);
      audit.assertClean();
    }
  });
});
