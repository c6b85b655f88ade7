/**
 * Canned replies and quick raise reasons on the `npm start` stack (seeded for billing by
 * demo/settings-seed.json): the agent picks a quick reason, the supervisor inserts a canned
 * reply by keyboard alone (`/`, filter, arrows, Enter) and the agent receives it with the
 * placeholders filled from the flag.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentDesk, focused, Wallboard } from './pages.js';
import { onStack, screenshot } from './stack.js';

describe('canned replies and quick reasons end to end', () => {
  const { open } = onStack();

  it('a quick reason fills the raise; a canned reply inserted by keyboard reaches the agent with placeholders filled', async () => {
    const agent = new AgentDesk((await open('/agent.html?as=ann')).page);
    const sup = new Wallboard((await open('/wallboard.html?as=sam')).page);
    const customer = (await agent.flagButton.getAttribute('customer-label')) ?? '';
    assert.ok(customer, 'the demo interaction has a customer label');

    await agent.trigger.click();
    await agent.page.getByRole('group', { name: 'Common reasons' }).getByRole('button', { name: 'Charged twice' }).press('Enter');
    await agent.page.getByLabel('Message to your supervisor').fill('Customer sees two charges');
    await agent.page.getByLabel('Message to your supervisor').press('Enter');
    const row = sup.row('Customer sees two charges');
    await row.filter({ hasText: 'Charged twice' }).waitFor();
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await row.getByRole('button', { name: 'Open chat' }).click();

    const box = sup.chat.getByRole('textbox', { name: 'Message' });
    await box.focus();
    await sup.page.keyboard.type('/joining');
    const list = sup.chat.getByRole('listbox', { name: 'Quick replies' });
    await list.getByRole('option').first().waitFor();
    assert.deepEqual(await list.getByRole('option').allInnerTexts().then((t) => t.map((s) => s.split('\n')[0])), ['Joining the call']);
    await sup.page.keyboard.press('Backspace');
    for (let i = 0; i < 'joining'.length - 1; i++) await sup.page.keyboard.press('Backspace');
    await list.getByRole('option').nth(2).waitFor();
    await screenshot(sup.page, 'canned-reply-list');
    await sup.page.keyboard.press('ArrowDown');
    assert.equal(await box.getAttribute('aria-activedescendant'), 'canned-t-refund-ok');
    await sup.page.keyboard.press('ArrowUp');
    await sup.page.keyboard.press('Enter');
    const filled = `Hi Ann Agent, I am looking at ${customer}'s account now. Keep them on the line.`;
    assert.equal(await box.inputValue(), filled);
    assert.equal((await focused(sup.page)).tag, 'textarea', 'focus stays in the composer');
    await screenshot(sup.page, 'canned-reply-inserted');
    await sup.page.keyboard.press('Enter');
    await (await agent.panel()).getByText(filled).waitFor();
    await sup.sent(filled).waitFor();
  });
});
