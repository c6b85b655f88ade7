/**
 * Conversation automation on the `npm start` stack (issue 16): the demo's scripted customer says
 * "I want to cancel everything", a rule suggests a flag, one click raises it with the conversation,
 * and the supervisor's row shows the last turns and the summary. Agent and supervisor in separate
 * browser contexts of Debian's Chromium.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { AgentDesk, Wallboard } from './pages.js';
import { launch, personPage, Stack } from './stack.js';

describe('Conversation automation, end to end', () => {
  const stack = new Stack();
  let browser: Browser;
  const open = async (path: string) => (await personPage(browser, `${stack.url}${path}`)).page;

  before(async () => {
    await stack.start();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await stack.dispose();
  });

  it('the customer says "I want to cancel everything" → suggestion → one click raises with the conversation → the supervisor reads it', async () => {
    const sup = new Wallboard(await open('/wallboard.html?as=sam'));
    const agent = new AgentDesk(await open('/agent.html?as=ann'));
    // The script's second line comes a few seconds in; the rule suggests as soon as it does.
    const suggestion = agent.flagButton.locator('[part=suggestion]');
    await suggestion.getByText('Customer mentions cancelling — raise a flag?').waitFor({ timeout: 15_000 });
    await suggestion.getByText('Shares the last 2 messages and a summary with your supervisor.').waitFor();
    await suggestion.getByRole('button', { name: 'Raise flag' }).click();
    await suggestion.waitFor({ state: 'detached' });
    await agent.trigger.filter({ hasText: 'Flag raised' }).waitFor();

    const row = sup.row('Customer wants to cancel');
    await row.getByText('Reason: retention').waitFor();
    await row.getByRole('button', { name: 'Show conversation' }).click();
    const context = row.locator('[part=context]');
    await context.locator('.summary', { hasText: 'I want to cancel everything today.' }).waitFor();
    assert.deepEqual(
      (await context.locator('.turns li').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()),
      ["Customer Hi, I've been charged twice this month.", 'Customer I want to cancel everything today.'],
    );

    // The chat pins it; the CRM's transcript holds it in the one raise entry.
    await row.getByRole('button', { name: 'Open chat' }).click();
    await sup.chat.locator('[part=context]', { hasText: 'I want to cancel everything today.' }).waitFor();
    const raised = agent.transcript.filter({ hasText: 'raised a flag' });
    await raised.waitFor();
    assert.equal(await raised.count(), 1);
    assert.match(await raised.innerText(), /Customer: I want to cancel everything today\./);
  });
});
