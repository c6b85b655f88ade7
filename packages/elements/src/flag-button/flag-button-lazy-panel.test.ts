// Only the button's registration: the panel's code (composer, flag panel, chat) must arrive by itself when it is needed.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { isFlagError, type FlagClient } from '@flagline/core';
import '../define-flag-button.js';
import { LazyPart } from '../internal/lazy-part.js';
import type { FlagButton } from './flag-button.js';
import { $, $maybe, ann, next, opened, sam, world, type World } from '../../test/harness.js';

describe('<flag-button> loads its panel when it is needed', () => {
  let w: World;
  afterEach(() => w.close());

  it('renders only the button at first; Enter opens the composer with focus in the message, and the panel opens with the chat ready to type in', async () => {
    w = world();
    const agent: FlagClient = w.client(ann);
    const supervisor = w.client(sam);
    const el = await fixture<FlagButton>(html`<flag-button .client=${agent} interaction-id="i-1" channel="voice"></flag-button>`);
    expect($maybe(el, 'dialog'), 'no composer in the first load').to.equal(null);
    expect($maybe(el, '[popover]'), 'no flag panel in the first load').to.equal(null);

    $<HTMLButtonElement>(el, '.trigger').focus();
    await sendKeys({ press: 'Enter' });
    await opened(el, 'dialog[open]');
    expect(el.shadowRoot!.activeElement, 'focus in the message').to.equal($(el, '#message'));
    expect(customElements.get('supervisor-chat'), 'the chat came with the panel').to.not.equal(undefined);
    await expect(el).to.be.accessible();
    await sendKeys({ type: 'Caller is angry' });
    const raised = next(el, 'flag-raised');
    await sendKeys({ press: 'Enter' });
    const flagId = (await raised).flag.id;

    // What the keyboard user gets the moment the panel shows: the chat, with its composer.
    const panel = $(el, '[popover]');
    const shown = new Promise<boolean>((resolve) =>
      panel.addEventListener('toggle', () => void el.updateComplete.then(() => resolve(!!$(el, 'supervisor-chat').shadowRoot?.querySelector('textarea'))), { once: true }),
    );
    await sendKeys({ press: 'Enter' });
    expect(await shown).to.equal(true);
    const received = new Promise<string>((resolve) =>
      supervisor.on('event', ({ event }) => event.type === 'message' && event.flagId === flagId && resolve(event.text)),
    );
    $<HTMLTextAreaElement>($(el, 'supervisor-chat'), 'textarea').focus();
    await sendKeys({ type: 'Are you there?' });
    await sendKeys({ press: 'Enter' });
    expect(await received).to.equal('Are you there?');
    await expect(el).to.be.accessible();
  });

  it('turns a chunk that fails to load into an unavailable FlagError, and tries again on the next load', async () => {
    w = world();
    let attempts = 0;
    const part = new LazyPart('chat', () => {
      attempts++;
      return import(/* @vite-ignore */ `/no-such-chunk-${attempts}.js`);
    });
    const failure = await part.load().catch((e: unknown) => e);
    expect(isFlagError(failure) && failure.code).to.equal('unavailable');
    expect(part.ready).to.equal(false);
    expect(part.module).to.equal(undefined);
    await part.load().catch(() => {});
    expect(attempts).to.equal(2);
  });

  it('gives what the import gave once it is there', async () => {
    w = world();
    const part = new LazyPart('part', () => Promise.resolve({ answer: 42 }));
    expect(part.module).to.equal(undefined);
    await part.load();
    expect(part.ready).to.equal(true);
    expect(part.module).to.deep.equal({ answer: 42 });
  });

  it('prefetches once: a failed prefetch is not repeated on every render, only a load() tries again', async () => {
    w = world();
    let attempts = 0;
    const part = new LazyPart('chat', () => {
      attempts++;
      return Promise.reject(new TypeError('Failed to fetch dynamically imported module'));
    });
    part.prefetch();
    part.prefetch();
    await Promise.resolve();
    expect(attempts).to.equal(1);
    const failure = await part.load().catch((e: unknown) => e);
    expect(isFlagError(failure) && failure.toJSON()).to.deep.equal({
      code: 'unavailable',
      message: 'The chat could not be loaded. Reload the page to try again.',
      details: { reload: true, cause: 'Failed to fetch dynamically imported module' },
    });
    expect(attempts).to.equal(2);
  });
});
