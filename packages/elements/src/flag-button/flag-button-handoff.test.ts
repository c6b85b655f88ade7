import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { FlagClient, Participant } from '@flagline/core';
import '../define.js';
import type { FlagButton } from './flag-button.js';
import { $, $maybe, ann, sam, until, world, type World } from '../../test/harness.js';

const nia: Participant = { id: 'nia', name: 'Nia Supervisor', role: 'supervisor', teams: ['blue'] };

describe('<flag-button>: who is helping now (hand-off, check-in)', () => {
  let w: World;
  let agent: FlagClient;
  let samClient: FlagClient;
  afterEach(() => w.close());
  beforeEach(() => {
    w = world();
    agent = w.client(ann);
    samClient = w.client(sam);
  });
  async function button(): Promise<FlagButton> {
    const el = await fixture<FlagButton>(html`<flag-button .client=${agent} interaction-id="i-1" channel="voice"></flag-button>`);
    await until(agent.$status, (s) => s === 'online');
    return el;
  }
  const label = (el: FlagButton) => $(el, '.trigger').textContent ?? '';

  it('follows the flag from Sam to Nia: handing over, then acknowledged by Nia', async () => {
    const niaClient = w.client(nia);
    const el = await button();
    const flagId = (await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'help' })).flagId!;
    await until(samClient.$openFlags, (f) => f.length === 1);
    await samClient.acknowledge(flagId);
    await waitUntil(() => label(el).includes('Acknowledged by Sam Supervisor'), 'Sam helps');
    await samClient.transfer(flagId, 'nia');
    await waitUntil(() => label(el).includes('Sam Supervisor is handing you over to Nia Supervisor'), 'the pending hand-off');
    await until(niaClient.$openFlags, (f) => f.some((x) => x.transfer?.to.id === 'nia'));
    await niaClient.acceptTransfer(flagId);
    await waitUntil(() => label(el).includes('Acknowledged by Nia Supervisor'), 'Nia helps now');
    await expect(el).to.be.accessible();
  });

  it('tells the agent of a check-in (a status beside the button) and opens its chat by keyboard', async () => {
    const el = await button();
    await samClient.checkIn({ agentId: 'ann', interactionId: 'i-1', channel: 'voice', message: 'How is the call going?' });
    await waitUntil(() => label(el).includes('Check-in from Sam Supervisor'), 'the check-in label');
    const notice = $(el, '.notice.check-in');
    expect(notice.closest('[role="status"]')).to.not.equal(null);
    expect(notice.textContent).to.contain('Sam Supervisor opened a check-in with you');
    await expect(el).to.be.accessible();
    $(el, '.trigger').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.shadowRoot!.querySelector('supervisor-chat'), 'the chat opens');
    const chat = el.shadowRoot!.querySelector('supervisor-chat')!;
    await waitUntil(() => chat.shadowRoot?.textContent?.includes('How is the call going?'), 'the supervisor’s first words');
    expect($maybe(el, '.notice.check-in'), 'the notice gives way to the open panel').to.equal(null);
  });
});
