/**
 * Offer routing end to end on the `npm start` stack (billing is offer-routed there): Sam sets
 * himself Busy from his wallboard's header, so Ann's new flag is offered to Nia, whose row says
 * "Offered to you"; Sam's says who has it and offers no Acknowledge; Nia takes it by keyboard.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentDesk, focused, tabTo, Wallboard } from './pages.js';
import { onStack, screenshot } from './stack.js';

describe('offer routing end to end', () => {
  const { open } = onStack();

  it('skips a busy supervisor: the flag is offered to the available one, who takes it', async () => {
    const sam = new Wallboard((await open('/wallboard.html?as=sam')).page);
    const nia = new Wallboard((await open('/wallboard.html?as=nia')).page);
    const status = sam.page.locator('raised-flags-widget').getByLabel('My status');
    await status.selectOption('busy');
    await sam.page.locator('raised-flags-widget select.status[data-status=busy]').waitFor();

    const agent = new AgentDesk((await open('/agent.html?as=ann')).page);
    await agent.raise('Refund over my limit, routed');
    const mine = nia.row('Refund over my limit, routed');
    await mine.getByText(/^Offered to you — \d+ s$/).waitFor();
    await nia.announcement.filter({ hasText: 'offered to you' }).waitFor({ state: 'attached' });
    const theirs = sam.row('Refund over my limit, routed');
    await theirs.getByText(/^Offered to Nia Supervisor — \d+ s$/).waitFor();
    assert.equal(await theirs.getByRole('button', { name: 'Acknowledge' }).count(), 0, 'Sam cannot take it while it is offered to Nia');
    await screenshot(nia.page, 'routing-offered-to-you');
    await screenshot(sam.page, 'routing-offered-to-nia');

    // Nia takes it with the keyboard alone.
    await tabTo(nia.page, (f) => f.tag === 'button' && f.text === 'Acknowledge');
    assert.equal((await focused(nia.page)).text, 'Acknowledge');
    await nia.page.keyboard.press('Enter');
    await agent.trigger.filter({ hasText: 'Acknowledged by Nia Supervisor' }).waitFor();
    await theirs.getByText(/Acknowledged by Nia Supervisor/).waitFor();
    await status.selectOption('available');
  });
});
