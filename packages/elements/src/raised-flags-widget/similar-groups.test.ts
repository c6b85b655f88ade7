import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { Flag, FlagClient, Participant } from '@flagline/core';
import { groupSimilarFlags } from '@flagline/core/automation';
import { OUTAGE, UNRELATED } from '../../../core/src/automation/fixtures/flags.js';
import '../define.js';
import type { RaisedFlagsWidget } from './raised-flags-widget.js';
import { boardItems, GROUPING_INTERVAL_MS, SimilarGroups } from './similar-groups.js';
import { $, $maybe, sam, until, world, type World } from '../../test/harness.js';

/** Six agents of Sam's team, each raising one of the outage fixture's flags. */
const agents: Participant[] = OUTAGE.map((_, i) => ({ id: `agent-${i + 1}`, name: `Agent ${i + 1}`, role: 'agent', teams: ['blue'] }));

describe('<raised-flags-widget> groups similar flags', () => {
  let w: World;
  let supervisor: FlagClient;
  let clients: FlagClient[];
  let outageIds: string[];
  beforeEach(async () => {
    w = world();
    supervisor = w.client(sam);
    clients = agents.map((a) => w.client(a));
    outageIds = [];
    for (const [i, f] of OUTAGE.entries())
      outageIds.push((await clients[i]!.raise({ interactionId: `call-${i}`, channel: 'voice', message: f.message, ...(f.reason ? { reason: f.reason } : {}) })).flagId!);
    // Two unrelated flags from the first agent, on other interactions.
    for (const [i, f] of UNRELATED.slice(0, 2).entries()) await clients[0]!.raise({ interactionId: `other-${i}`, channel: 'enhanced-chat', message: f.message });
    await until(supervisor.$openFlags, (f) => f.length === 8);
  });
  afterEach(() => w.close());

  async function board(): Promise<RaisedFlagsWidget> {
    return fixture<RaisedFlagsWidget>(html`<raised-flags-widget .client=${supervisor} .groupSimilar=${groupSimilarFlags}></raised-flags-widget>`);
  }
  const items = (el: RaisedFlagsWidget) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.list > [role="listitem"]')];

  it('shows the outage as one group and the unrelated flags alone; accessible; its flags on demand', async () => {
    const el = await board();
    expect(items(el).map((r) => (r.dataset.groupKey ? 'group' : r.querySelector('.preview')!.textContent))).to.have.members([
      'group',
      UNRELATED[0]!.message,
      UNRELATED[1]!.message,
    ]);
    const group = $(el, '.group');
    expect(group.querySelector('.group-title')!.textContent).to.equal('6 similar flags — payment page down');
    // In the board's order (longest waiting first): the same six people.
    expect(group.querySelector('.group-agents')!.textContent!.split(', ')).to.have.members(agents.map((a) => a.name));
    await expect(el).to.be.accessible();
    const toggle = group.querySelector<HTMLButtonElement>('.toggle-group')!;
    toggle.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    expect([...group.querySelectorAll('.members [role="listitem"]')].map((r) => (r as HTMLElement).dataset.flagId)).to.have.members(outageIds);
    await expect(el).to.be.accessible();
  });

  it('replies to all six by keyboard: one message on each flag, each its own command', async () => {
    const el = await board();
    $<HTMLButtonElement>(el, '.reply-all').focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect($(el, '.reply-all-form label').textContent).to.equal('Message to the 6 agents (one on each flag)');
    $(el, '.reply-all-form textarea').focus();
    await sendKeys({ type: 'We know, the payment page is being fixed.' });
    await sendKeys({ press: 'Enter' });
    for (const [i, client] of clients.entries()) {
      const timeline = await until(client.timeline(outageIds[i]!), (t) => t.some((item) => item.event.type === 'message' && item.event.actor.id === 'sam'));
      const messages = timeline.filter((item) => item.event.type === 'message');
      expect(messages.map((m) => (m.event.type === 'message' ? m.event.text : ''))).to.deep.equal(['We know, the payment page is being fixed.']);
    }
    const commandIds = outageIds.map((id) => {
      const event = supervisor.timeline(id).get().find((item) => item.event.type === 'message')!.event;
      return event.type === 'message' ? event.clientId : '';
    });
    expect(new Set(commandIds).size).to.equal(6);
    await waitUntil(() => $(el, '[role="status"]').textContent === 'Reply sent on 6 of 6 flags');
    expect($maybe(el, '.reply-all-form')).to.equal(null);
  });

  it('acknowledges all six, then lowers all six, together', async () => {
    const el = await board();
    $<HTMLButtonElement>(el, '.acknowledge-all').click();
    await until(supervisor.$openFlags, (f) => outageIds.every((id) => f.find((x) => x.id === id)?.status === 'acknowledged'));
    await waitUntil(() => $(el, '[role="status"]').textContent === 'Acknowledged 6 of 6 flags');
    await el.updateComplete;
    expect($maybe(el, '.acknowledge-all')).to.equal(null);
    $<HTMLButtonElement>(el, '.lower-all').click();
    await until(supervisor.$openFlags, (f) => f.length === 2);
    await waitUntil(() => $maybe(el, '.group') === null);
    expect(items(el)).to.have.length(2);
  });

  it('groups nothing without a grouping function', async () => {
    const el = await fixture<RaisedFlagsWidget>(html`<raised-flags-widget .client=${supervisor}></raised-flags-widget>`);
    expect($maybe(el, '.group')).to.equal(null);
    expect(items(el)).to.have.length(8);
  });
});

describe('similar groups: throttled, kept in the board order', () => {
  const flag = (id: string, message: string): Flag => ({ id, message, raisedAt: 0 }) as Flag;
  const a = flag('a', 'payment page down');
  const b = flag('b', 'payment page is down');
  const c = flag('c', 'refund please');
  const d = flag('d', 'payment page down again');

  it('groups at most once an interval: in between it keeps the last groups and says when to look again', () => {
    const groups = new SimilarGroups();
    let runs = 0;
    const group = (flags: readonly Flag[]) => (runs++, groupSimilarFlags(flags));
    const first = [a, b, c];
    expect(groups.groups(group, first, [first], 1_000)).to.deep.equal({ groups: [{ ids: ['a', 'b'], label: 'payment page down' }] });
    expect(groups.groups(group, first, [first], 1_500), 'same flags: no run').to.deep.equal({ groups: [{ ids: ['a', 'b'], label: 'payment page down' }] });
    const second = [a, b, c, d];
    expect(groups.groups(group, second, [second], 1_500)).to.deep.equal({ groups: [{ ids: ['a', 'b'], label: 'payment page down' }], due: 1_000 + GROUPING_INTERVAL_MS });
    expect(groups.groups(group, second, [second], 1_000 + GROUPING_INTERVAL_MS).groups[0]!.ids).to.deep.equal(['a', 'b', 'd']);
    expect(runs).to.equal(2);
  });

  it('places a group where its first member stands and dissolves one left with a single shown flag', () => {
    const groups = [{ ids: ['a', 'b', 'd'], label: 'payment page down' }];
    expect(boardItems([c, b, a], groups).map((i) => (i.kind === 'flag' ? i.flag.id : i.flags.map((f) => f.id).join('+')))).to.deep.equal(['c', 'b+a']);
    expect(boardItems([c, a], groups).map((i) => (i.kind === 'flag' ? i.flag.id : 'group'))).to.deep.equal(['c', 'a']);
  });
});
