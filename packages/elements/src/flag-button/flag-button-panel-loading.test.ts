// When the button asks for its panel's code, and what the agent sees when that code cannot load.
// Only the button is registered; `panelPart` (the element's own LazyPart) is watched or made to fail.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { FlagError } from '@flagline/core';
import '../define-flag-button.js';
import type { FlagButton } from './flag-button.js';
import { panelPart } from './panel-part.js';
import { $, $maybe, ann, next, opened, until, world, type World } from '../../test/harness.js';

describe('<flag-button> loading its panel', () => {
  let w: World;
  let restore: (() => void) | undefined;
  afterEach(async () => {
    restore?.();
    restore = undefined;
    await w.close();
  });

  /** Counts the button's prefetches from now on (the part's own once-only guard aside). */
  function countPrefetches(): () => number {
    let count = 0;
    const prefetch = panelPart.prefetch;
    panelPart.prefetch = () => void count++;
    restore = () => (panelPart.prefetch = prefetch);
    return () => count;
  }

  it('prefetches when the shortcut’s first key goes down, not before', async () => {
    w = world();
    w.hub.goOffline(); // never online: no prefetch in idle time
    const prefetches = countPrefetches();
    const el = await fixture<FlagButton>(html`<flag-button .client=${w.client(ann)} interaction-id="i-1" channel="voice" shortcut="Alt+Shift+F"></flag-button>`);
    await sendKeys({ press: 'KeyX' });
    await el.updateComplete;
    expect(prefetches(), 'nothing suggests opening yet').to.equal(0);
    await sendKeys({ down: 'Alt' });
    await sendKeys({ up: 'Alt' });
    expect(prefetches()).to.equal(1);
  });

  it('prefetches when focus or the pointer reaches the button', async () => {
    w = world();
    w.hub.goOffline();
    const prefetches = countPrefetches();
    const el = await fixture<FlagButton>(html`<flag-button .client=${w.client(ann)} interaction-id="i-1" channel="voice"></flag-button>`);
    expect(prefetches()).to.equal(0);
    $(el, '.trigger').focus();
    expect(prefetches(), 'focus').to.equal(1);
    $(el, '.trigger').dispatchEvent(new PointerEvent('pointerenter'));
    expect(prefetches(), 'pointer').to.equal(2);
  });

  it('prefetches in idle time once the client is online, and builds nothing before the agent opens it', async () => {
    w = world();
    const prefetches = countPrefetches();
    const agent = w.client(ann);
    const el = await fixture<FlagButton>(html`<flag-button .client=${agent} interaction-id="i-1" channel="voice"></flag-button>`);
    await until(agent.$status, (s) => s === 'online');
    await waitUntil(() => prefetches() === 1, 'prefetched in idle time');
    expect($maybe(el, 'dialog')).to.equal(null);
  });

  it('shows a failed load at the button (flag-error, code unavailable), nothing half-rendered; the next opening loads it', async () => {
    w = world();
    const load = panelPart.load;
    panelPart.load = () => Promise.reject(new FlagError('unavailable', 'The flag panel could not be loaded. Reload the page to try again.'));
    restore = () => (panelPart.load = load);
    const el = await fixture<FlagButton>(html`<flag-button .client=${w.client(ann)} interaction-id="i-1" channel="voice"></flag-button>`);
    const trigger = $<HTMLButtonElement>(el, '.trigger');
    trigger.focus();
    const failed = next(el, 'flag-error');
    await sendKeys({ press: 'Enter' });
    const { error, action } = await failed;
    expect([error.code, action]).to.deep.equal(['unavailable', 'open-panel']);
    await el.updateComplete;
    expect($(el, '[role="alert"]').textContent).to.equal('The flag panel could not be loaded. Reload the page to try again.');
    expect($maybe(el, 'dialog'), 'nothing half-rendered').to.equal(null);
    expect(el.shadowRoot!.activeElement, 'focus stays on the button').to.equal(trigger);
    await expect(el).to.be.accessible();

    // The network is back: the next opening loads the panel and opens the composer as usual.
    restore();
    restore = undefined;
    await sendKeys({ press: 'Enter' });
    await opened(el, 'dialog[open]');
    expect(el.shadowRoot!.activeElement, 'focus in the message').to.equal($(el, '#message'));
    expect($maybe(el, '[role="alert"]'), 'the failure gave way').to.equal(null);
    await expect(el).to.be.accessible();
  });
});
