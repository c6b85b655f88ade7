import { FlagError } from '@flagline/core/basics';

/**
 * A part of an element whose code loads when the user first needs it (a dynamic `import()` of a
 * `define-<tag>.js` registration module or of the part's own module, which bundlers split into a
 * chunk of its own). `load()` starts it once and may be called early to prefetch; `ready` says
 * whether it is there, so the element can show it at once instead of a moment later, and `module`
 * is what the import gave. A failed load is an `unavailable` FlagError (the element reports it
 * like a failed command) with the browser's reason in `details.cause`.
 *
 * A browser keeps a module that failed to load failed for the life of the page (the HTML module
 * map; measured on Chromium 150: a second `import()` of the same URL rejects without a request).
 * So when the browser names the module that failed (Chromium and Firefox do, in the reason), the
 * part imports that URL with a `flagline-retry` query, which the browser fetches afresh: once at
 * once (a network that dropped for a moment, a relay restarting, heals before anyone is told),
 * then once per `load()`, and the error says to try again (`details.retry`). When the browser does
 * not name it (Safari), only a reload helps, and the error says so (`details.reload`); nor does a
 * retry help when a chunk the part imports statically failed (that one stays failed: hence "reload
 * the page if it keeps failing"). The locales translate both.
 */
export class LazyPart<M = unknown> {
  #loading: Promise<void> | undefined;
  #module: { value: M } | undefined;
  #prefetched = false;
  /** The URL of the part's module, as the browser named it when it failed to load. */
  #failedUrl: string | undefined;
  #retries = 0;

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
    this.#loading ??= this.#import().then(
      (value) => {
        this.#module = { value };
      },
      (reason: unknown) => {
        this.#loading = undefined;
        const cause = messageOf(reason);
        throw this.#failedUrl
          ? new FlagError('unavailable', `The ${this.what} could not be loaded. Try again; reload the page if it keeps failing.`, { retry: true, cause })
          : new FlagError('unavailable', `The ${this.what} could not be loaded. Reload the page to try again.`, { reload: true, cause });
      },
    );
    return this.#loading;
  }

  async #import(): Promise<M> {
    if (this.#failedUrl) return this.#importAfresh(this.#failedUrl);
    try {
      return await this.importer();
    } catch (reason) {
      this.#failedUrl = failedModuleUrl(messageOf(reason));
      if (!this.#failedUrl) throw reason;
      // The network may have been down for a moment only: once more at once, before anyone is told.
      return this.#importAfresh(this.#failedUrl);
    }
  }

  async #importAfresh(failed: string): Promise<M> {
    const url = new URL(failed);
    url.searchParams.set('flagline-retry', String(++this.#retries));
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ url.href)) as M;
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

  /** Prefetch in idle time, where the browser tells (Safari does not: a moment later there). */
  prefetchWhenIdle(): void {
    if ('requestIdleCallback' in window) requestIdleCallback(() => this.prefetch());
    else setTimeout(() => this.prefetch(), 200);
  }
}

function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

/** The module a failed `import()` names: "Failed to fetch dynamically imported module: <url>" (Chromium), "error loading dynamically imported module: <url>" (Firefox). */
function failedModuleUrl(reason: string): string | undefined {
  return /dynamically imported module: (https?:\/\/\S+)$/.exec(reason)?.[1];
}
