import type { Context } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { FlagClient } from '@flagline/core';

/**
 * The FlagClient shared by every Flagline element under a <flagline-provider>, passed with the
 * web components community's Context Protocol: the same `context-request` and `context-provider`
 * events `@lit/context` speaks, so a host's own `@consume({ context: flagClientContext })` works.
 * Only what Flagline needs is here (one subscribing consumer, one provider, a root for late
 * providers); `@lit/context` itself was 4.4 KB minified of every page. The key is a registered
 * symbol so two copies of the package on one page still find each other's provider.
 */
export const flagClientContext = Symbol.for('flagline.client') as Context<symbol, FlagClient | undefined>;

type Callback = (value: FlagClient | undefined, unsubscribe?: () => void) => void;
interface RequestEvent extends Event {
  context: unknown;
  contextTarget?: Element;
  callback: Callback;
  subscribe?: boolean;
}

/** Asks the nearest provider above `target` (shadow roots crossed) for the client, and for its changes. */
function request(target: Element, callback: Callback): void {
  target.dispatchEvent(Object.assign(new Event('context-request', { bubbles: true, composed: true }), { context: flagClientContext, contextTarget: target, callback, subscribe: true }));
}

const isOurs = (e: Event): e is RequestEvent => (e as RequestEvent).context === flagClientContext;

/** An element's provided client: `value`, re-rendering the host when the provider's client changes. */
export class ProvidedClient implements ReactiveController {
  value: FlagClient | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {
    request(this.host, this.#receive);
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  readonly #receive: Callback = (value, unsubscribe) => {
    // A nearer provider that appeared later answers again: leave the one that answered before.
    if (this.#unsubscribe && this.#unsubscribe !== unsubscribe) this.#unsubscribe();
    this.#unsubscribe = unsubscribe;
    this.value = value;
    this.host.requestUpdate();
  };
}

/** The provider's side: answers requests from inside `host` and tells subscribers of every change. */
export class ClientProvision {
  readonly #subscribers = new Map<Callback, { target: Element; unsubscribe: () => void }>();

  constructor(
    private readonly host: HTMLElement,
    private readonly current: () => FlagClient | undefined,
  ) {
    host.addEventListener('context-request', (e) => {
      if (!isOurs(e) || e.contextTarget === host) return;
      e.stopPropagation();
      if (!e.subscribe) return e.callback(current());
      const unsubscribe = () => this.#subscribers.delete(e.callback);
      this.#subscribers.set(e.callback, { target: e.contextTarget ?? (e.composedPath()[0] as Element), unsubscribe });
      e.callback(current(), unsubscribe);
    });
    // A provider defined inside this one: its elements ask again, and the nearer one answers.
    host.addEventListener('context-provider', (e) => {
      if (!isOurs(e) || e.contextTarget === host) return;
      for (const [callback, { target }] of this.#subscribers) request(target, callback);
    });
  }

  /** Call when the host is connected: elements that asked before it existed ask again. */
  announce(): void {
    this.host.dispatchEvent(Object.assign(new Event('context-provider', { bubbles: true, composed: true }), { context: flagClientContext, contextTarget: this.host }));
  }

  /** The client changed: every subscriber gets it. */
  changed(): void {
    for (const [callback, { unsubscribe }] of this.#subscribers) callback(this.current(), unsubscribe);
  }
}

const ROOT_KEY = Symbol.for('flagline.context-root');

/**
 * Lets elements that asked for the client before their provider was defined (script order, lazy
 * loading) receive it once the provider upgrades: unanswered requests reach the document root,
 * wait there (weakly: a removed element is forgotten) and are asked again when a provider
 * announces itself. Attached once per document.
 */
export function attachContextRoot(doc: Document = document): void {
  const root = doc.documentElement as HTMLElement & { [ROOT_KEY]?: true };
  if (root[ROOT_KEY]) return;
  root[ROOT_KEY] = true;
  let pending: { target: WeakRef<Element>; callback: WeakRef<Callback> }[] = [];
  // Keeps each waiting callback alive exactly as long as its element.
  const callbacks = new WeakMap<Element, Callback>();
  root.addEventListener('context-request', (e) => {
    if (!isOurs(e) || !e.subscribe) return;
    const target = e.contextTarget ?? (e.composedPath()[0] as Element);
    callbacks.set(target, e.callback);
    pending.push({ target: new WeakRef(target), callback: new WeakRef(e.callback) });
  });
  root.addEventListener('context-provider', (e) => {
    if (!isOurs(e)) return;
    const waiting = pending;
    pending = [];
    for (const { target, callback } of waiting) {
      const element = target.deref();
      const answer = callback.deref();
      if (element?.isConnected && answer) request(element, answer);
    }
  });
}
