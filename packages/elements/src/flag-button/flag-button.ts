import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { DEFAULT_CONFIG, defaultRaiseTeam, isOpen, noSupervisorAvailable, presentFlag, type Channel, type Command, type Flag, type FlagClient, type FlagView, type PresenceView, type RaiseInput, type Setting } from '@flagline/core';
// Types only: a host that uses automation passes its instances; this element never bundles that code.
import type { ConversationStore, RuleEngine, RuleTrigger } from '@flagline/core/automation';
import { isSubmitKey } from '../internal/composer-keys.js';
import { FlagUnavailableEvent } from '../internal/events.js';
import { FlaglineElement } from '../internal/flagline-element.js';
import { LazyPart } from '../internal/lazy-part.js';
import { StoreController } from '../internal/subscription.js';
import { flagIcon } from '../internal/icons.js';
import { flagButtonStyles } from './flag-button.styles.js';
import { draftOf, sharedContext, type ContextDraft } from './context-draft.js';
import { matchesShortcut, parseShortcut } from './shortcut.js';
import { SuggestionController } from './suggestions.js';
import { defaultFlagButtonStrings, type FlagButtonStrings } from './strings.js';

const warnedUnavailable = new Set<string>();

/**
 * The panel's chat (`<supervisor-chat>`: log, composer, windowing) is its own chunk: it loads when
 * the panel first opens, prefetched as soon as the agent starts composing or has an open flag.
 */
