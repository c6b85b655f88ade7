/**
 * The host's backend on the `npm start` stack (issue 14): the relay's signed webhooks reach the
 * reference CRM receiver, and the agent desktop shows that server-side record next to the
 * browser sink's transcript — the same entries, in order, written with no browser involved.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentDesk, Wallboard } from './pages.js';
import { onStack } from './stack.js';

describe('the CRM record written from webhooks, end to end', () => {
  const { open: person } = onStack();


  it('a flag and its private chat reach the server-side record, in order, as in the browser transcript', async () => {
    const agent = new AgentDesk((await person('/agent.html?as=ben')).page);
    const sup = new Wallboard((await person('/wallboard.html?as=sam')).page);
    await agent.select('Marco Rossi');
    await agent.raise('Server record: customer asks for a manager');
    await sup.row('Server record: customer asks for a manager').getByRole('button', { name: 'Acknowledge' }).click();
    await agent.say('Server record: he is getting louder');
    const server = agent.page.getByTestId('server-transcript');
    await server.getByText('Server record: he is getting louder').waitFor();
    const lines = (await server.locator('li').allInnerTexts()).map((t) => t.replace(/^\S+\s+(AM|PM)?\s*/, ''));
    const browserLines = (await agent.page.getByTestId('transcript').locator('li').allInnerTexts()).map((t) => t.replace(/^\S+\s+(AM|PM)?\s*/, ''));
    // Billing is offer-routed in the demo: its offer (to Sam, or to the team) is a line too.
    assert.equal(lines.length, 4, `raised, offered, acknowledged, the message: ${lines.join(' | ')}`);
    assert.deepEqual(lines, browserLines.slice(-4), 'the server-side record reads as the browser sink wrote it');
  });
});
