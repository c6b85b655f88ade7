import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { FlagClient, Participant, ParticipantRef } from '@flagline/core';
import '../define.js';
import type { RaisedFlagsWidget } from './raised-flags-widget.js';
import { $, $maybe, ann, next, sam, until, world, type World } from '../../test/harness.js';

const nia: Participant = { id: 'nia', name: 'Nia Supervisor', role: 'supervisor', teams: ['blue'] };
/** Two supervisors' wallboards on one test page: each has its banner, which a real page would not. */
const TWO_BOARDS = { ignoredRules: ['landmark-no-duplicate-banner'] };
const online: ParticipantRef[] = [sam, nia].map(({ id, name, role }) => ({ id, name, role }));

describe('<raised-flags-widget>: hand-off', () => {
  let w: World;
  let agent: FlagClient;
  let samClient: FlagClient;
  let niaClient: FlagClient;
  let flagId: string;
  afterEach(() => w.close());
  beforeEach(async () => {
    w = world();
    agent = w.client(ann);
    samClient = w.client(sam);
    niaClient = w.client(nia);
    flagId = (await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'Refund over the limit' })).flagId!;
    await until(samClient.$openFlags, (f) => f.length === 1);
    await samClient.acknowledge(flagId);
  });

  async function widget(client: FlagClient): Promise<RaisedFlagsWidget> {
    const el = await fixture<RaisedFlagsWidget>(html`<raised-flags-widget .client=${client} .handoffTargets=${() => online}></raised-flags-widget>`);
    await until(client.$status, (s) => s === 'online');
    await waitUntil(() => el.shadowRoot!.querySelector('[role="listitem"]'), 'the row');
    return el;
  }
  const dialog = (el: RaisedFlagsWidget) => $maybe<HTMLDialogElement>(el, 'dialog.handoff');
  const focused = (el: RaisedFlagsWidget) => el.shadowRoot!.activeElement as HTMLElement | null;

  it('keyboard only: Sam hands the flag to Nia with a note, Nia accepts it, the agent sees who helps now', async () => {
    const mine = await widget(samClient);
    const theirs = await widget(niaClient);
    expect($maybe(theirs, 'button.hand-off'), 'only the one helping may hand off').to.equal(null);
    $(mine, 'button.hand-off').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => dialog(mine)?.open && mine.shadowRoot!.querySelectorAll('dialog input[type="radio"]').length === 2, 'the dialog lists Nia (not Sam himself) and the team queue');
    expect([...mine.shadowRoot!.querySelectorAll('dialog .choice')].map((c) => c.textContent!.trim())).to.deep.equal(['Nia Supervisor', 'Back to the team queue']);
    await expect(mine).to.be.accessible(TWO_BOARDS);
    await waitUntil(() => focused(mine)?.getAttribute('value') === 'nia', 'focus on the checked choice: the first colleague online');
    expect((focused(mine) as HTMLInputElement).checked).to.equal(true);
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'She handled the last refund' });
    await sendKeys({ press: 'Tab' });
    const offered = next(theirs, 'transfer-offered');
    await sendKeys({ press: 'Enter' });
    expect((await offered).flag.transfer).to.deep.include({ note: 'She handled the last refund' });
    expect(dialog(mine)).to.equal(null);
    await waitUntil(() => $maybe(mine, '.transfer')?.textContent?.includes('Offered to Nia Supervisor'), "Sam's row says where it is going");
    await waitUntil(() => focused(mine)?.classList.contains('open-chat'), 'focus stays on the row (Hand off is gone while the offer is pending)');

    await waitUntil(() => $maybe(theirs, 'button.accept-transfer'), 'Accept on Nia’s row');
    expect($(theirs, '.transfer').textContent).to.contain('Offered to you by Sam Supervisor');
    expect($(theirs, '.transfer').textContent).to.contain('She handled the last refund');
    expect($(theirs, '[role="status"][aria-live="polite"]').textContent).to.equal('Sam Supervisor offers you the flag from Ann Agent');
    await expect(theirs).to.be.accessible(TWO_BOARDS);
    $(theirs, 'button.accept-transfer').focus();
    await sendKeys({ press: 'Enter' });
    const flags = await until(agent.$flags, (m) => m.get(flagId)?.acknowledgedBy?.id === 'nia');
    expect(flags.get(flagId)!.transfer).to.equal(undefined);
    await waitUntil(() => $maybe(theirs, 'button.hand-off') && !$maybe(mine, 'button.hand-off'), 'now Nia may hand it on, Sam no longer');
    expect($(mine, '.state').textContent).to.contain('Acknowledged by Nia Supervisor');
  });

  it('keyboard only: Escape cancels; "Back to the team queue" makes the flag wait for anyone again', async () => {
    const el = await widget(samClient);
    $(el, 'button.hand-off').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => dialog(el)?.open, 'open');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => dialog(el) === null && focused(el)?.classList.contains('hand-off'), 'closed, focus back on Hand off');
    expect(samClient.flag(flagId).get()!.transfer).to.equal(undefined);

    await sendKeys({ press: 'Enter' });
    await waitUntil(() => dialog(el)?.open && el.shadowRoot!.querySelectorAll('dialog input[type="radio"]').length === 2, 'open again');
    // The first colleague online is chosen at first (Enter alone hands it to them), the queue by choice.
    await waitUntil(() => el.shadowRoot!.querySelector<HTMLInputElement>('dialog input[type="radio"]:checked')?.value === 'nia', 'Nia chosen');
    await waitUntil(() => focused(el)?.matches('input[type="radio"]'), 'focus in the choices');
    await sendKeys({ press: 'ArrowDown' });
    expect(el.shadowRoot!.querySelector<HTMLInputElement>('dialog input[type="radio"]:checked')?.value, 'the queue chosen').to.equal('');
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await until(niaClient.$flags, (m) => m.get(flagId)?.status === 'raised');
    await waitUntil(() => $maybe(el, 'button.acknowledge'), 'Acknowledge offered again');
    expect($(el, '.state').textContent).to.match(/^Waiting /);
  });

  it('says why nobody is listed when the host cannot tell who is online, and still offers the team queue', async () => {
    const el = await fixture<RaisedFlagsWidget>(
      html`<raised-flags-widget .client=${samClient} .handoffTargets=${() => Promise.reject(new Error('The relay did not say who is online (503).'))}></raised-flags-widget>`,
    );
    await waitUntil(() => $maybe(el, 'button.hand-off'), 'the row');
    $(el, 'button.hand-off').click();
    await waitUntil(() => $maybe(el, 'dialog.handoff [role="alert"]'), 'the failure shows');
    expect($(el, 'dialog.handoff [role="alert"]').textContent).to.equal('The relay did not say who is online (503).');
    expect([...el.shadowRoot!.querySelectorAll<HTMLInputElement>('dialog input[type="radio"]')].map((r) => r.value)).to.deep.equal(['']);
  });

  it('marks the receiver’s refusal for the one who offered; the flag stays with them', async () => {
    const el = await widget(samClient);
    const theirs = await widget(niaClient);
    await samClient.transfer(flagId, 'nia');
    await waitUntil(() => $maybe(theirs, 'button.decline-transfer'), 'Decline on Nia’s row');
    $(theirs, 'button.decline-transfer').click();
    await waitUntil(() => $(el, '[role="status"][aria-live="polite"]').textContent === 'Nia Supervisor declined the flag from Ann Agent: it stays with you', 'announced to Sam');
    expect($maybe(el, '.transfer')).to.equal(null);
    expect($maybe(el, 'button.hand-off')).to.not.equal(null);
  });
});
