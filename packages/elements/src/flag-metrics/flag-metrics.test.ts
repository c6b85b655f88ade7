import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { FlagClient } from '@flagline/core';
import '../define-flag-metrics.js';
import type { FlagMetrics } from './flag-metrics.js';
import { $, annAndSamEachTest, until } from '../../test/harness.js';

async function metrics(supervisor: FlagClient): Promise<FlagMetrics> {
  const el = await fixture<FlagMetrics>(html`<flag-metrics .client=${supervisor}></flag-metrics>`);
  await until(supervisor.$status, (s) => s === 'online');
  return el;
}
const figure = (el: FlagMetrics, term: string) =>
  [...el.shadowRoot!.querySelectorAll('.figures > div')].find((d) => d.querySelector('dt')!.textContent === term)?.querySelector('dd')!.textContent;

describe('<flag-metrics>', () => {
  const t = annAndSamEachTest();

  it('shows zeros, dashes and no reasons when nothing happened, accessibly', async () => {
    const el = await metrics(t.supervisor);
    expect(figure(el, 'Open')).to.equal('0');
    expect(figure(el, 'Time to acknowledge')).to.equal('—');
    expect($(el, '.reasons').textContent).to.contain('No flag raised in this window.');
    await expect(el).to.be.accessible();
  });

  it('counts live: open, waiting, acknowledged; percentiles; a bar per reason with its text; the sparkline as a table', async () => {
    const el = await metrics(t.supervisor);
    const a = await t.agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'one', reason: 'billing' });
    await t.agent.raise({ interactionId: 'i-2', channel: 'voice', message: 'two', reason: 'billing' });
    await t.agent.raise({ interactionId: 'i-3', channel: 'voice', message: 'three', reason: 'refund' });
    await waitUntil(() => figure(el, 'Open') === '3', 'three open');
    expect(figure(el, 'Waiting')).to.equal('3');
    await t.supervisor.acknowledge(a.flagId!);
    await waitUntil(() => figure(el, 'Acknowledged') === '1', 'one acknowledged');
    expect(figure(el, 'Waiting')).to.equal('2');
    expect(figure(el, 'Time to acknowledge')).to.match(/^p50 \d+ sec · p90 \d+ sec$/);
    await t.supervisor.lower(a.flagId!);
    await waitUntil(() => figure(el, 'Open') === '2', 'two open');
    expect(figure(el, 'Time to lower')).to.match(/^p50 \d+ sec · p90 \d+ sec$/);
    const reasons = [...el.shadowRoot!.querySelectorAll('.reasons li .label')].map((l) => l.textContent);
    // Each reason is bidi-isolated (FSI…PDI): a right-to-left override in one cannot reverse its count.
    expect(reasons).to.deep.equal(['\u2068billing\u2069: 2', '\u2068refund\u2069: 1']);
    const cells = [...el.shadowRoot!.querySelectorAll('.sparkline tbody tr')].map((r) => r.lastElementChild!.textContent);
    expect(cells).to.have.length(13);
    expect(cells.at(-1)).to.equal('2');
    expect($(el, '.sparkline svg').getAttribute('aria-hidden')).to.equal('true');
    await expect(el).to.be.accessible();
  });

  it('opens the per-team and per-supervisor breakdowns from the keyboard', async () => {
    const el = await metrics(t.supervisor);
    const { flagId } = await t.agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'one' });
    await t.supervisor.acknowledge(flagId!);
    await waitUntil(() => el.shadowRoot!.querySelectorAll('details').length === 2, 'breakdowns');
    const [byTeam, bySupervisor] = [...el.shadowRoot!.querySelectorAll('details')];
    byTeam!.querySelector('summary')!.focus();
    await sendKeys({ press: 'Enter' });
    expect(byTeam!.open).to.equal(true);
    expect(byTeam!.querySelector('tbody th')!.textContent).to.equal('blue');
    expect(bySupervisor!.querySelector('tbody th')!.textContent).to.equal('Sam Supervisor');
  });
});

describe('<flag-metrics> with lowered flags gone from the clients', () => {
  // Lowered flags leave clients after 1 ms here; the source of truth still has the hour's.
  const t = annAndSamEachTest({ config: { recentMs: 1 } });

  it('includes flags of the window that the client no longer holds, from the history', async () => {
    const { flagId } = await t.agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'old', reason: 'billing' });
    await t.agent.lower(flagId!);
    await waitUntil(() => !t.supervisor.$flags.get().has(flagId!), 'gone from the client');
    const el = await metrics(t.supervisor);
    await waitUntil(() => el.shadowRoot!.querySelector('.reasons li'), 'reason bar');
    expect(el.shadowRoot!.querySelector('.reasons li .label')!.textContent).to.equal('\u2068billing\u2069: 1');
    expect(figure(el, 'Time to lower')).to.match(/^p50 \d+ sec/);
  });
});
