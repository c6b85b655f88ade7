/** Test setup shared by the element tests: one in-process hub, several people on it. */
import { waitUntil } from '@open-wc/testing';
import { render, type TemplateResult } from 'lit';
import { MemoryStorage } from '@flagline/core/authority';
import { createFlagClient, FlagError, MemoryHub, type CommandEnvelope, type FlagClient, type FlagConfigInput, type HistoryQuery, type Participant, type RaiseInput, type Transport } from '@flagline/core';

export const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['blue'] };
export const sam: Participant = { id: 'sam', name: 'Sam Supervisor', role: 'supervisor', teams: ['blue'] };

export interface World {
  hub: MemoryHub;
  client(who: Participant): FlagClient;
  close(): Promise<void>;
}

/** A hub (escalation timer off: tests call `hub.tick()`) and a factory of clients on it. */
export function world(opts: { config?: FlagConfigInput; now?: () => number; storage?: MemoryStorage } = {}): World {
  const hub = new MemoryHub({ tickMs: 0, ...(opts.config ? { config: opts.config } : {}), ...(opts.now ? { now: opts.now } : {}), ...(opts.storage ? { storage: opts.storage } : {}) });
  const clients: FlagClient[] = [];
  return {
    hub,
    client(who) {
      const client = createFlagClient({ transport: hub.transport(who), me: who, ...(opts.config ? { config: opts.config } : {}) });
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.close();
      await hub.close();
    },
  };
}

export interface AnnAndSam {
  w: World;
  agent: FlagClient;
  supervisor: FlagClient;
}

/** A world with Ann (an agent) and Sam (her supervisor) connected to it. */
export function annAndSam(opts: Parameters<typeof world>[0] = {}): AnnAndSam {
  const w = world(opts);
  return { w, agent: w.client(ann), supervisor: w.client(sam) };
}

/**
 * Registers hooks in the enclosing `describe`: each test gets a fresh `annAndSam(opts)`, closed
 * after it. The returned object's fields are replaced per test, so read them inside the tests.
 */
export function annAndSamEachTest(opts: Parameters<typeof world>[0] = {}): Readonly<AnnAndSam> {
  const current = {} as AnnAndSam;
  beforeEach(() => Object.assign(current, annAndSam(opts)));
  afterEach(() => current.w.close());
  return current;
}

/** A world where Ann raised a flag (on `i-1`, by default) and Sam, her supervisor, sees it. */
export async function raisedWorld(raise: Partial<RaiseInput> = {}, opts: Parameters<typeof world>[0] = {}): Promise<AnnAndSam & { flagId: string }> {
  const { w, agent, supervisor } = annAndSam(opts);
  const flagId = (await agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'Caller wants a refund <b>now</b>', ...raise })).flagId!;
  await until(supervisor.$openFlags, (f) => f.length === 1);
  return { w, agent, supervisor, flagId };
}

/** Resolves once the store holds a value that passes `test`. */
export function until<T>(store: { get(): T; subscribe(fn: (v: T) => void): () => void }, test: (v: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    let done = false;
    const stop = store.subscribe((v) => {
      if (done || !test(v)) return;
      done = true;
      queueMicrotask(() => stop());
      resolve(v);
    });
  });
}

/** The open element's shadow root content, typed. */
export function $<E extends Element = HTMLElement>(host: Element, selector: string): E {
  const found = host.shadowRoot?.querySelector<E>(selector);
  if (!found) throw new Error(`${host.localName}: nothing matches ${selector}`);
  return found;
}

export function $maybe<E extends Element = HTMLElement>(host: Element, selector: string): E | null {
  return host.shadowRoot?.querySelector<E>(selector) ?? null;
}

/**
 * The flag button's composer or panel, once it shows: the first opening loads its code (a chunk
 * of its own), so it may show a moment after the click or the key.
 */
export async function opened<E extends Element = HTMLElement>(host: Element, selector = 'dialog[open], [popover]:popover-open'): Promise<E> {
  // Longer than waitUntil's 1 s: on a busy machine the dev server compiles the chunk on first request.
  await waitUntil(() => $maybe(host, selector), `${host.localName}: ${selector} shows`, { timeout: 5000 });
  return $<E>(host, selector);
}

/** The next `type` event from `target`, typed from GlobalEventHandlersEventMap. */
export function next<K extends keyof GlobalEventHandlersEventMap>(target: EventTarget, type: K): Promise<GlobalEventHandlersEventMap[K]> {
  return new Promise((resolve) => target.addEventListener(type, (e) => resolve(e as GlobalEventHandlersEventMap[K]), { once: true }));
}

/** A transport that loses the next `send-message` command on the way out, as a flaky network would. */
export function losingNextMessage(inner: Transport): Transport & { armed: boolean } {
  const wrapper = {
    armed: true,
    connect: (handlers: Parameters<Transport['connect']>[0]) => inner.connect(handlers),
    execute: (envelope: CommandEnvelope) => {
      if (wrapper.armed && envelope.command.type === 'send-message') {
        wrapper.armed = false;
        return Promise.reject(new FlagError('transport-closed', 'The connection dropped while sending.'));
      }
      return inner.execute(envelope);
    },
    history: (flagId: string, afterSeq: number) => inner.history(flagId, afterSeq),
    snapshot: () => inner.snapshot(),
    lowered: (query: HistoryQuery) => inner.lowered(query),
    close: () => inner.close(),
  };
  return wrapper;
}

const mounted = new Set<HTMLElement>();

/**
 * Render a template into the page without fixture()'s wait for an animation frame: a test page
 * in a background tab (the runner's concurrency) gets no frames. Await the elements' own
 * `updateComplete` instead. Undo with `unmount()`.
 */
export function mount(template: TemplateResult): HTMLDivElement {
  const container = document.body.appendChild(document.createElement('div'));
  render(template, container);
  mounted.add(container);
  return container;
}

export function unmount(): void {
  for (const container of mounted) container.remove();
  mounted.clear();
}
