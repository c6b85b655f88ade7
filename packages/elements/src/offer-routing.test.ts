/**
 * Offer routing and presence as supervisors and agents see them: the widget's offered rows
 * (countdown, one announcement, Acknowledge only for the offered supervisor), its status
 * selector (keyboard), and the flag-button's "no supervisor online" hint.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { FlagClient, Participant } from '@flagline/core';
import './define.js';
import type { FlagButton } from './flag-button/flag-button.js';
import type { RaisedFlagsWidget } from './raised-flags-widget/raised-flags-widget.js';
import { $, $maybe, ann, sam, until, world, type World } from '../test/harness.js';

const nia: Participant = { id: 'nia', name: 'Nia Supervisor', role: 'supervisor', teams: ['blue'] };
const OFFER_MS = 30_000;

describe('offer routing in the elements', () => {
  let w: World;
  let clock: number;
  let agent: FlagClient;
  afterEach(() => w.close());
  beforeEach(() => {
    clock = Date.now();
    w = world({ config: { routing: { blue: { mode: 'offer', offerMs: OFFER_MS, maxPerSupervisor: 2 } } }, now: () => clock });
    agent = w.client(ann);
  });

  async function widgetFor(p: Participant): Promise<{ el: RaisedFlagsWidget; client: FlagClient }> {
    const client = w.client(p);
    const el = await fixture<RaisedFlagsWidget>(html`<raised-flags-widget .client=${client}></raised-flags-widget>`);
    await until(client.$presence, (v) => v !== null);
    return { el, client };
  }
  const rowOf = (el: RaisedFlagsWidget) => el.shadowRoot!.querySelector<HTMLElement>('[role="listitem"]');

  it('shows "Offered to you" with the seconds left to the offered supervisor, announced once, and lets them take it', async () => {
    const { el } = await widgetFor(sam);
    await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'Refund over my limit' });
    await waitUntil(() => rowOf(el)?.dataset.state === 'offered-to-me', 'the row is offered to Sam');
    const row = rowOf(el)!;
    const left = Number(/^Offered to you — (\d+) s$/.exec(row.querySelector('.state')!.textContent ?? '')?.[1]);
    expect(left, 'seconds left of the 30 s offer').to.be.within(1, 30);
    // The countdown is not a live region: only the one announcement is read out.
    expect(row.querySelector('.state')!.closest('[aria-live]')).to.equal(null);
    expect($(el, '[role="status"][aria-live="polite"]').textContent).to.equal('Flag from Ann Agent offered to you for 30 seconds: Refund over my limit');
    await expect(el).to.be.accessible();
    // The new flag's highlight, dark, with a host's brand accent (the demo's): the offered line
    // stays readable on it (axe's colour contrast; the accent on the highlight was 4.42:1).
    expect(row.classList.contains('highlight')).to.equal(true);
    el.setAttribute('theme', 'dark');
    el.style.setProperty('--flagline-color-accent', '#8ea4ff');
    await expect(el).to.be.accessible();
    el.removeAttribute('theme');
    el.style.removeProperty('--flagline-color-accent');
    row.querySelector<HTMLButtonElement>('.acknowledge')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => rowOf(el)?.dataset.state === 'acknowledged', 'taken by keyboard');
  });

  it('shows "Offered to Nia" to another supervisor with no Acknowledge until the offers end', async () => {
    const { el, client: samClient } = await widgetFor(sam);
    await samClient.setStatus('busy');
    await widgetFor(nia);
    await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'Refund over my limit' });
    await waitUntil(() => rowOf(el)?.dataset.state === 'offered', 'offered to someone else');
    expect(rowOf(el)!.querySelector('.state')!.textContent).to.match(/^Offered to Nia Supervisor — ([1-9]|[12]\d|30) s$/);
    expect(rowOf(el)!.querySelector('.acknowledge')).to.equal(null);
    expect($(el, '[role="status"][aria-live="polite"]').textContent, 'only the new flag is announced to Sam').to.equal('New flag from Ann Agent: Refund over my limit');
    clock += OFFER_MS;
    await w.hub.tick();
    await waitUntil(() => rowOf(el)?.dataset.state === 'waiting', 'open to the team');
    expect(rowOf(el)!.querySelector('.acknowledge')).to.not.equal(null);
  });

  it('sets the supervisor’s own status from the header by keyboard', async () => {
    const { el, client } = await widgetFor(sam);
    const select = $<HTMLSelectElement>(el, 'select.status');
    expect(select.value).to.equal('available');
    expect([...select.options].map((o) => o.textContent)).to.deep.equal(['Available', 'Busy', 'Away']);
    select.focus();
    await sendKeys({ press: 'ArrowDown' });
    await until(client.$presence, (v) => v?.status === 'busy');
    await waitUntil(() => $(el, 'select.status').dataset.status === 'busy', 'the selector shows Busy');
    await expect(el).to.be.accessible();
  });

  it('an agent sees "No supervisor online" before raising while nobody of their team is available', async () => {
    const button = await fixture<FlagButton>(html`<flag-button .client=${agent} interaction-id="i-1" channel="voice"></flag-button>`);
    await until(agent.$presence, (v) => v !== null);
    await waitUntil(() => $maybe(button, '.no-supervisor'), 'nobody online');
    expect($(button, '.no-supervisor').closest('[role="status"]'), 'announced politely').to.not.equal(null);
    const supervisor = w.client(sam);
    await until(agent.$presence, (v) => v?.available.blue === 1);
    await waitUntil(() => !$maybe(button, '.no-supervisor'), 'Sam came online');
    await supervisor.setStatus('away');
    await waitUntil(() => $maybe(button, '.no-supervisor'), 'Sam went away');
    await expect(button).to.be.accessible();
  });
});
