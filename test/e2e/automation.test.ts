/**
 * Conversation automation on the `npm start` stack (issue 16): the demo's scripted customer says
 * "I want to cancel everything", a rule suggests a flag, one click raises it with the conversation,
 * and the supervisor's row shows the last turns and the summary; a scripted outage makes six agents
 * raise similar flags, the wallboard groups them and one reply reaches all six. Each person in a
 * separate browser context of Debian's Chromium.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EXAMPLE_RULES } from '@flagline/core/automation';
import { AgentDesk, Wallboard } from './pages.js';
import { onStack } from './stack.js';

/** Ann's token from the relay's dev endpoint, as the demo page gets it (run in the page). */
async function devToken(): Promise<string> {
  const res = await fetch('/dev/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ participantId: 'ann' }) });
  return ((await res.json()) as { token: string }).token;
}

describe('Conversation automation, end to end', () => {
  const { open: person, stack } = onStack();
  const open = async (path: string) => (await person(path)).page;


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
    await context.getByText('Suggested by a rule: Customer mentions cancelling').waitFor();
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

    // The agent's desktop ran the rules the relay serves for billing (demo/rules.json), and what
    // Ann did with the suggestion reaches /metrics when she leaves the page.
    const served = (await (await fetch(`${stack.url}/api/rules/billing`, { headers: { authorization: `Bearer ${await agent.page.evaluate(devToken)}` } })).json()) as { rules: { id: string }[] };
    assert.deepEqual(served.rules.map((r) => r.id), EXAMPLE_RULES.map((r) => r.id));
    await agent.page.goto('about:blank');
    const accepted = /^flagline_rule_suggestions_total\{team="billing",rule="cancel",outcome="accepted"\} 1$/m;
    const metrics = async () => (await fetch(`${stack.url}/metrics`)).text();
    for (let tries = 0; tries < 100 && !accepted.test(await metrics()); tries++) await new Promise((r) => setTimeout(r, 100));
    assert.match(await metrics(), accepted);
  });

  it('a scripted outage: six agents raise similar flags → one group on the wallboard → one reply reaches all six', async () => {
    const sup = new Wallboard(await open('/wallboard.html?as=sam'));
    await sup.page.getByText('Display').click();
    await sup.page.getByRole('button', { name: 'Simulate an outage' }).click();
    await sup.page.getByTestId('outage-note').filter({ hasText: '6 agents raised a flag about the payment page.' }).waitFor();
    const group = sup.page.locator('raised-flags-widget .row.group');
    await group.getByText('6 similar flags — payment page').waitFor();
    assert.equal(await group.count(), 1);

    await group.getByRole('button', { name: 'Reply to all' }).click();
    const box = group.getByRole('textbox', { name: 'Message to the 6 agents (one on each flag)' });
    await box.fill('We know: the payment page is being fixed, ETA 10 minutes.');
    await box.press('Enter');
    await sup.announcement.filter({ hasText: 'Reply sent on 6 of 6 flags' }).waitFor();

    for (const id of ['ann', 'ben', 'eve', 'fay', 'gus', 'hal']) {
      const { context, page } = await person(`/agent.html?as=${id}`);
      const agent = new AgentDesk(page);
      await agent.select('Priya Natarajan');
      await agent.trigger.filter({ hasText: 'Flag raised' }).waitFor();
      const panel = await agent.panel();
      const reply = panel.locator('supervisor-chat [role=log] .item.message', { hasText: 'We know: the payment page is being fixed, ETA 10 minutes.' });
      await reply.waitFor();
      assert.equal(await reply.count(), 1, `${id} got the reply once`);
      await context.close();
    }
  });
});
