import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { ContextConsumer } from '@lit/context';
import { LitElement } from 'lit';
import type { FlagClient, TranscriptEntry } from '@flagline/core';
import { flagClientContext } from '../internal/context.js';
import '../define.js';
import { defineElement } from '../internal/define-element.js';
import { FlagButton } from '../flag-button/flag-button.js';
import { FlaglineProvider } from './flagline-provider.js';
import { $, $maybe, ann, mount, sam, unmount, world, type World } from '../../test/harness.js';

describe('<flagline-provider>', () => {
  let w: World;
  let agent: FlagClient;
  beforeEach(() => {
    w = world();
    agent = w.client(ann);
  });
  afterEach(async () => {
    unmount();
    await w.close();
  });

  it('gives its client to elements nested anywhere inside, reachable by keyboard', async () => {
    const el = await fixture<FlaglineProvider>(html`
      <flagline-provider .client=${agent}>
        <main><section><flag-button interaction-id="i-1"></flag-button></section></main>
      </flagline-provider>
    `);
    const button = el.querySelector('flag-button')!;
    await waitUntil(() => $maybe(button, '.trigger'), 'button rendered');
    await sendKeys({ press: 'Tab' });
    expect(button.shadowRoot!.activeElement).to.equal($(button, '.trigger'));
    await expect(el).to.be.accessible();
  });

  it('reaches elements that asked before the provider was defined (ContextRoot)', async () => {
    const host = mount(html`<late-flagline-provider><flag-button interaction-id="i-2"></flag-button></late-flagline-provider>`);
    const button = host.querySelector('flag-button')!;
    await button.updateComplete;
    expect($maybe(button, '.trigger')).to.equal(null);
    customElements.define('late-flagline-provider', class extends FlaglineProvider {});
    host.querySelector<FlaglineProvider>('late-flagline-provider')!.client = agent;
    await waitUntil(() => $maybe(button, '.trigger'), 'button rendered once the provider exists');
  });

  it('takes a client the host sets later (loaded with import(), "Bundle layout"): the button appears and reports what happens as transcript entries', async () => {
    const host = mount(html`<flagline-provider><flag-button interaction-id="i-4"></flag-button></flagline-provider>`);
    const button = host.querySelector('flag-button')!;
    const entries: TranscriptEntry[] = [];
    button.addEventListener('transcript-entry', (e) => entries.push(e.entry));
    await button.updateComplete;
    expect($maybe(button, '.trigger'), 'nothing to offer before a client').to.equal(null);
    host.querySelector<FlaglineProvider>('flagline-provider')!.client = agent;
    await waitUntil(() => $maybe(button, '.trigger'), 'button rendered once the client is there');
    const supervisor = w.client(sam);
    const { flagId } = await agent.raise({ interactionId: 'i-4', channel: 'voice', message: 'Caller wants a refund' });
    await waitUntil(() => $(button, '.trigger').dataset['state'] === 'raised', 'the button shows the raised flag');
    await supervisor.acknowledge(flagId!);
    await waitUntil(() => entries.length === 2, 'an entry per event');
    expect(entries.map((e) => [e.id, e.interactionId, e.type])).to.deep.equal([
      [`${flagId}:1`, 'i-4', 'raised'],
      [`${flagId}:2`, 'i-4', 'acknowledged'],
    ]);
    expect(entries[0]!.text).to.contain('Caller wants a refund');
    expect(entries[1]!.text).to.contain(sam.name);
    expect($(button, '.trigger').dataset['state']).to.equal('acknowledged');
  });

  it('speaks the Context Protocol: a host’s own @lit/context consumer of flagClientContext gets the client and its changes', async () => {
    class HostPanel extends LitElement {
      readonly provided = new ContextConsumer(this, { context: flagClientContext, subscribe: true });
    }
    customElements.define('host-panel', HostPanel);
    const el = await fixture<FlaglineProvider>(html`<flagline-provider .client=${agent}><div><host-panel></host-panel></div></flagline-provider>`);
    const panel = el.querySelector<HostPanel>('host-panel')!;
    expect(panel.provided.value).to.equal(agent);
    const other = w.client({ ...ann, id: 'ann-2' });
    el.client = other;
    await el.updateComplete;
    expect(panel.provided.value).to.equal(other);
  });

  it('hands elements inside a nested provider defined later to that provider', async () => {
    const other = w.client({ ...ann, id: 'ann-3' });
    const host = mount(html`<flagline-provider .client=${agent}><inner-flagline-provider><flag-button interaction-id="i-3"></flag-button></inner-flagline-provider></flagline-provider>`);
    const button = host.querySelector('flag-button')!;
    await waitUntil(() => $maybe(button, '.trigger'), 'button rendered with the outer client');
    const activeClient = () => (button as unknown as { activeClient: FlagClient }).activeClient;
    expect(activeClient()).to.equal(agent);
    customElements.define('inner-flagline-provider', class extends FlaglineProvider {});
    host.querySelector<FlaglineProvider>('inner-flagline-provider')!.client = other;
    await waitUntil(() => activeClient() === other, 'the nearer provider answers');
  });

  it('lets an element’s own client win over the provided one', async () => {
    const other = w.client({ ...ann, id: 'ann-2' });
    const el = await fixture<FlaglineProvider>(html`<flagline-provider .client=${agent}><flag-button .client=${other}></flag-button></flagline-provider>`);
    const button = el.querySelector('flag-button')!;
    await button.updateComplete;
    expect((button as unknown as { activeClient: FlagClient }).activeClient).to.equal(other);
  });
});

describe('safe registration', () => {
  it('skips a second registration of the same version silently (a second copy of the bundle)', () => {
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (message: unknown) => warnings.push(message);
    try {
      expect(() => defineElement('flag-button', FlagButton)).not.to.throw();
      expect(() => defineElement('flag-button', class extends FlagButton {})).not.to.throw();
      expect(customElements.get('flag-button')).to.equal(FlagButton);
      expect(warnings).to.deep.equal([]);
    } finally {
      console.warn = warn;
    }
  });

  it('warns once when another version holds the tag', () => {
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (message: string) => warnings.push(message);
    try {
      class Old extends HTMLElement {
        static version = '0.0.1';
      }
      customElements.define('flagline-test-old', Old);
      defineElement('flagline-test-old', class extends HTMLElement {});
      defineElement('flagline-test-old', class extends HTMLElement {});
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.contain('<flagline-test-old> is already defined (version 0.0.1)');
    } finally {
      console.warn = warn;
    }
  });
});
