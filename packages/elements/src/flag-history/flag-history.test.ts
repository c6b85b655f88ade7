import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { FlagError, type FlagClient, type Participant } from '@flagline/core';
import '../define-flag-history.js';
import type { FlagHistory } from './flag-history.js';
import { $, $maybe, annAndSamEachTest, next, until } from '../../test/harness.js';

const ben: Participant = { id: 'ben', name: 'Ben Agent', role: 'agent', teams: ['green'] };
const gus: Participant = { id: 'gus', name: 'Gus Supervisor', role: 'supervisor', teams: ['green'] };

describe('<flag-history>', () => {
  const t = annAndSamEachTest();

  /** Ann raises on `interactionId`, Sam acknowledges and writes, then lowers. */
  async function lowered(interactionId: string, opts: { reason?: string; message?: string; reply?: string } = {}) {
    const { flagId } = await t.agent.raise({ interactionId, channel: 'voice', message: opts.message ?? `help on ${interactionId}`, ...(opts.reason ? { reason: opts.reason } : {}) });
    await t.supervisor.acknowledge(flagId!);
    if (opts.reply) await t.supervisor.sendMessage(flagId!, opts.reply);
    await t.supervisor.lower(flagId!, 'done');
    return flagId!;
  }
  async function history(client: FlagClient = t.supervisor): Promise<FlagHistory> {
    const el = await fixture<FlagHistory>(html`<flag-history .client=${client}></flag-history>`);
    await waitUntil(() => $maybe(el, '[role="status"]')?.textContent?.includes('shown'), 'loaded');
    return el;
  }
  const rows = (el: FlagHistory) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.row')];
  const agents = (el: FlagHistory) => rows(el).map((r) => r.querySelector('.agent')!.textContent);

  it('says so when nothing was lowered, accessibly', async () => {
    const el = await history();
    expect($(el, '.empty').textContent).to.equal('No flag was lowered in this range with these filters.');
    expect($(el, '[role="status"]').textContent).to.equal('0 lowered flags shown');
    await expect(el).to.be.accessible();
  });

  it('shows who raised and helped, the times and the cause, newest first; the chat as text on demand', async () => {
    await lowered('i-1', { reason: 'billing', message: 'first <b>one</b>', reply: '<img src=x onerror=alert(1)>' });
    await lowered('i-2');
    const el = await history();
    await waitUntil(() => rows(el).length === 2, 'two rows');
    const [newest, older] = rows(el);
    expect(newest!.querySelector('.message')!.textContent).to.equal('help on i-2');
    expect(older!.querySelector('.message')!.textContent).to.equal('first <b>one</b>');
    const figures = [...older!.querySelectorAll('dd')].map((d) => d.textContent);
    expect(figures[0]).to.equal('Sam Supervisor');
    expect(figures[1]).to.match(/^\d+ sec$/);
    expect(figures[2]).to.match(/^\d+ sec$/);
    expect(figures[3]).to.equal('Supervisor · Sam Supervisor');
    expect(figures[4]).to.equal('billing');
    const toggle = older!.querySelector<HTMLButtonElement>('.toggle-chat')!;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    expect(older!.querySelector<HTMLElement>('.chat')!.hidden).to.equal(true);
    toggle.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const said = older!.querySelector('.said p')!;
    expect(said.textContent).to.equal('<img src=x onerror=alert(1)>');
    expect(older!.querySelector('.chat img')).to.equal(null);
    expect(older!.querySelector('.chat')!.textContent).to.contain('Sam Supervisor lowered the flag');
    await expect(el).to.be.accessible();
  });

  it('adds a flag lowered while it is shown, newest first', async () => {
    await lowered('i-1');
    const el = await history();
    await waitUntil(() => rows(el).length === 1, 'one row');
    await lowered('i-2', { message: 'lowered just now' });
    await waitUntil(() => rows(el).length === 2, 'the new one appears');
    expect(rows(el)[0]!.querySelector('.message')!.textContent).to.equal('lowered just now');
  });

  it('shows a supervisor only their teams’ flags and an agent only theirs', async () => {
    const other = t.w.client(ben);
    const greenLead = t.w.client(gus);
    await lowered('i-1');
    const { flagId } = await other.raise({ interactionId: 'g-1', channel: 'voice', message: 'green help' });
    await other.lower(flagId!);
    const blue = await history(t.supervisor);
    await waitUntil(() => rows(blue).length === 1);
    expect(agents(blue)).to.deep.equal(['Ann Agent']);
    const green = await history(greenLead);
    await waitUntil(() => rows(green).length === 1);
    expect(agents(green)).to.deep.equal(['Ben Agent']);
    const own = await history(other);
    await waitUntil(() => rows(own).length === 1);
    expect(agents(own)).to.deep.equal(['Ben Agent']);
    expect($maybe(own, '.filter-agent'), 'no agent filter for an agent').to.equal(null);
  });

  it('filters by reason with the keyboard, and pages with Show older', async () => {
    for (let i = 1; i <= 27; i++) await lowered(`i-${i}`, { reason: i === 3 ? 'refund' : 'billing' });
    const el = await history();
    await waitUntil(() => rows(el).length === 25, 'first page');
    const more = $<HTMLButtonElement>(el, '.more');
    more.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => rows(el).length === 27, 'second page');
    expect($maybe(el, '.more')).to.equal(null);
    const reason = $<HTMLSelectElement>(el, '.filter-reason');
    reason.focus();
    reason.value = 'refund';
    reason.dispatchEvent(new Event('change'));
    await waitUntil(() => rows(el).length === 1, 'filtered');
    expect(rows(el)[0]!.querySelector('.message')!.textContent).to.equal('help on i-3');
  });

  it('exports what the filters select as CSV, formula-safe, to a cancelable event', async () => {
    await lowered('i-1', { message: '=HYPERLINK("http://evil")', reason: 'billing' });
    await lowered('i-2', { reason: 'refund' });
    const el = await history();
    await waitUntil(() => rows(el).length === 2);
    const reason = $<HTMLSelectElement>(el, '.filter-reason');
    reason.value = 'billing';
    reason.dispatchEvent(new Event('change'));
    await waitUntil(() => rows(el).length === 1);
    el.addEventListener('flag-history-export', (e) => e.preventDefault(), { once: true });
    const exported = next(el, 'flag-history-export');
    $<HTMLButtonElement>(el, '.export').click();
    const { csv, filename } = await exported;
    expect(filename).to.match(/^flag-history-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = csv.split('\r\n');
    expect(lines[0]).to.equal('Flag,Team,Agent,Raised at,Acknowledged by,Seconds to acknowledge,Lowered at,Seconds to lower,Cause,Lowered by,Reason,Lower reason,Message');
    expect(lines).to.have.length(3);
    expect(lines[1]).to.match(/,billing,done,"'=HYPERLINK\(""http:\/\/evil""\)"$/);
  });

  it('shows a failed load with Try again, and recovers', async () => {
    let fail = true;
    const real = t.supervisor.history.bind(t.supervisor);
    t.supervisor.history = (q) => (fail ? Promise.reject(new FlagError('unavailable', 'History is down.')) : real(q));
    const el = await fixture<FlagHistory>(html`<flag-history .client=${t.supervisor}></flag-history>`);
    await waitUntil(() => $maybe(el, '.error'), 'error shown');
    expect($(el, '.error').getAttribute('role')).to.equal('alert');
    await expect(el).to.be.accessible();
    await lowered('i-1');
    await el.updateComplete;
    fail = false;
    $<HTMLButtonElement>(el, '.retry').click();
    await waitUntil(() => rows(el).length === 1, 'recovered');
    expect($maybe(el, '.error')).to.equal(null);
  });

  it('is keyboard-usable from the range filter to the rows', async () => {
    await lowered('i-1');
    const el = await history();
    await until(t.supervisor.$status, (s) => s === 'online');
    await waitUntil(() => rows(el).length === 1);
    $<HTMLSelectElement>(el, '.filter-hours').focus();
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement?.className).to.equal('filter-team');
  });
});
