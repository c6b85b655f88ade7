// When the chat's body (its own chunk: log, composer, quick replies) loads, and what the reader
// sees when it cannot. Each test file runs in a page of its own, so the body is not loaded yet here.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { FlagError, type FlagClient } from '@flagline/core';
import '../define-raised-flags-widget.js';
import type { RaisedFlagsWidget } from '../raised-flags-widget/raised-flags-widget.js';
import { chatPart, type SupervisorChat } from './supervisor-chat.js';
import { $, $maybe, next, raisedWorld, type World } from '../../test/harness.js';

describe('<supervisor-chat> loading its body', () => {
  let w: World;
  let supervisor: FlagClient;
  let flagId: string;
  let restore: (() => void) | undefined;
  beforeEach(async () => {
    ({ w, supervisor, flagId } = await raisedWorld());
  });
  afterEach(async () => {
    restore?.();
    restore = undefined;
    await w.close();
  });

  it('shows a failed load in place (flag-error, code unavailable) and loads when connected again', async () => {
    expect(chatPart.ready, 'nothing loaded it yet').to.equal(false);
    const load = chatPart.load;
    chatPart.load = () => Promise.reject(new FlagError('unavailable', 'The chat could not be loaded. Reload the page to try again.'));
    restore = () => (chatPart.load = load);
    const box = await fixture<HTMLDivElement>(html`<div></div>`);
    const el = document.createElement('supervisor-chat') as SupervisorChat;
    el.client = supervisor;
    el.flagId = flagId;
    const failed = next(el, 'flag-error');
    box.append(el);
    const { error, action, flagId: where } = await failed;
    expect([error.code, action, where]).to.deep.equal(['unavailable', 'open-chat', flagId]);
    await el.updateComplete;
    expect($(el, '[role="alert"]').textContent).to.contain('could not be loaded');
    expect($maybe(el, 'textarea'), 'no half-rendered composer').to.equal(null);

    restore();
    restore = undefined;
    el.remove();
    box.append(el);
    await el.updateComplete;
    expect($maybe(el, '[role="alert"]'), 'the failure gave way').to.equal(null);
    expect($(el, '[role="log"]').textContent).to.contain('raised a flag');
    await expect(el).to.be.accessible();
  });

  it('the wallboard fetches the chat’s body in idle time, before any chat is opened', async () => {
    let prefetches = 0;
    const prefetch = chatPart.prefetch;
    chatPart.prefetch = () => void prefetches++;
    restore = () => (chatPart.prefetch = prefetch);
    const board = await fixture<RaisedFlagsWidget>(html`<raised-flags-widget .client=${supervisor}></raised-flags-widget>`);
    expect($maybe(board, 'supervisor-chat'), 'no chat open').to.equal(null);
    await waitUntil(() => prefetches === 1, 'prefetched in idle time');
  });
});
