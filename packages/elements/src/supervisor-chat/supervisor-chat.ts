import { adoptStyles, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { FlaglineElement } from '../internal/flagline-element.js';
import { LazyPart } from '../internal/lazy-part.js';
import type { ChatView } from './chat-view.js';
import { defaultSupervisorChatStrings, type SupervisorChatStrings } from './strings.js';
import { supervisorChatStyles } from './supervisor-chat.styles.js';

/** The chat's body: loaded by the first chat connected, prefetched by the elements that show one. */
export const chatPart = new LazyPart('chat', () => import('./chat-view.js'));

/**
 * The private two-way chat of one flag, for the agent and the supervisor alike: messages with
 * author, time and delivery state, system lines for flag events, and a composer that becomes
 * read-only once the flag is lowered. Virtualized: thousands of messages stay smooth. Its body
 * (log, composer, quick replies) is a chunk of its own, loaded when the element is first connected
 * (README, "Bundle layout"); `updateComplete` waits for it.
 *
 * @summary The private two-way chat of one flag, for the agent and the supervisor.
 *
 * @fires {FlagErrorEvent} flag-error - Sending or retrying a message failed; the message shows "Not sent" with Retry.
 * @fires {FlagStateEvent} flag-raised - The flag was raised (not when `quiet`).
 * @fires {FlagStateEvent} flag-acknowledged - A supervisor acknowledged the flag (not when `quiet`).
 * @fires {FlagStateEvent} flag-escalated - The flag escalated (not when `quiet`).
 * @fires {FlagStateEvent} flag-lowered - The flag was lowered (not when `quiet`).
 * @fires {FlagStateEvent} join-requested - The agent asked the supervisor to join (not when `quiet`).
 * @fires {FlagStateEvent} join-accepted - The supervisor accepted the join (not when `quiet`).
 * @fires {FlagStateEvent} join-declined - The supervisor declined the join (not when `quiet`).
 * @fires {FlagStateEvent} join-cancelled - The agent cancelled the join request (not when `quiet`).
 * @fires {FlagStateEvent} flag-assigned - The host transferred the flag's interaction to another agent (not when `quiet`).
 * @fires {FlagStateEvent} flag-offered - Offer routing offered the flag to one supervisor (not when `quiet`).
 * @fires {FlagStateEvent} flag-offer-ended - Offer routing ran out of supervisors: the whole team may take the flag (not when `quiet`).
 * @fires {FlagStateEvent} message-received - Someone else wrote on the flag, `event.text` (not when `quiet`).
 * @fires {FlagStateEvent} transfer-offered - The supervisor helping offered the flag to another, `event.to` (not when `quiet`).
 * @fires {FlagStateEvent} transfer-accepted - The receiver took the flag over (not when `quiet`).
 * @fires {FlagStateEvent} transfer-declined - The receiver declined the hand-off (not when `quiet`).
 * @fires {FlagStateEvent} transfer-expired - Nobody accepted the hand-off in time: back in the team's queue (not when `quiet`).
 * @fires {FlagStateEvent} flag-handed-back - The supervisor helping handed the flag back to the team's queue (not when `quiet`).
 * @fires {TranscriptEntryEvent} transcript-entry - Every confirmed event of the flag, as a transcript line (not when `quiet`).
 * @csspart context - The conversation the agent shared and the rule that raised the flag, pinned above the log.
 * @csspart log - The scrolling conversation (`role="log"`).
 * @csspart composer - The message form.
 * @csspart canned-replies - Supervisors' quick-reply list above the composer (open from `/` or the Quick replies button).
 * @csspart error - A failed command's message.
 * @csspart connection - The offline notice.
 * @cssprop [--flagline-chat-height=24rem] - Height of the element; the conversation scrolls inside it.
 *
 * @tagname supervisor-chat
 */
export class SupervisorChat extends FlaglineElement {
  static override styles = supervisorChatStyles;

  /** The flag whose conversation this is. */
  @property({ attribute: 'flag-id' }) flagId = '';
  /** Dispatch no flag events (set when another Flagline element embeds this chat and reports them). */
  @property({ type: Boolean }) quiet = false;
  /** Overrides for any visible string. */
  @property({ attribute: false }) strings: Partial<SupervisorChatStrings> = {};

  #view: ChatView | undefined;
  #building: Promise<void> | undefined;

  constructor() {
    super();
    this.relayFlagEvents((flag) => !this.quiet && flag.id === this.flagId);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#building ??= this.#build();
  }

  /** Builds the body once its chunk is there; a failed load shows as this element's failure and is tried again on the next connection. */
  async #build(): Promise<void> {
    if (!chatPart.ready) await this.perform('open-chat', this.flagId || undefined, () => chatPart.load());
    const module = chatPart.module;
    if (!module) {
      this.#building = undefined;
      return;
    }
    // The body's styles come with its code: added to this element's own.
    adoptStyles(this.renderRoot as ShadowRoot, [...(this.constructor as typeof SupervisorChat).elementStyles, ...module.chatViewStyles]);
    this.#view = new module.ChatView({
      element: this,
      client: () => this.activeClient,
      strings: () => ({ ...(this.localized.messages?.supervisorChat ?? defaultSupervisorChatStrings), ...this.strings }),
      lang: () => this.localized.lang,
      errorText: (error) => this.errorText(error),
      perform: (action, flagId, command, show) => this.perform(action, flagId, command, show),
      renderConnection: (text) => this.renderConnection(text),
      renderFailure: (where) => this.renderFailure(where),
    });
    this.requestUpdate();
  }

  /** Complete once the body is built and rendered too. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#building;
    return super.getUpdateComplete();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.#view?.update();
  }

  protected override focusFallback(): HTMLElement | null | undefined {
    return this.#view?.focusFallback();
  }

  protected override render() {
    return this.#view?.render() ?? this.renderFailure();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'supervisor-chat': SupervisorChat;
  }
}
