/**
 * History and help-request metrics end to end, on the `npm start` stack in Chromium: a flag the
 * agent raised, the supervisor acknowledged, chatted about and lowered shows in the wallboard's
 * History with who helped and its times, its chat readable; the header's figures follow live.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentDesk, Wallboard } from './pages.js';
import { onStack, screenshot } from './stack.js';

describe('history and metrics end to end', () => {
  const { open } = onStack();

  it('the flag just lowered shows in History with who helped, its times and its chat; the header counts it', async () => {
    const agent = new AgentDesk((await open('/agent.html?as=ann')).page);
    const sup = new Wallboard((await open('/wallboard.html?as=sam')).page);
    const message = 'History e2e: caller wants a refund';
    await agent.raise(message);
    const row = sup.row(message);
    await row.waitFor();
    await sup.metric('Waiting').filter({ hasText: /^[1-9]\d*$/ }).waitFor();
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await row.getByRole('button', { name: 'Open chat' }).click();
    await sup.say('Offer <b>store credit</b>');
    await sup.sent('Offer <b>store credit</b>').waitFor();
    await row.getByRole('button', { name: 'Lower' }).click();
    await row.waitFor({ state: 'detached' });
    await sup.metric('Time to lower').filter({ hasText: /^p50 / }).waitFor();

    await sup.showHistory();
    const lowered = sup.historyRow(message);
    await lowered.waitFor();
    const figures = await lowered.locator('dd').allInnerTexts();
    assert.equal(figures[0], 'Sam Supervisor', 'who helped');
    assert.match(figures[1]!, /^\d+ sec$/, 'time to acknowledge');
    assert.match(figures[2]!, /^\d+ sec$/, 'time to lower');
    assert.equal(figures[3], 'Supervisor · Sam Supervisor', 'who lowered');
    await lowered.getByRole('button', { name: 'Show the chat with Ann Agent' }).press('Enter');
    await lowered.locator('.chat .said', { hasText: 'Offer <b>store credit</b>' }).waitFor();
    await screenshot(sup.page, 'history-supervisor');
  });
});
