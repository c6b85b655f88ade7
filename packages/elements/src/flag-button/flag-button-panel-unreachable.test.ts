// The panel's code is unreachable on this page until a test lets it through: the dev server
// answers 503 for it while this cookie is set (web-test-runner.config.mjs). Only the button is registered.
document.cookie = 'flagline-unreachable=flag-panel.ts; path=/';

import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../define-flag-button.js';
import type { FlagButton } from './flag-button.js';
import { $, $maybe, ann, next, world, type World } from '../../test/harness.js';

const panelRequests = () => performance.getEntriesByType('resource').filter((e) => e.name.includes('/flag-panel.ts')).length;

describe('<flag-button> while its panel cannot load', () => {
  let w: World;
  afterEach(() => w.close());

  it('fetches the panel when the shortcut’s first key goes down, not before', async () => {
    w = world();
    // Never online (so no fetch in idle time), no open flag, the pointer and focus elsewhere.
    w.hub.goOffline();
    const el = await fixture<FlagButton>(html`<flag-button .client=${w.client(ann)} interaction-id="i-1" channel="voice" shortcut="Alt+Shift+F"></flag-button>`);
    await sendKeys({ press: 'KeyX' });
    await el.updateComplete;
    expect(panelRequests(), 'nothing asked for the panel yet').to.equal(0);
    await sendKeys({ down: 'Alt' });
    await sendKeys({ up: 'Alt' });
    await waitUntil(() => panelRequests() === 1, 'the panel is fetched');
  });

  it('shows the failure at the button (flag-error, code unavailable), nothing half-rendered, and tries again at the next opening', async () => {
    w = world();
    const el = await fixture<FlagButton>(html`<flag-button .client=${w.client(ann)} interaction-id="i-1" channel="voice"></flag-button>`);
    const trigger = $<HTMLButtonElement>(el, '.trigger');
    trigger.focus();
    const failed = next(el, 'flag-error');
    await sendKeys({ press: 'Enter' });
    const { error, action } = await failed;
    expect([error.code, action]).to.deep.equal(['unavailable', 'open-panel']);
    await el.updateComplete;
    expect($(el, '[role="alert"]').textContent).to.contain('The flag panel could not be loaded');
    expect($maybe(el, 'dialog'), 'nothing half-rendered').to.equal(null);
    expect(el.shadowRoot!.activeElement, 'focus stays on the button').to.equal(trigger);
    await expect(el).to.be.accessible();

    // Chromium keeps a module that failed in its module map: in this page the new attempt fails
    // again (a reload fetches it), and says so again rather than nothing.
    const again = next(el, 'flag-error');
    await sendKeys({ press: 'Enter' });
    expect((await again).error.code).to.equal('unavailable');
    await el.updateComplete;
    expect($maybe(el, 'dialog'), 'still nothing half-rendered').to.equal(null);
    expect(el.shadowRoot!.querySelectorAll('[role="alert"]')).to.have.length(1);
  });
});
