import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../define.js';
import type { FlagButton } from './flag-button.js';
import { $, $maybe, annAndSamEachTest, until } from '../../test/harness.js';

describe('<flag-button> quick raise reasons', () => {
  const t = annAndSamEachTest();

  const button = () => fixture<FlagButton>(html`<flag-button .client=${t.agent} interaction-id="i-1" channel="voice"></flag-button>`);
  const chips = (el: FlagButton) => [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.quick-reasons button')];

  it('offers the team’s reasons; picking one by keyboard fills the reason that the raise carries', async () => {
    await t.supervisor.saveSettings({ kind: 'team', team: 'blue' }, 'quickReasons', ['Refund above limit', 'Angry caller'], 0);
    const el = await button();
    $<HTMLButtonElement>(el, '.trigger').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => chips(el).length === 2, 'the reasons arrive');
    expect($(el, '.quick-reasons').getAttribute('aria-label')).to.equal('Common reasons');
    await expect(el).to.be.accessible();
    chips(el)[1]!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => $<HTMLInputElement>(el, '#reason').value === 'Angry caller');
    expect(chips(el)[1]!.getAttribute('aria-pressed')).to.equal('true');
    $<HTMLTextAreaElement>(el, '#message').focus();
    await sendKeys({ type: 'Please help' });
    await sendKeys({ press: 'Enter' });
    const [flag] = await until(t.supervisor.$openFlags, (f) => f.length === 1);
    expect(flag!.reason).to.equal('Angry caller');
  });

  it('shows no chips while the team has none, and new ones live', async () => {
    const el = await button();
    $<HTMLButtonElement>(el, '.trigger').click();
    await waitUntil(() => $maybe(el, '#reason'));
    expect($maybe(el, '.quick-reasons')).to.equal(null);
    await t.supervisor.saveSettings({ kind: 'team', team: 'blue' }, 'quickReasons', ['Billing dispute'], 0);
    await waitUntil(() => chips(el).map((c) => c.textContent?.trim()).join() === 'Billing dispute', 'live update');
  });
});
