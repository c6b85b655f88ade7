import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ConnectionStatus, Flag, FlagClient, FlagErrorData } from '@flagline/core';
import { FlagError, isFlagError } from '@flagline/core/basics';
import { ProvidedClient } from './context.js';
import { FlagErrorEvent, FlagStateEvent, FLAG_STATE_EVENT_TYPES, TranscriptEntryEvent } from './events.js';
import { LangController, langOf, localize, type Localized } from './localize.js';
import { StoreController, Subscription } from './subscription.js';
import { VERSION } from './version.js';

export interface Failure {
  action: string;
  flagId: string | undefined;
  error: FlagError;
}

/**
 * What every Flagline element shares: the client (set directly or provided by an enclosing
 * <flagline-provider>), the theme attribute, and how a failed command surfaces (a `flag-error`
 * event plus a visible message where the user acted).
 *
 * The design tokens below are read by every element (internal/theme.styles.ts); the default is
 * the light one, the dark one is named in the description. Set them on the elements or any ancestor.
 *
 * @cssprop [--flagline-color-bg=#ffffff] - Surfaces (dark: `#1e2126`).
 * @cssprop [--flagline-color-surface=#f3f4f6] - Buttons, message bubbles (dark: `#2a2e35`).
 * @cssprop [--flagline-color-fg=#1b1f24] - Text (dark: `#e8eaed`).
 * @cssprop [--flagline-color-muted=#545d68] - Secondary text (dark: `#aab2bd`).
 * @cssprop [--flagline-color-border=#8c959f] - Borders (dark: `#6b7480`).
 * @cssprop [--flagline-color-accent=#0b57d0] - Primary actions, focus ring (dark: `#8ab4f8`).
 * @cssprop [--flagline-color-accent-fg=#ffffff] - Text on the accent colour (dark: `#0b1a33`).
 * @cssprop [--flagline-color-danger=#b3261e] - Urgent, errors, unread badge (dark: `#f2b8b5`).
 * @cssprop [--flagline-color-warning=#7a4300] - Escalated, offline (dark: `#f0c27b`).
 * @cssprop [--flagline-color-success=#1b6e3b] - Acknowledged, joined (dark: `#8fd6a5`).
 * @cssprop [--flagline-color-highlight=#fff1b8] - A new or escalated wallboard row (dark: `#4a3f12`).
 * @cssprop [--flagline-radius=6px] - Corner radius.
 * @cssprop [--flagline-space=8px] - Spacing unit: paddings and gaps are multiples of it (density).
 * @cssprop [--flagline-font=system-ui, sans-serif] - Font family.
 * @cssprop [--flagline-font-size=14px] - Base font size.
 * @cssprop [--flagline-focus-ring=2px solid var(--flagline-color-accent)] - Focus outline.
 */
export class FlaglineElement extends LitElement {
  /** Compared by safe registration when a page loads Flagline twice. */
  static readonly version = VERSION;

  /** The Flagline client. Optional inside a `<flagline-provider>`, which provides one. */
  @property({ attribute: false }) client?: FlagClient;

  /** `light` or `dark`; without it the element follows `prefers-color-scheme`. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  /** The client of the enclosing `<flagline-provider>`, if any. */
  readonly #provided = new ProvidedClient(this);

  /** The last failed command the user started here; cleared by the next one. */
  @state() protected failure: Failure | undefined;

  readonly #clientSubscriptions: Subscription<FlagClient>[] = [];
  /** The element inside this one that last had focus, to notice when a re-render removed it. */
  #lastFocused: HTMLElement | undefined;
  #focusWatch: MutationObserver | undefined;

  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    const root = super.createRenderRoot();
    // On the shadow root, not the host: a move between two controls inside is invisible outside.
    root.addEventListener('focusin', (e) => {
      this.#lastFocused = e.composedPath()[0] as HTMLElement;
      this.focusMoved(this.#lastFocused);
    });
    return root;
  }

  /** Focus moved to `target` inside this element. */
  protected focusMoved(_target: HTMLElement): void {}

