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

  // /__flaky/<key>/down<N>.js: the test server drops the first N requests (test/browser/flaky-modules.mjs).
  const flaky = (drops: number) => `${location.origin}/__flaky/${crypto.randomUUID()}/down${drops}.js`;
  type Answer = { answer: number };

  it('heals a chunk that failed once without telling anyone: the browser keeps that URL failed, so the part fetches it afresh', async () => {
    w = world();
    const url = flaky(1);
    let imports = 0;
    const part = new LazyPart<Answer>('chat', () => {
      imports++;
      return import(/* @vite-ignore */ url);
    });
    await part.load();
    expect(part.module?.answer).to.equal(42);
    expect(imports, 'the second fetch is not a second import() of the failed URL').to.equal(1);
    const again = await import(/* @vite-ignore */ url).then(() => 'loaded', () => 'still failed');
    expect(again, 'what the retry works around').to.equal('still failed');
  });

  it('turns a chunk that keeps failing into an unavailable FlagError that says to try again, and the next load fetches it afresh', async () => {
    w = world();
    const url = flaky(2);
    const part = new LazyPart<Answer>('chat', () => import(/* @vite-ignore */ url));
    const failure = await part.load().catch((e: unknown) => e);
    expect(isFlagError(failure) && failure.toJSON()).to.deep.equal({
      code: 'unavailable',
      message: 'The chat could not be loaded. Try again; reload the page if it keeps failing.',
      details: { retry: true, cause: `Failed to fetch dynamically imported module: ${url}?flagline-retry=1` },
    });
    expect(part.ready).to.equal(false);
    expect(part.module).to.equal(undefined);
    await part.load();
    expect(part.module?.answer).to.equal(42);
  });

  it('gives what the import gave once it is there', async () => {
    w = world();
    const part = new LazyPart('part', () => Promise.resolve({ answer: 42 }));
    expect(part.module).to.equal(undefined);
    await part.load();
    expect(part.ready).to.equal(true);
    expect(part.module).to.deep.equal({ answer: 42 });
  });

  it('prefetches once: a failed prefetch is not repeated on every render, only a load() tries again; asks for a reload when the browser does not say which module failed', async () => {
    w = world();
    let attempts = 0;
    const part = new LazyPart('chat', () => {
      attempts++;
      return Promise.reject(new TypeError('Failed to fetch dynamically imported module'));
    });
    part.prefetch();
    part.prefetch();
    // A task later, every reaction to the rejected import has run: the prefetch has failed.
    await new Promise((resolve) => setTimeout(resolve));
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
