import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { createFlagClient, type FlagClient } from '@flagline/core';
import '../define.js';
import type { SupervisorChat } from './supervisor-chat.js';
import { $, $maybe, ann, losingNextMessage, next, raisedWorld, sam, until, type World } from '../../test/harness.js';

describe('<supervisor-chat>', () => {
  let w: World;
  let agent: FlagClient;
  let supervisor: FlagClient;
  let flagId: string;
  beforeEach(async () => {
    ({ w, agent, supervisor, flagId } = await raisedWorld());
  });
  afterEach(() => w.close());

  const chat = (client: FlagClient) =>
    fixture<SupervisorChat>(html`<supervisor-chat .client=${client} flag-id=${flagId}></supervisor-chat>`);
  const texts = (el: SupervisorChat, selector: string) =>
    [...el.shadowRoot!.querySelectorAll(selector)].map((n) => n.textContent?.trim() ?? '');

  it('shows the flag events as system lines, user text as text, and is accessible', async () => {
    const el = await chat(supervisor);
    await waitUntil(() => texts(el, '.system').length === 1, 'raised line');
    expect(texts(el, '.system')[0]).to.contain('Ann Agent raised a flag: "Caller wants a refund <b>now</b>"');
    expect($maybe(el, '.system b')).to.equal(null);
    // Whose chat it is, from where the reader sits.
    expect($(el, '[role="log"]').getAttribute('aria-label')).to.equal('Private chat with Ann Agent');
    expect($(await chat(agent), '[role="log"]').getAttribute('aria-label')).to.equal('Private chat with the supervisor');
    await expect(el).to.be.accessible();
  });

  it('carries a two-way conversation: Enter sends, Shift+Enter is a newline, authors and delivery shown', async () => {
    const agentChat = await chat(agent);
    const supervisorChat = await chat(supervisor);
    $<HTMLTextAreaElement>(agentChat, 'textarea').focus();
    await sendKeys({ type: 'Line one' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'line two' });
    expect($(agentChat, '#counter').textContent).to.equal('17 / 1000');
    const received = next(supervisorChat, 'message-received');
    await sendKeys({ press: 'Enter' });
    expect($<HTMLTextAreaElement>(agentChat, 'textarea').value).to.equal('');
    const { event } = await received;
    expect(event.type === 'message' && event.text).to.equal('Line one\nline two');
    await waitUntil(() => texts(supervisorChat, '.message .author').includes('Ann Agent'), 'author on the other side');
    await waitUntil(() => texts(agentChat, '.message .delivery').includes('Sent'), 'sent');

    $<HTMLTextAreaElement>(supervisorChat, 'textarea').focus();
    await sendKeys({ type: 'On my way' });
    const back = next(agentChat, 'message-received');
    $<HTMLButtonElement>(supervisorChat, '.send').click();
    expect((await back).event.actor.name).to.equal('Sam Supervisor');
    await waitUntil(() => texts(agentChat, '.message .text').includes('On my way'), 'reply shown');
    expect(texts(agentChat, '.message time').every((t) => /\d/.test(t))).to.equal(true);
    await expect(agentChat).to.be.accessible();
  });

  it('shows sending while offline, then sent once the connection returns', async () => {
    const el = await chat(agent);
    w.hub.goOffline();
    await until(agent.$status, (s) => s !== 'online');
    await el.updateComplete;
    expect($(el, '.connection').textContent).to.contain('Offline');
    $<HTMLTextAreaElement>(el, 'textarea').focus();
    await sendKeys({ type: 'are you there?' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => texts(el, '.message .delivery').includes('Sending…'), 'sending');
    await expect(el).to.be.accessible();
    w.hub.goOnline();
    await waitUntil(() => texts(el, '.message .delivery').includes('Sent'), 'sent after reconnect');
    expect($maybe(el, '.connection')).to.equal(null);
  });

  it('keeps a failed message with Retry, and a retry never duplicates it', async () => {
    const transport = losingNextMessage(w.hub.transport(ann));
    const flaky = createFlagClient({ transport, me: ann });
    try {
      await until(flaky.$flags, (f) => f.has(flagId));
      const el = await chat(flaky);
      $<HTMLTextAreaElement>(el, 'textarea').focus();
      await sendKeys({ type: 'hello?' });
      const failed = next(el, 'flag-error');
      await sendKeys({ press: 'Enter' });
      expect((await failed).action).to.equal('send-message');
      await waitUntil(() => $maybe(el, '.retry'), 'retry button');
      expect($(el, '.delivery.failed').textContent).to.contain('Not sent: The connection dropped while sending.');
      await expect(el).to.be.accessible();
      $(el, '.retry').focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => texts(el, '.message .delivery').includes('Sent'), 'sent after retry');
      await waitUntil(() => el.shadowRoot!.activeElement === $(el, 'textarea'), 'focus back in the composer');
      const timeline = await until(supervisor.timeline(flagId), (items) => items.some((i) => i.event.type === 'message'));
      expect(timeline.filter((i) => i.event.type === 'message')).to.have.length(1);
    } finally {
      flaky.close();
    }
  });

  it('discards a failed message', async () => {
    const flaky = createFlagClient({ transport: losingNextMessage(w.hub.transport(ann)), me: ann });
    try {
      await until(flaky.$flags, (f) => f.has(flagId));
      const el = await chat(flaky);
      $<HTMLTextAreaElement>(el, 'textarea').focus();
      await sendKeys({ type: 'lost' });
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => $maybe(el, '.discard'), 'discard button');
      $(el, '.discard').click();
      await waitUntil(() => texts(el, '.message').length === 0, 'message gone');
    } finally {
      flaky.close();
    }
  });

  it('stays readable but read-only once the flag is lowered, saying why', async () => {
    await agent.sendMessage(flagId, 'thanks');
    const el = await chat(agent);
    await supervisor.lower(flagId);
    await waitUntil(() => $maybe(el, '.readonly'), 'read-only notice');
    expect($(el, '.readonly').textContent).to.contain('Sam Supervisor lowered the flag');
    expect($<HTMLTextAreaElement>(el, 'textarea').disabled).to.equal(true);
    await waitUntil(() => texts(el, '.message .text').includes('thanks'), 'earlier message still shown');
    expect(texts(el, '.system').at(-1)).to.contain('Sam Supervisor lowered the flag');
    await expect(el).to.be.accessible();
  });

  it('stays on the newest message, offers a jump when scrolled up, and marks read only when seen', async () => {
    for (let i = 0; i < 40; i++) await supervisor.sendMessage(flagId, `message ${i}`);
    const el = await chat(agent);
    const log = $(el, '.log');
    await waitUntil(() => texts(el, '.message .text').includes('message 39'), 'newest rendered');
    await waitUntil(() => log.scrollHeight - log.scrollTop - log.clientHeight < 40, 'pinned to newest');
    await waitUntil(() => (agent.$unread.get().get(flagId) ?? 0) === 0, 'read when seen');

    log.focus();
    await sendKeys({ press: 'Home' });
    await waitUntil(() => log.scrollTop === 0 && texts(el, '.message .text')[0] === 'message 0', 'at the first message');
    await supervisor.sendMessage(flagId, 'are you still there?');
    await waitUntil(() => $maybe(el, '.jump'), 'jump button');
    expect($(el, '.jump').textContent).to.equal('1 new message');
    expect(agent.$unread.get().get(flagId)).to.equal(1);
    await expect(el).to.be.accessible();

    $(el, '.jump').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => texts(el, '.message .text').includes('are you still there?'), 'newest rendered again');
    await waitUntil(() => log.scrollHeight - log.scrollTop - log.clientHeight < 40, 'back at newest');
    await waitUntil(() => (agent.$unread.get().get(flagId) ?? 0) === 0, 'read after jump');
    expect($maybe(el, '.jump')).to.equal(null);
  });

  it('renders a few of thousands of messages (virtualized)', async () => {
    // Seeded at the source of truth (as a stored history would be), then loaded by a fresh client.
    const authority = await w.hub.ready;
    for (let i = 0; i < 2000; i++)
      await authority.execute(sam, { id: `seed-${i}`, command: { type: 'send-message', flagId, text: `bulk ${i}` } });
    agent = w.client(ann);
    await until(agent.timeline(flagId), (items) => items.length > 2000);
    const el = await chat(agent);
    await waitUntil(() => texts(el, '.message .text').includes('bulk 1999'), 'newest rendered');
    expect(el.shadowRoot!.querySelectorAll('.item').length).to.be.below(200);
  });
});
