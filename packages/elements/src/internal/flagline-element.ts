import { consume } from '@lit/context';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { FlagError, isFlagError, toTranscriptEntry, type ConnectionStatus, type Flag, type FlagClient } from '@flagline/core';
import { flagClientContext } from './context.js';
import { FlagErrorEvent, FlagStateEvent, FLAG_STATE_EVENT_TYPES, TranscriptEntryEvent } from './events.js';
import { StoreController, Subscription } from './subscription.js';
import { VERSION } from './version.js';

export interface Failure {
  action: string;
  flagId: string | undefined;
  message: string;
}

/**
 * What every Flagline element shares: the client (set directly or provided by an enclosing
 * <flagline-provider>), the theme attribute, and how a failed command surfaces (a `flag-error`
 * event plus a visible message where the user acted).
 */
export class FlaglineElement extends LitElement {
  /** Compared by safe registration when a page loads Flagline twice. */
  static readonly version = VERSION;

  /** The Flagline client. Optional inside a `<flagline-provider>`, which provides one. */
  @property({ attribute: false }) client?: FlagClient;

  /** `light` or `dark`; without it the element follows `prefers-color-scheme`. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  @consume({ context: flagClientContext, subscribe: true })
  @state()
  protected providedClient?: FlagClient;

  /** The last failed command the user started here; cleared by the next one. */
  @state() protected failure: Failure | undefined;

  readonly #clientSubscriptions: Subscription<FlagClient>[] = [];
  /** The client's connection, for the "offline" line. */
  protected readonly connection = new StoreController<ConnectionStatus>(this, 'connecting');

  protected get activeClient(): FlagClient | undefined {
    return this.client ?? this.providedClient;
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
      if (show) this.failure = { action, flagId, message: error.message };
      this.dispatchEvent(new FlagErrorEvent(error, action, flagId));
      return undefined;
    }
  }

  protected renderFailure(flagId?: string): TemplateResult | typeof nothing {
    const failure = this.failure;
    if (!failure || (flagId !== undefined && failure.flagId !== flagId)) return nothing;
    return html`<p class="error" role="alert" part="error">${failure.message}</p>`;
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
      client.on('event', ({ event, flag, live }) => {
        if (!live || !accepts(flag)) return;
        if (event.type !== 'message' || event.actor.id !== client.me.id)
          this.dispatchEvent(new FlagStateEvent(FLAG_STATE_EVENT_TYPES[event.type], flag, event));
        this.dispatchEvent(new TranscriptEntryEvent(toTranscriptEntry(event, flag.interactionId)));
      }),
    );
  }
}
