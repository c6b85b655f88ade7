import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import type { Flag, FlagClient, FlagContext, FlagView, RaiseInput, Setting } from '@flagline/core';
import { DEFAULT_CONFIG, defaultRaiseTeam } from '@flagline/core/view';
// Types only: a host that uses automation passes its instances; this element never bundles that code.
import type { RuleTrigger } from '@flagline/core/automation';
import { isSubmitKey } from '../internal/composer-keys.js';
import type { Failure } from '../internal/flagline-element.js';
import { StoreController } from '../internal/subscription.js';
import { draftOf, sharedContext, type ContextDraft } from './context-draft.js';
// The panel shows the chat as it opens: it comes in this chunk.
import '../define-supervisor-chat.js';
import { chatPart } from '../supervisor-chat/supervisor-chat.js';
import type { FlagButton } from './flag-button.js';
import type { FlagButtonStrings } from './strings.js';

export { flagPanelStyles } from './flag-panel.styles.js';

// The flag panel shows the chat: its body is fetched with the panel, not once a flag is open.
chatPart.prefetch();

/** What the panel needs of its `<flag-button>`, whose own state stays private. */
export interface PanelHost {
  readonly element: FlagButton;
  strings(): FlagButtonStrings;
  client(): FlagClient | undefined;
  /** The interaction's flag (open or lowered) as core presents it to this agent. */
  view(): FlagView | undefined;
  stateLabel(view: FlagView): string;
  perform<T>(action: string, flagId: string | undefined, command: (client: FlagClient) => Promise<T>): Promise<T | undefined>;
  renderFailure(where: (failure: Failure) => boolean): TemplateResult | typeof nothing;
  /** Raises with the button's customer label; undefined when it failed (the failure is shown). */
  raise(input: RaiseInput, context: FlagContext | undefined): Promise<unknown>;
  /** The suggestion the composer was opened to review is raised: counted as accepted. */
  acceptReviewed(): RaiseInput['suggested'];
  focusTrigger(): void;
}

/**
 * The part of `<flag-button>` behind the button, in a chunk of its own (see README "Bundle
 * layout"): the raise composer (message, reason and the team's quick reasons, urgency, the
 * conversation to share) and the flag panel (state, chat, join and lower). The button builds it
 * the first time the agent opens either.
 */
export class FlagPanel implements ReactiveController {
  readonly #host: PanelHost;
  #draft = '';
  #reason = '';
  #urgent = false;
  #panelOpen = false;
  /** What the composer will share of the conversation (none without `conversations`). */
  #contextDraft: ContextDraft | undefined;
  /** The composer was opened to review a suggestion: raising accepts it. */
  #reviewing = false;
  /** The quick raise reasons of the team this agent's flags go to. */
  readonly #quickReasons: StoreController<Setting<'quickReasons'> | undefined>;

  constructor(host: PanelHost) {
    this.#host = host;
    this.#quickReasons = new StoreController<Setting<'quickReasons'> | undefined>(host.element, undefined);
    host.element.addController(this);
  }

  hostUpdate(): void {
    const client = this.#host.client();
    const team = client && defaultRaiseTeam(client.me);
    this.#quickReasons.store = client && team ? client.settings.team(team).quickReasons : undefined;
  }

  /** The flag panel is showing. */
  get panelOpen(): boolean {
    return this.#panelOpen;
  }

  /** The composer or the flag panel is showing. */
  get showing(): boolean {
    return this.#panelOpen || this.#composer?.open === true;
  }