  override connectedCallback(): void {
    super.connectedCallback();
    // A button that disappears when its action succeeds (Acknowledge, Lower, Retry…) or a row
    // that leaves the list must not drop focus on the page body: move it somewhere sensible.
    this.#focusWatch ??= new MutationObserver(() => this.#keepFocus());
    void this.updateComplete.then(() => {
      if (this.isConnected) this.#focusWatch?.observe(this.renderRoot, { childList: true, subtree: true });
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#focusWatch?.disconnect();
  }

  #keepFocus(): void {
    const lost = this.#lastFocused;
    if (!lost || lost.isConnected) return;
    this.#lastFocused = undefined;
    const active = document.activeElement;
    if (active && active !== document.body && active !== this) return;
    this.focusFallback(lost)?.focus({ preventScroll: true });
  }

  /** Where focus goes when the focused control was removed by a re-render. */
  protected focusFallback(_lost: HTMLElement): HTMLElement | null | undefined {
    return undefined;
  }

  /** The client's connection, for the "offline" line. */
  protected readonly connection = new StoreController<ConnectionStatus>(this, 'connecting');

  /** Re-render when a `lang` above this element changes. */
  protected readonly langWatch = new LangController(this);

  /** The language of the nearest `lang` attribute (shadow roots crossed) and its registered messages; else English. */
  protected get localized(): Localized {
    return localize(langOf(this));
  }

  /** A failed command as the user reads it, in the element's language. */
  protected errorText(error: FlagErrorData): string {
    return this.localized.messages?.error(error) ?? error.message;
  }

  protected get activeClient(): FlagClient | undefined {
    return this.client ?? this.#provided.value;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    for (const subscription of this.#clientSubscriptions) subscription.source = this.activeClient;
    this.connection.store = this.activeClient?.$status;
  }

  /** A subscription to the active client, kept open while connected and moved when the client changes. */
  protected subscribeClient(start: (client: FlagClient) => () => void): Subscription<FlagClient> {
    const subscription = new Subscription(this, start);
    this.#clientSubscriptions.push(subscription);
    return subscription;
  }

  /** Run a user's command; a failure is reported, never thrown at the event handler. */
  protected async perform<T>(
    action: string,
    flagId: string | undefined,
    command: (client: FlagClient) => Promise<T>,
    /** False where the failure already shows in place (a failed chat message with Retry). */
    show = true,
  ): Promise<T | undefined> {
    this.failure = undefined;
    try {
      const client = this.activeClient;
      if (!client)
        throw new FlagError('invalid-state', 'No Flagline client: set the element’s client property or place it inside <flagline-provider>.');
      return await command(client);
    } catch (cause) {
      const error = isFlagError(cause) ? cause : new FlagError('internal', cause instanceof Error ? cause.message : String(cause));
      if (show) this.failure = { action, flagId, error };
      this.dispatchEvent(new FlagErrorEvent(error, action, flagId));
      return undefined;
    }
  }

  /** The last failure as an alert, if `where` says it belongs at this spot. */
  protected renderFailure(where: (failure: Failure) => boolean = () => true): TemplateResult | typeof nothing {
    const failure = this.failure;
    if (!failure || !where(failure)) return nothing;
    return html`<p class="error" role="alert" part="error">${this.errorText(failure.error)}</p>`;
  }

  /** A polite line while the connection is down; commands wait and go out on reconnect. */
  protected renderConnection(text: string): TemplateResult | typeof nothing {
    const status = this.connection.value;
    if (status !== 'reconnecting' && status !== 'offline') return nothing;
    return html`<p class="connection" role="status" part="connection">${text}</p>`;
  }

  /**
   * Report the client's confirmed, live events about the flags `accepts` selects as DOM events
   * (flag-raised, flag-lowered…, message-received for others' messages, transcript-entry).
   * Events loaded from a snapshot are not news, so they are not reported.
   */
  protected relayFlagEvents(accepts: (flag: Flag) => boolean): Subscription<FlagClient> {
    return this.subscribeClient((client) =>
      client.on('event', (detail) => {
        const { event, flag, live } = detail;
        if (!live || !accepts(flag)) return;
        if (event.type !== 'message' || event.actor.id !== client.me.id)
          this.dispatchEvent(new FlagStateEvent(FLAG_STATE_EVENT_TYPES[event.type], flag, event));
        this.dispatchEvent(new TranscriptEntryEvent(detail.transcript));
      }),
    );
  }
}
