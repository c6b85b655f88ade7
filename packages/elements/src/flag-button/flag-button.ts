import { adoptStyles, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { Channel, Command, Flag, FlagClient, FlagContext, FlagView, PresenceView, RaiseInput } from '@flagline/core';
import { isOpen, noSupervisorAvailable } from '@flagline/core/basics';
// Types only: a host that uses automation passes its instances; this element never bundles that code.
import type { ConversationStore, RuleEngine, RuleTrigger } from '@flagline/core/automation';
import { FlagUnavailableEvent } from '../internal/events.js';
import { FlaglineElement } from '../internal/flagline-element.js';
import { StoreController } from '../internal/subscription.js';
import { flagIcon } from '../internal/icons.js';
import { flagButtonStyles } from './flag-button.styles.js';
// Types only: the panel's code is a chunk of its own (panel-part.ts).
import type { FlagPanel } from './flag-panel.js';
import { panelPart } from './panel-part.js';
import { matchesShortcut, parseShortcut, startsShortcut } from './shortcut.js';
import { SuggestionController } from './suggestions.js';
import { defaultFlagButtonStrings, type FlagButtonStrings } from './strings.js';

const warnedUnavailable = new Set<string>();

/** The rule a trigger came from, as a flag records it. */
const ruleOf = (trigger: RuleTrigger) => ({ ruleId: trigger.ruleId, ruleName: trigger.ruleName });

/**
 * The agent's flag: raise one with a message, then follow it (raised, escalated, acknowledged,
 * join requested/accepted), chat with the supervisor, request a join, lower it. Hidden where
 * flags are unavailable on the channel or in fallback mode.
 *
 * @summary The agent's side: raise a flag, follow it, chat with the supervisor, request a join, lower it.
 *
 * @fires {FlagUnavailableEvent} flag-unavailable - The button hid itself (also warned once in the console). Fired when it happens, even for a property change made by code.
 * @fires {FlagErrorEvent} flag-error - A command the agent started failed; the message also shows below the button or in the panel.
 * @fires {FlagStateEvent} flag-raised - This interaction's flag was raised.
 * @fires {FlagStateEvent} flag-acknowledged - A supervisor acknowledged this interaction's flag.
 * @fires {FlagStateEvent} flag-escalated - This interaction's flag escalated (nobody acknowledged it in time).
 * @fires {FlagStateEvent} flag-lowered - This interaction's flag was lowered (by the agent, a supervisor, or the interaction ending).
 * @fires {FlagStateEvent} join-requested - The agent asked the supervisor to join.
 * @fires {FlagStateEvent} join-accepted - The supervisor accepted the join: the host's cue to barge in.
 * @fires {FlagStateEvent} join-declined - The supervisor declined the join.
 * @fires {FlagStateEvent} join-cancelled - The agent cancelled the join request.
 * @fires {FlagStateEvent} flag-assigned - The host transferred this interaction (and its flag) to another agent.
 * @fires {FlagStateEvent} flag-offered - Offer routing offered the flag to one supervisor (`event.to`, `event.until`).
 * @fires {FlagStateEvent} flag-offer-ended - Offer routing ran out of supervisors: the whole team may take the flag.
 * @csspart hint - "No supervisor online right now", before raising, while no supervisor of the agent's team is online and available.
 * @csspart connection - "Offline: what you send goes out when the connection returns", while the connection is down and the panel closed.
 * @fires {FlagStateEvent} message-received - Someone else wrote on this interaction's flag (`event.text`).
 * @fires {FlagStateEvent} transfer-offered - The supervisor helping offered this interaction's flag to another (`event.to`).
 * @fires {FlagStateEvent} transfer-accepted - Another supervisor took the flag over: they help now.
 * @fires {FlagStateEvent} transfer-declined - The supervisor offered the flag declined; the one who offered it still helps.
 * @fires {FlagStateEvent} transfer-expired - Nobody accepted the offer in time: the flag waits in its team's queue again.
 * @fires {FlagStateEvent} flag-handed-back - The supervisor helping handed the flag back to its team's queue.
 * @fires {TranscriptEntryEvent} transcript-entry - Every confirmed event of this interaction's flag, as a transcript line.
 * @csspart button - The flag button, showing the flag's state and the unread count.
 * @csspart composer - The raise dialog (a native modal `<dialog>`).
 * @csspart quick-reasons - The team's quick raise reasons in the composer (toggle buttons that fill the reason).
 * @csspart panel - The popover with the flag's state, chat and actions.
 * @csspart error - A failed command's message.
 * @csspart notice - "Flag lowered by …" shown by the button when someone else lowered the flag while the panel was closed, or "Flag raised automatically: …".
 * @csspart suggestion - A rule's suggestion to raise a flag, with Raise flag, Review first and Dismiss.
 * @csspart context - In the composer: the conversation the agent is about to share, to edit or leave out.
 * @cssprop [--flagline-panel-width=24rem] - Width of the flag panel, docked at the viewport's bottom inline-end corner (a bottom sheet on narrow screens).
 *
 * @tagname flag-button
 */
export class FlagButton extends FlaglineElement {
  static override styles = flagButtonStyles;

  /** The host's id of the customer interaction the flag is about. */
  @property({ attribute: 'interaction-id' }) interactionId = '';
  /** The interaction's channel: `voice`, `enhanced-messaging`, `enhanced-chat` or `legacy-chat`. */
  @property() channel: Channel = 'voice';
  /** How the supervisor sees the customer, e.g. a name or a masked phone number. */
  @property({ attribute: 'customer-label' }) customerLabel = '';
  /** A keyboard shortcut the host enables, e.g. `Alt+Shift+F`: opens the composer or the flag panel. */
  @property() shortcut = '';
  /** Overrides for any visible string. */
  @property({ attribute: false }) strings: Partial<FlagButtonStrings> = {};
  /**
   * The host's `ConversationStore` (`@flagline/core/automation`): the composer then offers this
   * interaction's context (last turns and summary) to share, which the agent edits or leaves out.
   * Sharing is off on the store's `disabledChannels`.
   */
  @property({ attribute: false }) conversations: ConversationStore | undefined;
  /**
   * The host's `RuleEngine` over those conversations: its suggestions for this interaction show
   * beside the button (one-click raise, review, dismiss). Auto-raises are the host's to raise (the
   * engine's `onTrigger`, with `conversations.contextFor`); the button tells the agent of any flag
   * marked `automatic`.
   */
  @property({ attribute: false }) engine: RuleEngine | undefined;
  /** Reflected while flags are unavailable here; the element then renders nothing. */
  @property({ type: Boolean, reflect: true }) unavailable = false;

  /** The lowered flag whose notice the agent closed. */
  @state() private noticeClosed = '';
  /** The automatic or check-in flag whose notice the agent closed. */
  @state() private autoNoticeClosed = '';
  /**
   * What the supervisor last did on the flag while the panel was closed: announced beside the
   * button (the button's label and badge say it only by sight); a declined join is shown too.
   */
  @state() private news: { flagId: string; text: string; shown: boolean } | undefined;

  @query('.trigger') private trigger!: HTMLButtonElement | null;

  readonly #flag = new StoreController<Flag | undefined>(this, undefined);
  readonly #unread = new StoreController<ReadonlyMap<string, number>>(this, new Map());
  /** Re-renders when a command starts or ends: `client.present` shows it busy. */
  readonly #busy = new StoreController<ReadonlyMap<string, readonly Command['type'][]>>(this, new Map());
  readonly #presence = new StoreController<PresenceView | null>(this, null);
  #flagClient: FlagClient | undefined;
  #flagInteraction = '';
  #reportedReason: string | null = null;
  readonly #suggestions = new SuggestionController(this);
  #shared: { key: string; store: ConversationStore | undefined; size: { turns: number; summary: boolean } | null } | undefined;
  /** The composer and the flag panel, built when the agent first opens one (its code is a chunk of its own). */
  #panel: FlagPanel | undefined;
  #idlePrefetch = false;

  constructor() {
    super();
    this.relayFlagEvents((flag) => flag.interactionId === this.interactionId);
    this.subscribeClient((client) =>
      client.on('event', ({ event, flag, live }) => {
        if (!live || flag.interactionId !== this.interactionId) return;
        // Lowered: what was said of the flag is over (the notice of who lowered it says the rest).
        if (event.type === 'lowered' && this.news?.flagId === flag.id) this.news = undefined;
        if (event.actor.id === client.me.id || this.#panel?.panelOpen) return;
        const { s } = this;
        const name = event.actor.name;
        const text =
          event.type === 'acknowledged' || event.type === 'transfer-accepted' ? s.acknowledgedBy(name)
          : event.type === 'message' ? s.newsMessage(name, event.text)
          : event.type === 'join-accepted' ? s.joinedBy(name)
          : event.type === 'join-declined' ? s.newsJoinDeclined(name, event.reason)
          : undefined;
        if (text) this.news = { flagId: flag.id, text, shown: event.type === 'join-declined' };
      }),
    );
  }

  private get s(): FlagButtonStrings {
    return { ...(this.localized.messages?.flagButton ?? defaultFlagButtonStrings), ...this.strings };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('keydown', this.#onShortcut);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('keydown', this.#onShortcut);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // A flag raised elsewhere (another tab, a rule, before a reload): the panel will be wanted.
    if (this.openFlag) panelPart.prefetch();
    // Once online the page has done its work: fetch the panel while nothing else happens.
    if (!this.#idlePrefetch && this.connection.value === 'online') {
      this.#idlePrefetch = true;
      panelPart.prefetchWhenIdle();
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const client = this.activeClient;
    if (client !== this.#flagClient || this.interactionId !== this.#flagInteraction) {
      this.#flagClient = client;
      this.#flagInteraction = this.interactionId;
      this.#flag.store = client && this.interactionId ? client.flagFor(this.interactionId) : undefined;
    }
    this.#unread.store = client?.$unread;
    this.#busy.store = client?.$busy;
    this.#presence.store = client?.$presence;
    this.#suggestions.follow(this.engine, this.interactionId);
    const availability = client?.availability(this.channel);
    this.unavailable = !availability?.available;
    const reason = availability && !availability.available ? availability.reason : null;
    if (reason && reason !== this.#reportedReason) this.#reportUnavailable(reason);
    this.#reportedReason = reason;
  }

  #reportUnavailable(reason: FlagUnavailableEvent['reason']): void {
    const warning = `[flagline] ${this.s.unavailable(reason, this.channel)}`;
    if (!warnedUnavailable.has(warning)) {
      warnedUnavailable.add(warning);
      console.warn(warning);
    }
    this.dispatchEvent(new FlagUnavailableEvent(reason, this.channel));
  }

  /** The interaction's open flag, if any. */
  private get openFlag(): Flag | undefined {
    const flag = this.#flag.value;
    return flag && isOpen(flag) ? flag : undefined;
  }

  /** The flag as core presents it to this agent: phase, allowed actions, limits. */
  #view(flag: Flag | undefined): FlagView | undefined {
    const client = this.activeClient;
    return flag && client ? client.present(flag) : undefined;
  }

  private stateLabel(view: FlagView): string {
    const s = this.s;
    switch (view.phase) {
      case 'lowered':
        return s.loweredBy(view.flag);
      case 'raising':
        return s.raising;
      case 'joined':
        return s.joinedBy(view.by?.name ?? '');
      case 'join-requested':
        return s.joinRequested;
      case 'acknowledged':
        if (view.transfer) return s.handingOff(view.transfer.from.name, view.transfer.to.name);
        // Who helps now: the supervisor who opened the check-in, or whoever acknowledged or took the flag over.
        return view.checkInBy?.id === view.by?.id ? s.checkInBy(view.by?.name ?? '') : s.acknowledgedBy(view.by?.name ?? '');
      case 'escalated':
        return s.escalated;
      case 'raised':
        return s.raised;
    }
  }

  protected override render() {
    if (this.unavailable) return nothing;
    const s = this.s;
    const open = this.#view(this.openFlag);
    const unread = open ? (this.#unread.value.get(open.flag.id) ?? 0) : 0;
    return html`
      <button
        class="trigger"
        part="button"
        data-state=${open?.phase ?? 'idle'}
        ?data-acknowledged=${open?.flag.acknowledgedBy !== undefined}
        aria-haspopup="dialog"
        aria-expanded=${open && this.#panel?.panelOpen ? 'true' : 'false'}
        @click=${this.#onTrigger}
        @pointerenter=${this.#prefetchPanel}
        @focus=${this.#prefetchPanel}
      >
        ${flagIcon()}<span title=${open ? this.stateLabel(open) : s.raise}>${open ? this.stateLabel(open) : s.raise}</span>
        ${unread > 0 ? html`<span class="badge">${s.unread(unread)}</span>` : nothing}
      </button>
      ${this.#renderNotice()} ${this.renderFailure((f) => f.action === 'raise' || f.action === 'open-panel')} ${this.#panel?.render() ?? nothing}
    `;
  }

  /**
   * Someone else lowered the flag while the panel was closed: say who and why beside the button
   * (a live region, so it is announced) until the agent closes it or raises a new flag.
   */
  #renderNotice() {
    const flag = this.#flag.value;
    const panelOpen = this.#panel?.panelOpen ?? false;
    const show =
      flag && !isOpen(flag) && !panelOpen && flag.id !== this.noticeClosed &&
      flag.lowered?.cause !== 'interaction-ended' && flag.lowered?.by.id !== this.activeClient?.me.id;
    const auto = flag && isOpen(flag) && flag.automatic && flag.id !== this.autoNoticeClosed ? flag : undefined;
    const checkIn = flag && isOpen(flag) && flag.checkInBy && !panelOpen && flag.id !== this.autoNoticeClosed ? flag.checkInBy : undefined;
    const client = this.activeClient;
    const alone = !this.openFlag && client !== undefined && noSupervisorAvailable(this.#presence.value, client.me);
    const news = this.news?.flagId === flag?.id && !panelOpen ? this.news : undefined;
    const status = this.connection.value;
    const offline = !panelOpen && (status === 'reconnecting' || status === 'offline');
    const notice = (kind: string, text: string, close: () => void) =>
      html`<p class="notice ${kind}" part="notice"><span dir="auto">${text}</span> <button class="close-notice" @click=${close}>${this.s.close}</button></p>`;
    return html`<div class="notice-region" role="status">
      ${offline ? html`<p class="connection muted" part="connection">${this.s.offline}</p>` : nothing}
      ${alone ? html`<p class="no-supervisor muted" part="hint">${this.s.noSupervisor}</p>` : nothing}
      ${show ? notice('', this.s.loweredBy(flag), () => (this.noticeClosed = flag.id)) : nothing}
      ${auto ? notice('auto', this.s.autoRaised(auto.automatic!.ruleName), () => (this.autoNoticeClosed = auto.id)) : nothing}
      ${checkIn && flag ? notice('check-in', this.s.checkInNotice(checkIn.name), () => (this.autoNoticeClosed = flag.id)) : nothing}
      ${news?.shown ? notice('news', news.text, () => (this.news = undefined)) : news ? html`<p class="visually-hidden news">${news.text}</p>` : nothing}
      ${this.#renderSuggestion()}
    </div>`;
  }

  /** A rule's suggestion, while the interaction has no open flag: never in the agent's way (a status, not a dialog). */
  #renderSuggestion() {
    const trigger = this.#suggestions.suggestion;
    if (!trigger || this.openFlag) return nothing;
    const s = this.s;
    const shared = this.#sharedSize();
    return html`<div class="suggestion" part="suggestion">
      <p dir="auto">${trigger.suggestion}</p>
      ${shared ? html`<p class="muted">${s.sharesContext(shared.turns, shared.summary)}</p>` : nothing}
      <div class="actions">
        <button class="primary accept-suggestion" @click=${this.#acceptSuggestion}>${s.raise}</button>
        <button class="review-suggestion" @click=${() => this.#open(trigger)}>${s.reviewSuggestion}</button>
        <button class="dismiss-suggestion" @click=${() => this.#suggestions.dismiss()}>${s.dismissSuggestion}</button>
      </div>
    </div>`;
  }

  protected override focusFallback(): HTMLElement | null | undefined {
    return this.#panel?.panelOpen ? this.renderRoot.querySelector<HTMLElement>('[popover] .close') : this.trigger;
  }

  #onTrigger = (): void => {
    if (this.#panel?.panelOpen) this.#panel.closePanel();
    else void this.#open();
  };

  #prefetchPanel = (): void => panelPart.prefetch();

  /**
   * Opens the composer when there is no open flag (prefilled from a suggestion under review), the
   * flag panel otherwise: at once when the panel's code is there, else as soon as it has loaded. If
   * it cannot load, the failure (`flag-error`, code `unavailable`) shows at the button, and the next
   * opening loads again.
   */
  async #open(review?: RuleTrigger): Promise<void> {
    // The panel tells it all from here: what was announced beside the button is not said again.
    this.news = undefined;
    const built = this.#panel ?? (await this.#buildPanel());
    if (!built) return;
    if (this.openFlag) return built.openPanel();
    this.failure = undefined;
    return built.openComposer(review);
  }

  async #buildPanel(): Promise<FlagPanel | undefined> {
    if (!panelPart.ready) await this.perform('open-panel', this.openFlag?.id, () => panelPart.load());
    const module = panelPart.module;
    if (!module || this.#panel) return this.#panel;
    // The panel's styles come with its code: added to this element's own.
    adoptStyles(this.renderRoot as ShadowRoot, [...(this.constructor as typeof FlagButton).elementStyles, module.flagPanelStyles]);
    this.#panel = new module.FlagPanel({
      element: this,
      strings: () => this.s,
      client: () => this.activeClient,
      view: () => this.#view(this.#flag.value),
      stateLabel: (view) => this.stateLabel(view),
      perform: (action, flagId, command) => this.perform(action, flagId, command),
      renderFailure: (where) => this.renderFailure(where),
      raise: (input, context) => this.#raiseWith(input, context),
      acceptReviewed: () => {
        const trigger = this.#suggestions.accept();
        return trigger && ruleOf(trigger);
      },
      focusTrigger: () => this.trigger?.focus(),
    });
    this.requestUpdate();
    await this.updateComplete;
    return this.#panel;
  }

  /**
   * How much a one-click raise would share, read again only when the conversation grew: the
   * summary is not free on a long conversation, and the button re-renders on every store change.
   */
  #sharedSize(): { turns: number; summary: boolean } | null {
    const store = this.conversations;
    const key = store ? `${this.interactionId}:${store.turns(this.interactionId).length}` : '';
    if (this.#shared?.key !== key || this.#shared.store !== store) {
      const context = store?.contextFor(this.interactionId);
      this.#shared = { key, store, size: context ? { turns: context.turns.length, summary: context.summary.length > 0 } : null };
    }
    return this.#shared.size;
  }

  /** One click: the suggested flag, with the conversation as the host's store shares it. */
  #acceptSuggestion = (): void => {
    const trigger = this.#suggestions.accept();
    if (trigger) void this.#raiseWith({ ...trigger.raise, suggested: ruleOf(trigger) }, this.conversations?.contextFor(this.interactionId));
  };

  #raiseWith(input: RaiseInput, context: FlagContext | null | undefined) {
    return this.perform('raise', undefined, (c) => {
      // The label is the host's, not something the agent can edit: one past the limit is shortened, never a reason the raise fails.
      const max = c.config.limits.labelLength;
      const cut = this.customerLabel.length > max ? this.customerLabel.slice(0, max - 1).replace(/[\ud800-\udbff]$/, '') : undefined;
      const customerLabel = cut === undefined ? this.customerLabel : `${cut}…`;
      return c.raise({ ...input, ...(context ? { context } : {}), ...(customerLabel ? { customerLabel } : {}) });
    });
  }

  #onShortcut = (e: KeyboardEvent): void => {
    const shortcut = this.shortcut ? parseShortcut(this.shortcut) : null;
    if (!shortcut || this.unavailable) return;
    // The shortcut's first key: the panel is likely wanted in a moment.
    if (startsShortcut(e, shortcut)) panelPart.prefetch();
    if (!matchesShortcut(e, shortcut)) return;
    e.preventDefault();
    if (this.#panel?.showing) return;
    void this.#open();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'flag-button': FlagButton;
  }
}
