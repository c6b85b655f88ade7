import { FlagError } from '@flagline/core';

/**
 * A part of an element whose code loads when the user first needs it (a dynamic `import()` of a
 * `define-<tag>.js` registration module or of the part's own module, which bundlers split into a
 * chunk of its own). `load()` starts it once and may be called early to prefetch; `ready` says
 * whether it is there, so the element can show it at once instead of a moment later, and `module`
 * is what the import gave. A failed load is an `unavailable` FlagError (the element reports it
 * like a failed command) that asks for a reload (`details.reload`, which the locales translate),
 * with the browser's reason in `details.cause`:
 * Chromium keeps a module that failed to load failed for the life of the page (measured on
 * Chromium 150: a second `import()` of the same URL rejects without a request). The next `load()`
 * still tries again, which is enough in a browser that fetches again.
 */
export class LazyPart<M = unknown> {
  #loading: Promise<void> | undefined;
  #module: { value: M } | undefined;
  #prefetched = false;

  constructor(
    private readonly what: string,
    private readonly importer: () => Promise<M>,
  ) {}

  get ready(): boolean {
    return this.#module !== undefined;
  }

  /** The loaded module (undefined until `ready`). */
  get module(): M | undefined {
    return this.#module?.value;
  }

  load(): Promise<void> {
    this.#loading ??= this.importer().then(
      (value) => {
        this.#module = { value };
      },
      (cause: unknown) => {
        this.#loading = undefined;
        throw new FlagError('unavailable', `The ${this.what} could not be loaded. Reload the page to try again.`, {
          reload: true,
          cause: cause instanceof Error ? cause.message : String(cause),
        });
      },
    );
    return this.#loading;
  }

  /**
   * Load ahead of need, once: a failure is reported by the `load()` that needs it, which tries
   * again (so an element re-rendering without its chunk does not fetch it on every render).
   */
  prefetch(): void {
    if (this.#prefetched) return;
    this.#prefetched = true;
    this.load().catch(() => {});
  }
}
