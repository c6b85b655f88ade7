import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ReadableAtom } from 'nanostores';

/**
 * Keeps one subscription open while the host is connected, and re-subscribes when its source
 * changes (a client provided late, a new flag id). The host stops listening when it leaves the
 * DOM, so a removed element never leaks a listener on a long-lived client.
 */
export class Subscription<S> implements ReactiveController {
  #source: S | undefined;
  #stop: (() => void) | undefined;
  #connected = false;
  readonly #start: (source: S) => () => void;

  constructor(host: ReactiveControllerHost, start: (source: S) => () => void) {
    this.#start = start;
    host.addController(this);
  }

  get source(): S | undefined {
    return this.#source;
  }

  set source(next: S | undefined) {
    if (next === this.#source) return;
    this.#unsubscribe();
    this.#source = next;
    if (this.#connected) this.#subscribe();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#subscribe();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribe();
  }

  #subscribe(): void {
    if (this.#source !== undefined && !this.#stop) this.#stop = this.#start(this.#source);
  }

  #unsubscribe(): void {
    this.#stop?.();
    this.#stop = undefined;
  }
}

/** A nanostores atom as a reactive value of a Lit element (what @nanostores/lit does, as ESM). */
export class StoreController<T> {
  value: T;
  readonly #fallback: T;
  readonly #subscription: Subscription<ReadableAtom<T>>;

  constructor(host: ReactiveControllerHost, fallback: T) {
    this.value = fallback;
    this.#fallback = fallback;
    this.#subscription = new Subscription(host, (store) =>
      store.subscribe((value) => {
        this.value = value;
        host.requestUpdate();
      }),
    );
  }

  set store(next: ReadableAtom<T> | undefined) {
    if (next === this.#subscription.source) return;
    this.value = next ? next.get() : this.#fallback;
    this.#subscription.source = next;
  }
}
