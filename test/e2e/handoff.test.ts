/**
 * Hand-off and check-in (issue 15) end to end on the `npm start` stack in Chromium: Sam hands
 * Ann's flag to Nia (both billing supervisors) while Ann chats; Nia accepts and carries on with
 * the whole conversation; the transcript records it. Then Sam checks in on Ben with no flag raised.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentDesk, Wallboard } from './pages.js';
import { onStack, screenshot } from './stack.js';

describe('hand-off and check-in end to end', () => {
  const { open } = onStack();

  it('Sam hands the flag to Nia while Ann chats; Nia accepts and sees the whole conversation', async () => {
    const agent = new AgentDesk((await open('/agent.html?as=ann')).page);
    const sam = new Wallboard((await open('/wallboard.html?as=sam')).page);
    const nia = new Wallboard((await open('/wallboard.html?as=nia')).page);
    await agent.raise('Refund twice the limit, need approval');
    const samRow = sam.row('Refund twice the limit');
    await samRow.getByRole('button', { name: 'Acknowledge' }).click();
    await samRow.getByRole('button', { name: 'Open chat' }).click();
    await sam.say('Which order is it?');
    await agent.say('Order 88231, the TV');
    await sam.chat.getByText('Order 88231, the TV').waitFor();

    await samRow.getByRole('button', { name: 'Hand off' }).click();
    const dialog = sam.page.locator('raised-flags-widget dialog.handoff');
    await dialog.getByLabel('Nia Supervisor').check();
    await dialog.getByLabel('Note (optional)').fill('Nia approves refunds this week');
    await agent.say('The customer is still on the line');
    await dialog.getByRole('button', { name: 'Hand off' }).click();
    await agent.trigger.filter({ hasText: 'Sam Supervisor is handing you over to Nia Supervisor' }).waitFor();
    await samRow.getByText('Offered to Nia Supervisor').waitFor();

    const niaRow = nia.row('Refund twice the limit');
    await niaRow.getByText('Offered to you by Sam Supervisor').waitFor();
    await niaRow.getByText('Nia approves refunds this week').waitFor();
    await nia.announcement.filter({ hasText: 'Sam Supervisor offers you the flag from Ann Agent' }).waitFor({ state: 'attached' });
    await screenshot(nia.page, 'handoff-offered');
    await niaRow.getByRole('button', { name: 'Accept' }).click();
    await agent.trigger.filter({ hasText: 'Acknowledged by Nia Supervisor' }).waitFor();
    await samRow.getByText('Acknowledged by Nia Supervisor').waitFor();
    assert.equal(await samRow.getByRole('button', { name: 'Hand off' }).count(), 0, 'Sam no longer holds it');

    await niaRow.getByRole('button', { name: 'Open chat' }).click();
    for (const said of ['Which order is it?', 'Order 88231, the TV', 'The customer is still on the line']) await nia.chat.getByText(said).waitFor();
    await nia.say('Approved, go ahead');
    await (await agent.panel()).getByText('Approved, go ahead').waitFor();
    await agent.say('Thanks Nia');
    await nia.chat.getByText('Thanks Nia').waitFor();
    await screenshot(agent.page, 'handoff-agent');

    await agent.transcript.filter({ hasText: 'Thanks Nia' }).waitFor();
    const texts = await agent.transcript.allInnerTexts();
    const order = ['raised a flag', 'Sam Supervisor acknowledged', 'Which order is it?', 'Order 88231', 'The customer is still on the line', 'Sam Supervisor offered the flag to Nia Supervisor', 'Nia Supervisor took over the flag', 'Approved, go ahead', 'Thanks Nia'];
    let at = 0;
    for (const k of order) {
      const found = texts.findIndex((t, i) => i >= at && t.includes(k));
      assert.ok(found >= at, `"${k}" after entry ${at}: ${texts.join(' | ')}`);
      at = found;
    }
    const ids = await agent.transcriptIds();
    assert.equal(new Set(ids).size, ids.length, 'no entry twice');
  });

  it('Sam checks in on Ben with no flag raised: Ben is told, they chat, the transcript says it was a check-in', async () => {
    const agent = new AgentDesk((await open('/agent.html?as=ben')).page);
    const sam = new Wallboard((await open('/wallboard.html?as=sam')).page);
    await agent.trigger.waitFor();
    await sam.page.getByText('Check in with an agent').click();
    const form = sam.page.locator('details.check-in');
    await form.getByLabel('Agent').selectOption({ label: 'Ben Agent' });
    await form.getByLabel('Interaction').selectOption({ label: 'Voice call · Jordan Price' });
    await form.getByLabel('First message').fill('How is the call going?');
    await form.getByRole('button', { name: 'Check in' }).click();
    await agent.trigger.filter({ hasText: 'Check-in from Sam Supervisor' }).waitFor();
    await agent.flagButton.getByText('Sam Supervisor opened a check-in with you').waitFor();
    await sam.row('How is the call going?').getByText('Check-in', { exact: true }).waitFor();
    await sam.chat.getByText('How is the call going?').waitFor();
    await agent.say('All fine, thanks');
    await sam.chat.getByText('All fine, thanks').waitFor();
    await agent.transcript.filter({ hasText: 'All fine, thanks' }).waitFor();
    const texts = await agent.transcript.allInnerTexts();
    assert.ok(texts.some((t) => t.includes('Sam Supervisor opened a check-in with Ben Agent: "How is the call going?"')), texts.join(' | '));
  });
});