const chat = new LazyPart('chat', () => import('../define-supervisor-chat.js'));

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

  @state() private draft = '';
  @state() private reason = '';
  @state() private urgent = false;
  @state() private panelOpen = false;
  /** The lowered flag whose notice the agent closed. */
  @state() private noticeClosed = '';
  /** The automatic or check-in flag whose notice the agent closed. */
  @state() private autoNoticeClosed = '';
  /** What the composer will share of the conversation (none without `conversations`). */
  @state() private contextDraft: ContextDraft | undefined;

  @query('.trigger') private trigger!: HTMLButtonElement | null;
  @query('dialog') private composer!: HTMLDialogElement | null;
  @query('[popover]') private panel!: HTMLElement | null;

  readonly #flag = new StoreController<Flag | undefined>(this, undefined);
  readonly #unread = new StoreController<ReadonlyMap<string, number>>(this, new Map());
  readonly #busy = new StoreController<ReadonlyMap<string, readonly Command['type'][]>>(this, new Map());
  readonly #presence = new StoreController<PresenceView | null>(this, null);
  /** The quick raise reasons of the team this agent's flags go to. */
  readonly #quickReasons = new StoreController<Setting<'quickReasons'> | undefined>(this, undefined);
  #flagClient: FlagClient | undefined;
  #flagInteraction = '';
  #reportedReason: string | null = null;
  readonly #suggestions = new SuggestionController(this);
  #shared: { key: string; store: ConversationStore | undefined; size: { turns: number; summary: boolean } | null } | undefined;
  /** The suggestion the composer was opened to review: accepted when the agent raises. */
  #reviewing: RuleTrigger | undefined;

  constructor() {
    super();
    this.relayFlagEvents((flag) => flag.interactionId === this.interactionId);
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
    // A flag raised elsewhere (another tab, a rule, before a reload): the chat will be wanted.
    if (this.openFlag) chat.prefetch();
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
    const team = client && defaultRaiseTeam(client.me);
    this.#quickReasons.store = client && team ? client.settings.team(team).quickReasons : undefined;
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
    return flag && client ? presentFlag(flag, client.me, client.config, this.#busy.value.get(flag.id)) : undefined;
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
        aria-expanded=${open && this.panelOpen ? 'true' : 'false'}
        @click=${this.#onTrigger}
      >
        ${flagIcon()}<span title=${open ? this.stateLabel(open) : s.raise}>${open ? this.stateLabel(open) : s.raise}</span>
        ${unread > 0 ? html`<span class="badge">${s.unread(unread)}</span>` : nothing}
      </button>
      ${this.#renderNotice()} ${this.renderFailure((f) => f.action === 'raise')} ${this.#renderComposer()} ${this.#renderPanel()}
    `;
  }

  /**
   * Someone else lowered the flag while the panel was closed: say who and why beside the button
   * (a live region, so it is announced) until the agent closes it or raises a new flag.
   */
  #renderNotice() {
    const flag = this.#flag.value;
    const show =
      flag && !isOpen(flag) && !this.panelOpen && flag.id !== this.noticeClosed &&
      flag.lowered?.cause !== 'interaction-ended' && flag.lowered?.by.id !== this.activeClient?.me.id;
    const auto = flag && isOpen(flag) && flag.automatic && flag.id !== this.autoNoticeClosed ? flag : undefined;
    const checkIn = flag && isOpen(flag) && flag.checkInBy && !this.panelOpen && flag.id !== this.autoNoticeClosed ? flag.checkInBy : undefined;
    const client = this.activeClient;
    const alone = !this.openFlag && client !== undefined && noSupervisorAvailable(this.#presence.value, client.me);
    return html`<div class="notice-region" role="status">
      ${alone ? html`<p class="no-supervisor muted" part="hint">${this.s.noSupervisor}</p>` : nothing}
      ${show
        ? html`<p class="notice" part="notice"><span dir="auto">${this.s.loweredBy(flag)}</span>
            <button class="close-notice" @click=${() => (this.noticeClosed = flag.id)}>${this.s.close}</button></p>`
        : nothing}
      ${auto
        ? html`<p class="notice auto" part="notice"><span dir="auto">${this.s.autoRaised(auto.automatic!.ruleName)}</span>
            <button class="close-notice" @click=${() => (this.autoNoticeClosed = auto.id)}>${this.s.close}</button></p>`
        : nothing}
      ${checkIn && flag
        ? html`<p class="notice check-in" part="notice"><span dir="auto">${this.s.checkInNotice(checkIn.name)}</span>
            <button class="close-notice" @click=${() => (this.autoNoticeClosed = flag.id)}>${this.s.close}</button></p>`
        : nothing}
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

  #renderComposer() {
    const s = this.s;
    const { messageLength: max, reasonLength: reasonMax } = (this.activeClient?.config ?? DEFAULT_CONFIG).limits;
    return html`
      <dialog part="composer" aria-labelledby="composer-title" @close=${this.#onComposerClose}>
        <h2 id="composer-title">${s.composerTitle}</h2>
        <label for="message">${s.messageLabel}</label>
        <textarea dir="auto"
          id="message"
          rows="3"
          maxlength=${max}
          aria-describedby="counter"
          .value=${this.draft}
          @input=${(e: Event) => (this.draft = (e.target as HTMLTextAreaElement).value)}
          @keydown=${this.#onComposerKey}
        ></textarea>
        <div id="counter" class="counter muted">${s.counter(this.draft.length, max)}</div>
        <label for="reason">${s.reasonLabel}</label>
        <input id="reason" maxlength=${reasonMax} .value=${this.reason} @input=${(e: Event) => (this.reason = (e.target as HTMLInputElement).value)} />
        ${this.#renderQuickReasons(reasonMax)}
        <label class="check"
          ><input type="checkbox" .checked=${this.urgent} @change=${(e: Event) => (this.urgent = (e.target as HTMLInputElement).checked)} />
          ${s.urgentLabel}</label
        >
        ${this.#renderContextDraft()}
        <div class="actions">
          <button class="cancel" @click=${() => this.composer?.close()}>${s.cancel}</button>
          <button class="primary submit" ?disabled=${this.draft.trim() === ''} @click=${this.#raise}>${s.submit}</button>
        </div>
      </dialog>
    `;
  }

  /** The team's quick reasons as toggle chips: one fills the reason field (the agent can still edit it). */
  #renderQuickReasons(max: number) {
    const reasons = this.#quickReasons.value?.value ?? [];
    if (reasons.length === 0) return nothing;
    return html`<div class="quick-reasons" role="group" aria-label=${this.s.quickReasons} part="quick-reasons">
      ${reasons.map(
        (reason) =>
          html`<button type="button" class="chip" dir="auto" aria-pressed=${this.reason === reason ? 'true' : 'false'} @click=${() => (this.reason = reason.slice(0, max))}>
            ${reason}
          </button>`,
      )}
    </div>`;
  }

  /** The conversation about to be shared: the agent sees all of it and edits the summary or leaves any of it out. */
  #renderContextDraft() {
    const draft = this.contextDraft;
    if (!draft) return nothing;
    const s = this.s;
    const edit = (change: Partial<ContextDraft>) => (this.contextDraft = { ...draft, ...change });
    return html`<fieldset class="context" part="context">
      <legend>${s.contextLegend}</legend>
      <label class="check"
        ><input type="checkbox" class="share-context" .checked=${draft.share} @change=${(e: Event) => edit({ share: (e.target as HTMLInputElement).checked })} />
        ${s.shareContext}</label
      >
      ${draft.share
        ? html`<label for="summary">${s.summaryLabel}</label>
            <textarea id="summary" dir="auto" rows="2" .value=${draft.summary} @input=${(e: Event) => edit({ summary: (e.target as HTMLTextAreaElement).value })}></textarea>
            <ul class="turns">
              ${draft.turns.map(
                (t, i) => html`<li>
                  <label class="check"
                    ><input type="checkbox" .checked=${t.included}
                      @change=${(e: Event) => edit({ turns: draft.turns.map((u, j) => (j === i ? { ...u, included: (e.target as HTMLInputElement).checked } : u)) })} />
                    <span dir="auto"><strong>${s.context.from(t.turn.from)}</strong> ${t.turn.text}</span></label
                  >
                </li>`,
              )}
            </ul>`
        : nothing}
    </fieldset>`;
  }

  #renderPanel() {
    const s = this.s;
    const view = this.#view(this.#flag.value);
    const flag = view?.flag;
    const actions = view?.actions ?? new Set();
    return html`
      <div popover="auto" part="panel" role="dialog" aria-labelledby="panel-title" @toggle=${this.#onPanelToggle}>
        <h2 id="panel-title">${s.panelTitle}</h2>
        ${view && flag
          ? html`
              <p class="status" data-state=${view.open ? 'open' : 'lowered'}>${this.stateLabel(view)}</p>
              ${this.panelOpen && chat.ready
                ? html`<supervisor-chat .client=${this.activeClient} flag-id=${flag.id} quiet theme=${this.theme ?? nothing}></supervisor-chat>`
                : nothing}
            `
          : nothing}
        ${this.renderFailure((f) => f.action !== 'raise')}
        <div class="actions">
          ${flag && (actions.has('request-join') || actions.has('cancel-join'))
            ? html`<button class="join" @click=${() => this.#toggleJoin(flag, actions.has('cancel-join'))}>${actions.has('cancel-join') ? s.cancelJoin : s.requestJoin}</button>`
            : nothing}
          ${flag && actions.has('lower') ? html`<button class="lower" @click=${() => this.perform('lower', flag.id, (c) => c.lower(flag.id))}>${s.lower}</button>` : nothing}
          <button class="close" @click=${() => this.panel?.hidePopover()}>${s.close}</button>
        </div>
      </div>
    `;
  }

  /** One button that requests or cancels, so focus stays on it as the label changes. */
  #toggleJoin(flag: Flag, cancel: boolean): void {
    if (cancel) void this.perform('cancel-join', flag.id, (c) => c.cancelJoin(flag.id));
    else void this.perform('request-join', flag.id, (c) => c.requestJoin(flag.id));
  }

  protected override focusFallback(): HTMLElement | null | undefined {
    return this.panelOpen ? this.renderRoot.querySelector<HTMLElement>('[popover] .close') : this.trigger;
  }

  #onTrigger = (): void => {
    if (this.panelOpen) this.panel?.hidePopover();
    else this.#open();
  };

  /**
   * Opens the composer when there is no open flag (prefilled from a suggestion under review), the
   * flag panel otherwise. The conversation to share is read now, as it stands.
   */
  #open(review?: RuleTrigger): void {
    if (this.openFlag) {
      void this.#openPanel();
      return;
    }
    chat.prefetch();
    this.failure = undefined;
    this.#reviewing = review;
    if (review) {
      this.draft = review.raise.message;
      this.reason = review.raise.reason ?? '';
      this.urgent = review.raise.severity === 'urgent';
    }
    this.contextDraft = draftOf(this.conversations?.contextFor(this.interactionId));
    this.composer?.showModal();
    this.renderRoot.querySelector<HTMLTextAreaElement>('#message')?.focus();
  }

  /**
   * The panel opens with its chat in it: at once when the chat's code was prefetched, else once it
   * has loaded. If it cannot load, the panel opens anyway with the error (`flag-error`, code
   * `unavailable`) where the chat would be, so the flag can still be followed and lowered.
   */
  async #openPanel(): Promise<void> {
    if (!chat.ready) await this.perform('open-chat', this.openFlag?.id, () => chat.load());
    if (!this.panel?.matches(':popover-open')) this.panel?.showPopover();
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

  #raiseWith(input: RaiseInput, context: RaiseInput['context'] | null | undefined) {
    return this.perform('raise', undefined, (c) =>
      c.raise({ ...input, ...(context ? { context } : {}), ...(this.customerLabel ? { customerLabel: this.customerLabel } : {}) }),
    );
  }

  #onComposerKey = (e: KeyboardEvent): void => {
    if (!isSubmitKey(e)) return;
    e.preventDefault();
    if (this.draft.trim() !== '') void this.#raise();
  };

  #raise = async (): Promise<void> => {
    const message = this.draft;
    const reason = this.reason.trim();
    const context = sharedContext(this.contextDraft);
    const suggested = this.#reviewing ? this.#suggestions.accept() : undefined;
    // Optimistic: the flag shows as raising at once; a failure comes back as a message and event.
    this.composer?.close();
    const result = await this.#raiseWith(
      {
        interactionId: this.interactionId,
        channel: this.channel,
        message,
        severity: this.urgent ? 'urgent' : 'normal',
        ...(reason ? { reason } : {}),
        ...(suggested ? { suggested: ruleOf(suggested) } : {}),
      },
      context,
    );
    if (result) {
      this.draft = '';
      this.reason = '';
      this.urgent = false;
    }
  };

  #onComposerClose = (): void => {
    this.#reviewing = undefined;
    this.trigger?.focus();
  };

  #onPanelToggle = (e: ToggleEvent): void => {
    this.panelOpen = e.newState === 'open';
    if (this.panelOpen) return;
    // Focus was inside the panel (now hidden): give it back to the button, as a dialog would.
    const active = this.shadowRoot?.activeElement;
    if (!active || this.panel?.contains(active) || document.activeElement === document.body) this.trigger?.focus();
  };

  #onShortcut = (e: KeyboardEvent): void => {
    const shortcut = this.shortcut ? parseShortcut(this.shortcut) : null;
    if (!shortcut || this.unavailable || !matchesShortcut(e, shortcut)) return;
    e.preventDefault();
    if (this.composer?.open || this.panelOpen) return;
    this.#open();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'flag-button': FlagButton;
  }
}
