/** What the supervisor sees of a shared conversation: a wallboard row that expands, and the chat's pinned context. */
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { FlagClient, FlagContext } from '@flagline/core';
import './define.js';
import { registerLocale } from './internal/localize.js';
import { ar } from './locales/ar.js';
import type { RaisedFlagsWidget } from './raised-flags-widget/raised-flags-widget.js';
import type { SupervisorChat } from './supervisor-chat/supervisor-chat.js';
import { $, $maybe, raisedWorld, until, type World } from '../test/harness.js';

const context: FlagContext = {
  turns: [
    { from: 'customer', text: 'I was charged twice this month.', at: 1_000 },
    { from: 'agent', text: 'I can see both charges.', at: 2_000 },
    { from: 'customer', text: '<b>I want to cancel everything.</b>', at: 3_000 },
  ],
  summary: ['I want to cancel everything.'],
};
const automatic = { ruleId: 'cancel', ruleName: 'Customer mentions cancelling' };

describe('shared conversation on the supervisor side', () => {
  let w: World;
  let agent: FlagClient;
  let supervisor: FlagClient;
  let flagId: string;
  beforeEach(async () => {
    ({ w, agent, supervisor, flagId } = await raisedWorld({ message: 'Wants to cancel', context, automatic }));
  });
  afterEach(() => w.close());

  it('a wallboard row marks an automatic flag and expands, by keyboard, to the summary and the last turns', async () => {
    const el = await fixture<RaisedFlagsWidget>(html`<raised-flags-widget .client=${supervisor}></raised-flags-widget>`);
    const row = $(el, '[role="listitem"]');
    expect(row.querySelector('.mark.automatic')!.textContent).to.equal('Automatic');
    expect(row.querySelector('.context'), 'collapsed at first').to.equal(null);
    const toggle = row.querySelector<HTMLButtonElement>('.toggle-context')!;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    toggle.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    const section = row.querySelector<HTMLElement>('.context')!;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    expect(toggle.getAttribute('aria-controls')).to.equal(section.id);
    expect(toggle.textContent).to.equal('Hide conversation');
    expect(section.querySelector('.automatic')!.textContent).to.equal('Raised automatically: Customer mentions cancelling');
    expect(section.querySelector('.summary')!.textContent).to.equal('Summary I want to cancel everything.');
    expect([...section.querySelectorAll('.turns li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal([
      'Customer I was charged twice this month.',
      'Agent I can see both charges.',
      'Customer <b>I want to cancel everything.</b>',
    ]);
    expect(section.querySelector('b'), 'text, never HTML').to.equal(null);
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(row.querySelector('.context')).to.equal(null);
  });

  it('a flag without context offers no toggle', async () => {
    await agent.lower(flagId);
    await agent.raise({ interactionId: 'i-2', channel: 'voice', message: 'plain' });
    await until(supervisor.$openFlags, (f) => f.length === 1 && f[0]!.message === 'plain');
    const el = await fixture<RaisedFlagsWidget>(html`<raised-flags-widget .client=${supervisor}></raised-flags-widget>`);
    expect($maybe(el, '.toggle-context')).to.equal(null);
    expect($maybe(el, '.mark.automatic')).to.equal(null);
  });

  it('the chat pins the context above the log, reachable by keyboard, and its raise line stays one line', async () => {
    const el = await fixture<SupervisorChat>(html`<supervisor-chat .client=${supervisor} flag-id=${flagId}></supervisor-chat>`);
    await until(supervisor.timeline(flagId), (t) => t.length > 0);
    await el.updateComplete;
    const pinned = $(el, '.context');
    expect(pinned.nextElementSibling, 'before the log').to.equal($(el, '.log'));
    expect(pinned.getAttribute('tabindex')).to.equal('0');
    expect(pinned.textContent).to.contain('I was charged twice this month.');
    expect($(el, '.system[data-type="raised"]').textContent).not.to.contain('charged twice');
    await expect(el).to.be.accessible();
  });

  it('reads right to left in Arabic, in a 390px column, without overflowing', async () => {
    registerLocale('ar', ar);
    const box = await fixture<HTMLElement>(html`<div lang="ar" dir="rtl" style="inline-size: 390px">
      <raised-flags-widget .client=${supervisor}></raised-flags-widget>
      <supervisor-chat .client=${supervisor} flag-id=${flagId}></supervisor-chat>
    </div>`);
    const widget = box.querySelector('raised-flags-widget')!;
    const chat = box.querySelector('supervisor-chat')!;
    await widget.updateComplete;
    $<HTMLButtonElement>(widget, '.toggle-context').click();
    await widget.updateComplete;
    expect($(widget, '.toggle-context').textContent).to.equal('إخفاء المحادثة');
    expect($(widget, '.context .from').textContent).to.equal('العميل');
    expect($(chat, '.context').getAttribute('aria-label')).to.equal('المحادثة المشتركة');
    for (const el of [widget, chat]) expect(el.scrollWidth, el.localName).to.be.at.most(el.clientWidth + 1);
    await expect(box).to.be.accessible();
  });
});
