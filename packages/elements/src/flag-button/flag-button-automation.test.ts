import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { Channel, FlagClient } from '@flagline/core';
import { ConversationStore, RuleEngine, type RuleInput } from '@flagline/core/automation';
import '../define.js';
import type { FlagButton } from './flag-button.js';
import { $, $maybe, ann, next, opened, sam, until, world, type World } from '../../test/harness.js';

const CANCEL: RuleInput = {
  id: 'cancel',
  name: 'Customer mentions cancelling',
  action: 'suggest',
  when: { type: 'keywords', any: ['cancel'] },
  suggestion: 'Customer mentions cancelling — raise a flag?',
  raise: { message: 'Customer wants to cancel', reason: 'retention' },
};
const LEGAL: RuleInput = {
  id: 'legal',
  name: 'Legal threat',
  action: 'auto-raise',
  when: { type: 'keywords', any: ['lawyer'] },
  raise: { message: 'Customer threatens legal action', severity: 'urgent' },
};

describe('<flag-button> with conversations and rules', () => {
  let w: World;
  let agent: FlagClient;
  let supervisor: FlagClient;
  let conversations: ConversationStore;
  let engine: RuleEngine;
  let at: number;
  const say = (text: string, from: 'customer' | 'agent' = 'customer') => conversations.appendTurn('i-1', { from, text, at: (at += 1_000) });

  beforeEach(() => {
    at = 1_000;
    w = world();
    agent = w.client(ann);
    supervisor = w.client(sam);
    conversations = new ConversationStore({ disabledChannels: ['legacy-chat'] });
    engine = new RuleEngine({
      rules: [CANCEL, LEGAL],
      conversations,
      // The host raises auto-raises, with the conversation, as the README shows.
      onTrigger: (t) => {
        if (t.action === 'auto-raise') void agent.raise({ ...t.raise, context: conversations.contextFor(t.interactionId)! });
      },
      isFlagOpen: (id) => agent.flagFor(id).get()?.status !== undefined && agent.flagFor(id).get()?.status !== 'lowered',
    });
    conversations.observeConversation('i-1', { channel: 'voice' });
    say('Hello, I was charged twice this month.');
    say('I can see both charges.', 'agent');
  });
  afterEach(async () => {
    engine.dispose();
    await w.close();
  });

  async function button(channel: Channel = 'voice'): Promise<FlagButton> {
    return fixture<FlagButton>(
      html`<flag-button .client=${agent} .conversations=${conversations} .engine=${engine} interaction-id="i-1" channel=${channel} customer-label="Carla"></flag-button>`,
    );
  }
  const suggestion = (el: FlagButton) => $maybe(el, '.suggestion');

  it('shows a suggestion when the customer mentions cancelling, announced, accessible, never twice', async () => {
    const el = await button();
    expect(suggestion(el)).to.equal(null);
    say('I want to cancel everything.');
    await el.updateComplete;
    const card = suggestion(el)!;
    expect(card.closest('[role="status"]'), 'inside the live region').to.not.equal(null);
    expect(card.textContent).to.contain('Customer mentions cancelling — raise a flag?');
    expect(card.textContent).to.contain('Shares the last 3 messages and a summary with your supervisor.');
    await expect(el).to.be.accessible();
    $(el, '.dismiss-suggestion').click();
    await el.updateComplete;
    expect(suggestion(el)).to.equal(null);
    say('Cancel it, I said cancel!');
    await el.updateComplete;
    expect(suggestion(el), 'the same rule does not suggest twice on this interaction').to.equal(null);
    expect(engine.counters().cancel).to.deep.include({ shown: 1, dismissed: 1, accepted: 0 });
  });

  it('raises in one click, prefilled, with the conversation; the supervisor gets it', async () => {
    const el = await button();
    say('I want to cancel everything.');
    await el.updateComplete;
    const raised = next(el, 'flag-raised');
    $(el, '.accept-suggestion').click();
    const { flag } = await raised;
    expect(flag).to.deep.include({ message: 'Customer wants to cancel', reason: 'retention', customerLabel: 'Carla' });
    expect(flag.suggested).to.deep.equal({ ruleId: 'cancel', ruleName: 'Customer mentions cancelling' });
    expect(flag.context!.turns.map((t) => t.text)).to.deep.equal(['Hello, I was charged twice this month.', 'I can see both charges.', 'I want to cancel everything.']);
    expect(flag.context!.summary).to.include('I want to cancel everything.');
    expect(engine.counters().cancel).to.deep.include({ shown: 1, accepted: 1 });
    const [seen] = await until(supervisor.$openFlags, (f) => f.length === 1);
    expect(seen!.context).to.deep.equal(flag.context);
    await el.updateComplete;
    expect(suggestion(el)).to.equal(null);
  });

  it('lets the agent review by keyboard: see the whole conversation, edit the summary, leave a turn out', async () => {
    const el = await button();
    say('I want to cancel everything.');
    await el.updateComplete;
    $(el, '.review-suggestion').focus();
    await sendKeys({ press: 'Enter' });
    await opened(el, 'dialog[open]');
    expect($<HTMLTextAreaElement>(el, '#message').value).to.equal('Customer wants to cancel');
    expect($<HTMLInputElement>(el, '#reason').value).to.equal('retention');
    const turns = [...el.shadowRoot!.querySelectorAll<HTMLLIElement>('.turns li')];
    expect(turns.map((li) => li.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal([
      'Customer Hello, I was charged twice this month.',
      'Agent I can see both charges.',
      'Customer I want to cancel everything.',
    ]);
    await expect(el).to.be.accessible();
    // Leave the first turn out (Space on its checkbox), rewrite the summary.
    turns[0]!.querySelector('input')!.focus();
    await sendKeys({ press: 'Space' });
    const summary = $<HTMLTextAreaElement>(el, '#summary');
    summary.focus();
    summary.select();
    await sendKeys({ type: 'Wants to cancel.' });
    const raised = next(el, 'flag-raised');
    $(el, '.submit').click();
    const { flag } = await raised;
    expect(flag.context).to.deep.equal({
      turns: [
        { from: 'agent', text: 'I can see both charges.', at: 3_000 },
        { from: 'customer', text: 'I want to cancel everything.', at: 4_000 },
      ],
      summary: ['Wants to cancel.'],
    });
    expect(flag.suggested, 'reviewed, still the suggestion accepted').to.deep.equal({ ruleId: 'cancel', ruleName: 'Customer mentions cancelling' });
    expect(engine.counters().cancel).to.deep.include({ accepted: 1 });
  });

  it('shares nothing when the agent unticks the conversation', async () => {
    const el = await button();
    $(el, '.trigger').click();
    await opened(el);
    $<HTMLInputElement>(el, '.share-context').click();
    await el.updateComplete;
    expect($maybe(el, '#summary')).to.equal(null);
    $<HTMLTextAreaElement>(el, '#message').value = 'help';
    $(el, '#message').dispatchEvent(new Event('input'));
    await el.updateComplete;
    const raised = next(el, 'flag-raised');
    $(el, '.submit').click();
    const { flag } = await raised;
    expect(flag).not.to.have.property('context');
    expect(flag, 'raised on the agent’s own').not.to.have.property('suggested');
  });

  it('offers no conversation on a channel where the host disabled sharing', async () => {
    conversations.observeConversation('i-2', { channel: 'legacy-chat', turns: [{ from: 'customer', text: 'hi', at: 1 }] });
    const el = await fixture<FlagButton>(
      html`<flag-button .client=${w.client({ ...ann, id: 'ann' })} .conversations=${conversations} interaction-id="i-2" channel="voice"></flag-button>`,
    );
    $(el, '.trigger').click();
    await opened(el);
    expect($maybe(el, 'fieldset.context')).to.equal(null);
  });

  it('tells the agent of a flag a rule raised by itself, marked with the rule', async () => {
    const el = await button();
    const raised = next(el, 'flag-raised');
    say('I will call my lawyer.');
    const { flag } = await raised;
    expect(flag.automatic).to.deep.equal({ ruleId: 'legal', ruleName: 'Legal threat' });
    expect(flag.severity).to.equal('urgent');
    expect(flag.context!.turns.at(-1)!.text).to.equal('I will call my lawyer.');
    await waitUntil(() => $maybe(el, '.notice.auto'));
    const notice = $(el, '.notice.auto');
    expect(notice.closest('[role="status"]')).to.not.equal(null);
    expect(notice.textContent).to.contain('Flag raised automatically: Legal threat');
    await expect(el).to.be.accessible();
    notice.querySelector<HTMLButtonElement>('.close-notice')!.click();
    await el.updateComplete;
    expect($maybe(el, '.notice.auto')).to.equal(null);
  });

  it('shows a suggestion made before it was on the page', async () => {
    say('I want to cancel everything.');
    const el = await button();
    expect(suggestion(el)!.textContent).to.contain('raise a flag?');
  });
});
