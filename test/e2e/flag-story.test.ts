/**
 * End to end, against the real `npm start` stack (relay on SQLite serving the built demo) in
 * Debian's Chromium, agent and supervisor in separate browser contexts. Screenshots of both
 * sides go to test-artifacts/ (not committed).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { AgentDesk, focused, tabTo, Wallboard } from './pages.js';
import { onStack, screenshot } from './stack.js';

describe('Flagline end to end', () => {
  const { stack, open: person } = onStack();
  const pages: Page[] = [];
  const open = async (path: string) => {
    const { page } = await person(path);
    pages.push(page);
    return page;
  };
  const shoot = async (name: string, agent: Page, sup: Page) => {
    await screenshot(agent, `${name}-agent`);
    await screenshot(sup, `${name}-supervisor`);
  };


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
    await agent.transcript.nth(7).waitFor();
    const texts = await agent.transcript.allInnerTexts();
    // Billing is offer-routed in the demo: the offer (to Sam, or to the team if his wallboard had
    // not connected yet) is in the transcript too.
    const kinds = ['raised a flag', 'The flag was offered to', 'acknowledged', 'What did they buy?', 'A TV', 'asked the supervisor to join', 'joined the conversation', 'lowered the flag'];
    assert.equal(texts.length, 8, `8 entries: ${texts.join(' | ')}`);
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

  it('enhanced chat, lowered by the agent; legacy chat hidden until enabled; fallback mode hides it everywhere', async () => {
    const agent = new AgentDesk(await open('/agent.html?as=ben'));
    const sup = new Wallboard(await open('/wallboard.html?as=sam'));
    await agent.select('Marco Rossi');
    await agent.raise('Refund is two weeks late');
    const row = sup.row('Refund is two weeks late');
    await row.getByText('Chat', { exact: true }).waitFor();
    await agent.click('Lower flag');
    await row.waitFor({ state: 'detached' });
    await agent.trigger.filter({ hasText: 'Raise flag' }).waitFor();

    await agent.select('Ana Souza');
    assert.equal(await agent.flagButton.count(), 1, 'the element is on the page…');
    assert.equal(await agent.trigger.count(), 0, '…but renders nothing on legacy chat by default');
    await agent.page.getByText('Host settings').click();
    await Promise.all([agent.page.waitForEvent('load'), agent.page.getByLabel('Enable flags on legacy chat').check()]);
    await agent.select('Ana Souza');
    await agent.raise('Legacy chat customer locked out');
    await sup.row('Legacy chat customer locked out').getByText('Legacy chat', { exact: true }).waitFor();
    await shoot('legacy-enabled', agent.page, sup.page);

    await agent.page.getByText('Host settings').click();
    await Promise.all([agent.page.waitForEvent('load'), agent.page.getByLabel('Fallback mode').check()]);
    for (const customer of ['Jordan Price', 'Priya Natarajan', 'Marco Rossi', 'Ana Souza']) {
      await agent.select(customer);
      assert.equal(await agent.trigger.count(), 0, `no flag button for ${customer} in fallback mode`);
    }
  });

  it('reloading both pages and restarting the relay mid-conversation loses and duplicates nothing', async () => {
    const agentPage = await open('/agent.html?as=cara');
    const supPage = await open('/wallboard.html?as=sue');
    const agent = new AgentDesk(agentPage);
    const sup = new Wallboard(supPage);
    await agent.raise('Password reset loop');
    const row = sup.row('Password reset loop');
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await row.getByRole('button', { name: 'Open chat' }).click();
    await sup.say('one (supervisor)');
    await agent.say('two (agent)');
    await sup.chat.getByText('two (agent)').waitFor();

    await supPage.reload();
    await sup.row('Password reset loop').getByRole('button', { name: 'Open chat' }).click();
    await sup.chat.getByText('two (agent)').waitFor();
    await agentPage.reload();
    await agent.transcript.nth(3).waitFor();

    await stack.stop();
    await stack.start();
    for (const page of [agentPage, supPage]) await page.getByTestId('connection-status').filter({ hasText: 'Online' }).waitFor();
    await sup.say('three (supervisor, after the restart)');
    await agent.say('four (agent, after the restart)');
    await sup.chat.getByText('four (agent, after the restart)').waitFor();
    await agent.transcript.nth(5).waitFor();

    const ids = await agent.transcriptIds();
    assert.equal(ids.length, 6, `raised, acknowledged and four messages: ${(await agent.transcript.allInnerTexts()).join(' | ')}`);
    assert.equal(new Set(ids).size, 6, 'no entry twice');
    const said = await sup.messages().allInnerTexts();
    for (const text of ['one (supervisor)', 'two (agent)', 'three (supervisor, after the restart)', 'four (agent, after the restart)'])
      assert.equal(said.filter((t) => t.includes(text)).length, 1, `"${text}" once in the supervisor's chat`);
    await shoot('after-restart', agentPage, supPage);
  });

  it('the agent does everything by keyboard alone', async () => {
    const page = await open('/agent.html?as=dev');
    const sup = new Wallboard(await open('/wallboard.html?as=sue'));
    await tabTo(page, (f) => f.tag === 'button' && f.text.includes('Raise flag'));
    await page.keyboard.press('Enter');
    // The composer shows once its code is there (fetched ahead, at the latest on this first opening).
    await page.getByLabel('Message to your supervisor').waitFor();
    assert.equal((await focused(page)).tag, 'textarea', 'the composer takes focus');
    await page.keyboard.type('Keyboard only: caller is escalating');
    await page.keyboard.press('Enter');
    const row = sup.row('Keyboard only: caller is escalating');
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    const agent = new AgentDesk(page);
    await agent.trigger.filter({ hasText: 'Acknowledged by Sue Supervisor' }).waitFor();

    await tabTo(page, (f) => f.tag === 'button' && f.text.includes('Acknowledged by'));
    await page.keyboard.press('Enter');
    await tabTo(page, (f) => f.tag === 'textarea' && f.label === 'Message');
    await page.keyboard.type('Typed without a mouse');
    await page.keyboard.press('Enter');
    await tabTo(page, (f) => f.tag === 'button' && f.text === 'Request supervisor to join');
    await page.keyboard.press('Enter');
    await row.getByRole('button', { name: 'Join' }).waitFor();
    await tabTo(page, (f) => f.tag === 'button' && f.text === 'Lower flag');
    await page.keyboard.press('Enter');
    await row.waitFor({ state: 'detached' });
    await agent.transcript.filter({ hasText: 'Typed without a mouse' }).waitFor();
    await page.keyboard.press('Escape');
    await screenshot(page, 'keyboard-agent');
  });
});
