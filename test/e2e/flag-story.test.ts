/**
 * End to end, against the real `npm start` stack (relay on SQLite serving the built demo) in
 * Debian's Chromium, agent and supervisor in separate browser contexts. Screenshots of both
 * sides go to test-artifacts/ (not committed).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { AgentDesk, Wallboard } from './pages.js';
import { launch, personPage, screenshot, Stack } from './stack.js';

describe('Flagline end to end', () => {
  const stack = new Stack();
  let browser: Browser;
  const pages: Page[] = [];
  const open = async (path: string) => {
    const { page } = await personPage(browser, `${stack.url}${path}`);
    pages.push(page);
    return page;
  };
  const shoot = async (name: string, agent: Page, sup: Page) => {
    await screenshot(agent, `${name}-agent`);
    await screenshot(sup, `${name}-supervisor`);
  };

  before(async () => {
    await stack.start();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await stack.dispose();
  });

  it('voice: raise → alert → acknowledge → chat both ways → join → supervisor lowers; transcript once, in order', async () => {
    const agent = new AgentDesk(await open('/agent.html?as=ann'));
    const sup = new Wallboard(await open('/wallboard.html?as=sam'));
    await agent.raise('Caller demands a refund over the limit');
    const row = sup.row('Caller demands a refund over the limit');
    await row.waitFor();
    // Screen readers hear it (the live region is visually hidden, so: attached, with the text).
    await sup.announcement.filter({ hasText: 'Ann Agent' }).waitFor({ state: 'attached' });
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await agent.trigger.filter({ hasText: 'Acknowledged by Sam Supervisor' }).waitFor();
    await row.getByRole('button', { name: 'Open chat' }).click();
    await sup.say('What did they buy?');
    await agent.say('A TV, €1,899');
    await (await agent.panel()).getByText('What did they buy?').waitFor();
    await sup.chat.getByText('A TV, €1,899').waitFor();
    await agent.click('Request supervisor to join');
    await row.getByRole('button', { name: 'Join' }).click();
    await agent.joined.waitFor();
    await shoot('voice-joined', agent.page, sup.page);
    await row.getByRole('button', { name: 'Lower' }).click();
    await row.waitFor({ state: 'detached' });
    // The flag is down: the button offers a new one, and the panel says who lowered it.
    await agent.trigger.filter({ hasText: 'Raise flag' }).waitFor();
    await agent.flagButton.locator('[part=panel]').getByText('Flag lowered by Sam Supervisor').waitFor();
    await agent.transcript.nth(6).waitFor();
    const texts = await agent.transcript.allInnerTexts();
    const kinds = ['raised a flag', 'acknowledged', 'What did they buy?', 'A TV', 'asked the supervisor to join', 'joined the conversation', 'lowered the flag'];
    assert.equal(texts.length, 7, `7 entries: ${texts.join(' | ')}`);
    const ids = await agent.transcriptIds();
    assert.equal(new Set(ids).size, ids.length, 'no entry twice');
    let at = 0;
    for (const k of kinds) {
      const found = texts.findIndex((t, i) => i >= at && t.includes(k));
      assert.ok(found >= at, `"${k}" after entry ${at}: ${texts.join(' | ')}`);
      at = found;
    }
    await shoot('voice-lowered', agent.page, sup.page);
  });
});
