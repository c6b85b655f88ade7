/**
 * The elements render core's view model (presentFlag) and decide nothing themselves: they offer
 * exactly the actions core allows the viewer now, show the phase core names, and take limits
 * from the client's configuration.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { createFlagClient, presentFlag, type FlagAction, type FlagClient } from '@flagline/core';
import './define.js';
import type { FlagButton } from './flag-button/flag-button.js';
import type { RaisedFlagsWidget } from './raised-flags-widget/raised-flags-widget.js';
import type { SupervisorChat } from './supervisor-chat/supervisor-chat.js';
import { $, $maybe, ann, opened, sam, until, world, type World } from '../test/harness.js';

/** The widget's row buttons and the action each one sends. */
const ROW_BUTTONS: Record<string, FlagAction> = { '.acknowledge': 'acknowledge', '.join': 'accept-join', '.decline': 'decline-join', '.lower': 'lower' };

describe('elements follow the view model of @flagline/core', () => {
  let w: World;
  let agent: FlagClient;
  const extra: FlagClient[] = [];
  beforeEach(() => {
    w = world();
    agent = w.client(ann);
  });
  afterEach(async () => {
    for (const c of extra.splice(0)) c.close();
    await w.close();
  });

  /** The actions a wallboard row offers, by its buttons. */
  const offered = (row: Element) => Object.entries(ROW_BUTTONS).filter(([selector]) => row.querySelector(selector)).map(([, action]) => action).sort();
  const allowed = (client: FlagClient, flagId: string) =>
    [...presentFlag(client.$flags.get().get(flagId)!, client.me, client.config).actions].filter((a) => Object.values(ROW_BUTTONS).includes(a)).sort();

  it('a wallboard row offers what core allows, and nothing in fallback mode (not even Lower)', async () => {
    const supervisor = w.client(sam);
    const { flagId } = await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'help' });
    // A supervisor whose host switched Flagline to fallback mode: every command would be refused.
    const fallback = createFlagClient({ transport: w.hub.transport(sam), me: sam, config: { fallbackMode: true } });
    extra.push(fallback);
    const live = await fixture<RaisedFlagsWidget>(html`<raised-flags-widget .client=${supervisor}></raised-flags-widget>`);
    const off = await fixture<RaisedFlagsWidget>(html`<raised-flags-widget .client=${fallback}></raised-flags-widget>`);
    const rowOf = (el: RaisedFlagsWidget) => el.shadowRoot!.querySelector(`[data-flag-id="${flagId}"]`);
    await waitUntil(() => rowOf(live) && rowOf(off), 'both wallboards show the flag');

    expect(offered(rowOf(live)!)).to.deep.equal(['acknowledge', 'lower']);
    expect(offered(rowOf(live)!)).to.deep.equal(allowed(supervisor, flagId!));
    expect(offered(rowOf(off)!)).to.deep.equal([]);
    expect(allowed(fallback, flagId!)).to.deep.equal([]);

    await agent.requestJoin(flagId!);
    await supervisor.acknowledge(flagId!);
    await waitUntil(() => rowOf(live)?.querySelector('.join'), 'Join offered to the supervisor who acknowledged');
    expect(offered(rowOf(live)!)).to.deep.equal(allowed(supervisor, flagId!));
    expect(offered(rowOf(live)!)).to.deep.equal(['accept-join', 'decline-join', 'lower']);
  });

  it('the chat composer is closed where core allows no message', async () => {
    const { flagId } = await agent.raise({ interactionId: 'i-2', channel: 'voice', message: 'help' });
    const fallback = createFlagClient({ transport: w.hub.transport(sam), me: sam, config: { fallbackMode: true, limits: { messageLength: 40 } } });
    extra.push(fallback);
    const chat = await fixture<SupervisorChat>(html`<supervisor-chat .client=${fallback} flag-id=${flagId!}></supervisor-chat>`);
    await until(fallback.flag(flagId!), (f) => f !== undefined);
    await chat.updateComplete;
    expect($<HTMLTextAreaElement>(chat, 'textarea').disabled).to.equal(true);
    expect($<HTMLTextAreaElement>(chat, 'textarea').maxLength).to.equal(40);
  });

  it('the flag button shows the phase core names and offers the join action core allows', async () => {
    const supervisor = w.client(sam);
    const button = await fixture<FlagButton>(html`<flag-button .client=${agent} interaction-id="i-3"></flag-button>`);
    const state = () => $(button, '.trigger').dataset.state;
    const phase = () => presentFlag(agent.flagFor('i-3').get()!, ann, agent.config).phase;
    expect(state()).to.equal('idle');

    const { flagId } = await agent.raise({ interactionId: 'i-3', channel: 'voice', message: 'help' });
    await waitUntil(() => state() === 'raised', 'raised');
    $(button, '.trigger').click();
    await opened(button, '[popover]:popover-open');
    await agent.requestJoin(flagId!);
    await waitUntil(() => state() === 'join-requested', 'join requested');
    expect($maybe(button, '[popover] .join')?.textContent).to.equal('Cancel join request');

    // Acknowledged with a join pending: core's precedence keeps "join requested", and so does the button.
    await until(supervisor.$flags, (m) => m.has(flagId!));
    await supervisor.acknowledge(flagId!);
    await until(agent.flag(flagId!), (f) => f?.status === 'acknowledged');
    await button.updateComplete;
    expect(state()).to.equal(phase());
    expect(state()).to.equal('join-requested');

    await supervisor.acceptJoin(flagId!);
    await waitUntil(() => state() === 'joined', 'joined');
    expect(state()).to.equal(phase());
    // Joined: core allows neither another request nor a cancel, so the button offers neither.
    expect($maybe(button, '[popover] .join')).to.equal(null);
    expect($maybe(button, '[popover] .lower')).to.not.equal(null);
  });
});
