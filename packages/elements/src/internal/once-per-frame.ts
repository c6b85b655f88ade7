/**
 * Holds an element's updates to the next animation frame, so a burst of store changes costs one
 * render per frame, not one per change: a wallboard receives hundreds of events a second, each in
 * its own task (a WebSocket message), and Lit batches only within one. Use it from
 * `scheduleUpdate()`; Lit coalesces every `requestUpdate()` made while it waits.
 *
 * Two exceptions keep it from delaying what must not wait: one follow-up update asked for while
 * the frame is being produced (before it is painted — `ListWindow` rendering again once it has
 * measured) runs in that frame; and a hidden page, which gets no frames, updates at once.
 */
export class OncePerFrame {
  /** Updates this frame may still run before it is painted. */
  #spare = 0;

  wait(): Promise<void> | undefined {
    if (document.visibilityState === 'hidden') return undefined;
    if (this.#spare > 0) {
      this.#spare--;
      return undefined;
    }
    return new Promise((resolve) =>
      requestAnimationFrame(() => {
        this.#spare = 1;
        // A task runs only once this frame is painted.
        setTimeout(() => (this.#spare = 0));
        resolve();
      }),
    );
  }
}