  get #composer(): HTMLDialogElement | null {
    return this.#host.element.renderRoot.querySelector('dialog');
  }

  get #panel(): HTMLElement | null {
    return this.#host.element.renderRoot.querySelector('[popover]');
  }

  #update(change: () => void): void {
    change();
    this.#host.element.requestUpdate();
  }

  /**
   * Opens the composer (prefilled from a suggestion under review) with focus in the message. The
   * conversation to share is read now, as it stands.
   */
  async openComposer(review?: RuleTrigger): Promise<void> {
    this.#update(() => {
      this.#reviewing = review !== undefined;
      if (review) {
        this.#draft = review.raise.message;
        this.#reason = review.raise.reason ?? '';
        this.#urgent = review.raise.severity === 'urgent';
      }
      this.#contextDraft = draftOf(this.#host.element.conversations?.contextFor(this.#host.element.interactionId));
    });
    await this.#host.element.updateComplete;
    const composer = this.#composer;
    // The button may have left the page while its panel loaded.
    if (!composer?.isConnected || composer.open) return;
    composer.showModal();
    this.#host.element.renderRoot.querySelector<HTMLTextAreaElement>('#message')?.focus();
  }

  /** Opens the flag panel: its state, the chat, join and lower. */
  openPanel(): void {
    const panel = this.#panel;
    // The button may have left the page while its panel loaded.
    if (panel?.isConnected && !panel.matches(':popover-open')) panel.showPopover();
  }

  closePanel(): void {
    this.#panel?.hidePopover();
  }

  render(): TemplateResult {
    return html`${this.#renderComposer()} ${this.#renderPanel()}`;
  }

  #renderComposer() {
    const s = this.#host.strings();
    const { messageLength: max, reasonLength: reasonMax } = (this.#host.client()?.config ?? DEFAULT_CONFIG).limits;
    return html`
      <dialog part="composer" aria-labelledby="composer-title" @close=${this.#onComposerClose}>
        <h2 id="composer-title">${s.composerTitle}</h2>
        <label for="message">${s.messageLabel}</label>
        <textarea dir="auto"
          id="message"
          rows="3"
          maxlength=${max}
          aria-describedby="counter"
          .value=${this.#draft}
          @input=${(e: Event) => this.#update(() => (this.#draft = (e.target as HTMLTextAreaElement).value))}
          @keydown=${this.#onComposerKey}
        ></textarea>
        <div id="counter" class="counter muted">${s.counter(this.#draft.length, max)}</div>
        <label for="reason">${s.reasonLabel}</label>
        <input id="reason" maxlength=${reasonMax} .value=${this.#reason} @input=${(e: Event) => this.#update(() => (this.#reason = (e.target as HTMLInputElement).value))} />
        ${this.#renderQuickReasons(s, reasonMax)}
        <label class="check"
          ><input type="checkbox" .checked=${this.#urgent} @change=${(e: Event) => this.#update(() => (this.#urgent = (e.target as HTMLInputElement).checked))} />
          ${s.urgentLabel}</label
        >
        ${this.#renderContextDraft(s)}
        <div class="actions">
          <button class="cancel" @click=${() => this.#composer?.close()}>${s.cancel}</button>
          <button class="primary submit" ?disabled=${this.#draft.trim() === ''} @click=${this.#raise}>${s.submit}</button>
        </div>
      </dialog>
    `;
  }

  /** The team's quick reasons as toggle chips: one fills the reason field (the agent can still edit it). */
  #renderQuickReasons(s: FlagButtonStrings, max: number) {
    const reasons = this.#quickReasons.value?.value ?? [];
    if (reasons.length === 0) return nothing;
    return html`<div class="quick-reasons" role="group" aria-label=${s.quickReasons} part="quick-reasons">
      ${reasons.map(
        (reason) =>
          html`<button type="button" class="chip" dir="auto" aria-pressed=${this.#reason === reason ? 'true' : 'false'} @click=${() => this.#update(() => (this.#reason = reason.slice(0, max)))}>
            ${reason}
          </button>`,
      )}
    </div>`;
  }

  /** The conversation about to be shared: the agent sees all of it and edits the summary or leaves any of it out. */
  #renderContextDraft(s: FlagButtonStrings) {
    const draft = this.#contextDraft;
    if (!draft) return nothing;
    const edit = (change: Partial<ContextDraft>) => this.#update(() => (this.#contextDraft = { ...draft, ...change }));
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
    const host = this.#host;
    const s = host.strings();
    const view = host.view();
    const flag = view?.flag;
    const actions = view?.actions ?? new Set();
    return html`
      <div popover="auto" part="panel" role="dialog" aria-labelledby="panel-title" @toggle=${this.#onPanelToggle}>
        <h2 id="panel-title">${s.panelTitle}</h2>
        ${view && flag
          ? html`
              <p class="status" data-state=${view.open ? 'open' : 'lowered'}>${host.stateLabel(view)}</p>
              ${this.#panelOpen
                ? html`<supervisor-chat .client=${host.client()} flag-id=${flag.id} quiet theme=${host.element.theme ?? nothing}></supervisor-chat>`
                : nothing}
            `
          : nothing}
        ${host.renderFailure((f) => f.action !== 'raise' && f.action !== 'open-panel')}
        <div class="actions">
          ${flag && (actions.has('request-join') || actions.has('cancel-join'))
            ? html`<button class="join" @click=${() => this.#toggleJoin(flag, actions.has('cancel-join'))}>${actions.has('cancel-join') ? s.cancelJoin : s.requestJoin}</button>`
            : nothing}
          ${flag && actions.has('lower') ? html`<button class="lower" @click=${() => host.perform('lower', flag.id, (c) => c.lower(flag.id))}>${s.lower}</button>` : nothing}
          <button class="close" @click=${() => this.closePanel()}>${s.close}</button>
        </div>
      </div>
    `;
  }

  /** One button that requests or cancels, so focus stays on it as the label changes. */
  #toggleJoin(flag: Flag, cancel: boolean): void {
    if (cancel) void this.#host.perform('cancel-join', flag.id, (c) => c.cancelJoin(flag.id));
    else void this.#host.perform('request-join', flag.id, (c) => c.requestJoin(flag.id));
  }

  #onComposerKey = (e: KeyboardEvent): void => {
    if (!isSubmitKey(e)) return;
    e.preventDefault();
    if (this.#draft.trim() !== '') void this.#raise();
  };

  #raise = async (): Promise<void> => {
    const host = this.#host;
    const message = this.#draft;
    const reason = this.#reason.trim();
    const context = sharedContext(this.#contextDraft);
    const suggested = this.#reviewing ? host.acceptReviewed() : undefined;
    // Optimistic: the flag shows as raising at once; a failure comes back as a message and event.
    this.#composer?.close();
    const result = await host.raise(
      {
        interactionId: host.element.interactionId,
        channel: host.element.channel,
        message,
        severity: this.#urgent ? 'urgent' : 'normal',
        ...(reason ? { reason } : {}),
        ...(suggested ? { suggested } : {}),
      },
      context,
    );
    if (result)
      this.#update(() => {
        this.#draft = '';
        this.#reason = '';
        this.#urgent = false;
      });
  };

  #onComposerClose = (): void => {
    this.#reviewing = false;
    this.#host.focusTrigger();
  };

  #onPanelToggle = (e: ToggleEvent): void => {
    this.#update(() => (this.#panelOpen = e.newState === 'open'));
    if (this.#panelOpen) return;
    // Focus was inside the panel (now hidden): give it back to the button, as a dialog would.
    const root = this.#host.element.renderRoot;
    const active = root instanceof ShadowRoot ? root.activeElement : null;
    if (!active || this.#panel?.contains(active) || document.activeElement === document.body) this.#host.focusTrigger();
  };
}
