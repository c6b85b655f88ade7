import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { FlagClient, FlagError } from '@flagline/core';
import { MemoryStorage } from '@flagline/core/authority';
import '../define.js';
import type { SupervisorChat } from './supervisor-chat.js';
import { filterReplies, type CannedEntry } from './canned-picker.js';
import { $, $maybe, next, raisedWorld, until, type World } from '../../test/harness.js';

const team = [
  { id: 'hold', title: 'Please hold', text: 'Hi {agent}, I am checking {customer}’s account now.' },
  { id: 'refund', title: 'Refund approved', text: 'Refund approved by {supervisor}.' },
];
const mine = [{ id: 'thanks', title: 'Thanks', text: 'Thanks {agent}!' }];

describe('<supervisor-chat> quick replies', () => {
  let w: World;
  let agent: FlagClient;
  let supervisor: FlagClient;
  let flagId: string;
  let storage: MemoryStorage;
  beforeEach(async () => {
    storage = new MemoryStorage();
    ({ w, agent, supervisor, flagId } = await raisedWorld({ customerLabel: 'Carla Customer' }, { storage }));
    await supervisor.acknowledge(flagId);
    await supervisor.saveSettings({ kind: 'team', team: 'blue' }, 'cannedReplies', team, 0);
    await supervisor.saveSettings({ kind: 'personal' }, 'cannedReplies', mine, 0);
  });
  afterEach(() => w.close());

  const chat = (client: FlagClient) => fixture<SupervisorChat>(html`<supervisor-chat .client=${client} flag-id=${flagId}></supervisor-chat>`);
  const options = (el: SupervisorChat) => [...el.shadowRoot!.querySelectorAll('[role=option] .option-title')].map((n) => n.textContent);
  const textarea = (el: SupervisorChat) => $<HTMLTextAreaElement>(el, 'textarea');

  it('filters by title or text, case-insensitively', () => {
    const entries: CannedEntry[] = team.map((reply) => ({ key: reply.id, scope: 'team', reply }));
    expect(filterReplies(entries, 'REFUND').map((e) => e.reply.id)).to.deep.equal(['refund']);
    expect(filterReplies(entries, 'account').map((e) => e.reply.id)).to.deep.equal(['hold']);
    expect(filterReplies(entries, ' ')).to.have.length(2);
  });

  it('keyboard only: / filters inline, arrows move the active option, Enter inserts with placeholders filled, Enter sends', async () => {
    const el = await chat(supervisor);
    await waitUntil(() => $maybe(el, '.canned-open'), 'the quick replies button');
    textarea(el).focus();
    await sendKeys({ type: '/' });
    await waitUntil(() => options(el).length === 3, 'every reply listed');
    expect(textarea(el).getAttribute('aria-controls')).to.equal('canned-list');
    expect(textarea(el).getAttribute('aria-activedescendant')).to.equal('canned-t-hold');
    expect($(el, '[role=status]').textContent).to.equal('3 quick replies');
    await expect(el).to.be.accessible();

    await sendKeys({ type: 'th' });
    await waitUntil(() => options(el).join() === 'Thanks', 'filtered to one');
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ press: 'Backspace' });
    await waitUntil(() => options(el).length === 3, 'all again');
    await sendKeys({ press: 'ArrowDown' });
    expect(textarea(el).getAttribute('aria-activedescendant')).to.equal('canned-t-refund');
    await sendKeys({ press: 'ArrowUp' });
    await sendKeys({ press: 'ArrowUp' });
    expect(textarea(el).getAttribute('aria-activedescendant')).to.equal('canned-p-thanks', 'wraps to the last');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => textarea(el).value === 'Hi Ann Agent, I am checking Carla Customer’s account now.', 'inserted, placeholders filled');
    expect($maybe(el, '[role=listbox]')).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal(textarea(el));

    const received = next(await chat(agent), 'message-received');
    await sendKeys({ press: 'Enter' });
    const { event } = await received;
    expect(event.type === 'message' && event.text).to.equal('Hi Ann Agent, I am checking Carla Customer’s account now.');
  });

  it('Esc closes the inline list and Enter then sends what was typed; no match says so', async () => {
    const el = await chat(supervisor);
    await waitUntil(() => $maybe(el, '.canned-open'));
    textarea(el).focus();
    await sendKeys({ type: '/zzz' });
    await waitUntil(() => $maybe(el, '.canned .empty')?.textContent === 'No quick reply matches.');
    expect(textarea(el).hasAttribute('aria-controls')).to.equal(false);
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ press: 'Backspace' });
    await waitUntil(() => options(el).length === 3);
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !$maybe(el, '.canned'), 'closed');
    await sendKeys({ type: 'x' });
    expect($maybe(el, '.canned')).to.equal(null, 'stays closed while the / is there');
  });

  it('the button opens the list with focus in it; arrows and Enter insert at the caret; Esc returns to the button', async () => {
    const el = await chat(supervisor);
    await waitUntil(() => $maybe(el, '.canned-open'));
    textarea(el).focus();
    await sendKeys({ type: 'Note: ' });
    $<HTMLButtonElement>(el, '.canned-open').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.shadowRoot!.activeElement?.id === 'canned-list', 'focus in the list');
    expect($(el, '.canned-open').getAttribute('aria-expanded')).to.equal('true');
    await sendKeys({ press: 'End' });
    expect($(el, '#canned-list').getAttribute('aria-activedescendant')).to.equal('canned-p-thanks');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => textarea(el).value === 'Note: Thanks Ann Agent!');
    $<HTMLButtonElement>(el, '.canned-open').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.shadowRoot!.activeElement?.id === 'canned-list');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => el.shadowRoot!.activeElement?.classList.contains('canned-open'), 'back on the button');
    expect($maybe(el, '.canned')).to.equal(null);
  });

  it('the agent has no picker', async () => {
    const el = await chat(agent);
    await waitUntil(() => $maybe(el, 'textarea'));
    expect($maybe(el, '.canned-open')).to.equal(null);
    expect(textarea(el).hasAttribute('aria-autocomplete')).to.equal(false);
  });

  it('the editor by keyboard: Escape closes the open form first, then the dialog, and focus goes back to Quick replies', async () => {
    const el = await chat(supervisor);
    await waitUntil(() => $maybe(el, '.canned-open'));
    $<HTMLButtonElement>(el, '.canned-open').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => $maybe(el, '.canned .manage'));
    $<HTMLButtonElement>(el, '.canned .manage').focus();
    await sendKeys({ press: 'Enter' });
    const dialog = $<HTMLDialogElement>(el, 'dialog');
    await waitUntil(() => dialog.open, 'editor open');
    $<HTMLButtonElement>(el, 'dialog section .add').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.shadowRoot!.activeElement === $maybe(el, '.reply-form input'), 'the form takes focus');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !$maybe(el, '.reply-form'), 'the form closed');
    expect(dialog.open, 'the dialog stays').to.equal(true);
    await waitUntil(() => el.shadowRoot!.activeElement === $maybe(el, 'dialog section .add'), 'focus back on Add');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !dialog.open, 'the dialog closed');
    await waitUntil(() => el.shadowRoot!.activeElement === $maybe(el, '.canned-open'), 'focus back on Quick replies, not the page');
  });

  it('the editor adds a team reply by keyboard; a stale edit shows the conflict', async () => {
    const el = await chat(supervisor);
    await waitUntil(() => $maybe(el, '.canned-open'));
    $<HTMLButtonElement>(el, '.canned-open').click();
    await waitUntil(() => $maybe(el, '.canned .manage'));
    $<HTMLButtonElement>(el, '.canned .manage').click();
    const dialog = $<HTMLDialogElement>(el, 'dialog');
    await waitUntil(() => dialog.open, 'editor open');
    await expect(el).to.be.accessible();
    $<HTMLButtonElement>(el, 'dialog section .add').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.shadowRoot!.activeElement === $maybe(el, '.reply-form input'), 'the form takes focus');
    await sendKeys({ type: 'Escalating' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'Escalating to billing, {agent}.' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    const saved = await until(supervisor.settings.team('blue').cannedReplies, (s) => s.version === 2);
    expect(saved.value.map((r) => r.title)).to.deep.equal(['Please hold', 'Refund approved', 'Escalating']);
    await waitUntil(() => el.shadowRoot!.activeElement === $maybe(el, 'dialog section[data-scope="team-blue"] .add'), 'focus back on Add');

    // Someone else's save that this client has not heard of yet (written past the hub): the next save here is stale.
    const ahead = { ...saved, value: [], version: 3, updatedAt: 0, updatedBy: { id: 'sid', name: 'Sid', role: 'supervisor' as const } };
    expect(await storage.settings.write({ owner: 'team:blue', doc: { scope: { kind: 'team', team: 'blue' }, key: 'cannedReplies', ...ahead }, writeId: 'sid-1' }, 2)).to.deep.equal({ written: true });
    $<HTMLButtonElement>(el, 'dialog section .delete').click();
    await waitUntil(() => $maybe(el, 'dialog [role=alert]')?.textContent?.includes('cannedReplies was changed by Sid'), 'conflict shown');
    expect(supervisor.settings.team('blue').cannedReplies.get().version).to.equal(2, 'nothing overwritten');
  });
});

describe('quick replies refused by the source of truth', () => {
  it('an agent cannot save team replies (typed error)', async () => {
    const { w, agent } = await raisedWorld();
    const err = await agent.saveSettings({ kind: 'team', team: 'blue' }, 'cannedReplies', [], 0).catch((e: unknown) => e as FlagError);
    expect((err as FlagError).code).to.equal('not-allowed');
    await w.close();
  });
});
