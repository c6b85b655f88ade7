import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { Flag, FlagClient, TimelineItem } from '@flagline/core';
import { DEFAULT_CONFIG, fillPlaceholders } from '@flagline/core/view';
import { isSubmitKey } from '../internal/composer-keys.js';
import { renderFlagContext } from '../internal/context-view.js';
import { FlaglineElement } from '../internal/flagline-element.js';
import { formatTime } from '../internal/format.js';
import { ListWindow } from '../internal/list-window.js';
import { StoreController } from '../internal/subscription.js';
import { supervisorChatStyles } from './supervisor-chat.styles.js';
import { CannedEditor, EDITOR_ID } from './canned-editor.js';
import { CannedPicker, LIST_ID, type CannedEntry } from './canned-picker.js';
import { defaultSupervisorChatStrings, type SupervisorChatStrings } from './strings.js';

/** How close to the end (px) still counts as "reading the newest message". */
const PINNED_SLACK = 40;

/**
 * The private two-way chat of one flag, for the agent and the supervisor alike: messages with
 * author, time and delivery state, system lines for flag events, and a composer that becomes
 * read-only once the flag is lowered. Virtualized: thousands of messages stay smooth.
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

  @state() private draft = '';
  /** Messages from others that arrived while the reader was scrolled up. */
  @state() private newCount = 0;

  @query('.log') private log!: HTMLElement | null;

  readonly #timeline = new StoreController<readonly TimelineItem[]>(this, []);
  readonly #flag = new StoreController<Flag | undefined>(this, undefined);
  readonly #unread = new StoreController<ReadonlyMap<string, number>>(this, new Map());
  readonly #picker = new CannedPicker(this);
  readonly #editor = new CannedEditor(this);
  #timelineOf: [FlagClient | undefined, string] = [undefined, ''];
  /** The timeline as last rendered, to tell what arrived since. */
  #seen: readonly TimelineItem[] = [];
  #pinned = true;
  #onScreen = false;
  #observer: IntersectionObserver | undefined;
  /** Only the messages near the visible part of the log are in the DOM; pinned to the newest. */
  readonly #window = new ListWindow<TimelineItem>(this, {
    scroller: () => this.log,
    key: (item) => item.key,
    estimate: 64,
    pinnedToEnd: () => this.#pinned,
  });

  constructor() {
    super();
    this.relayFlagEvents((flag) => !this.quiet && flag.id === this.flagId);
  }

  private get s(): SupervisorChatStrings {
    return { ...(this.localized.messages?.supervisorChat ?? defaultSupervisorChatStrings), ...this.strings };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#observer = new IntersectionObserver((entries) => {
      this.#onScreen = entries.some((e) => e.isIntersecting);
      this.#markReadIfSeen();
    });
    this.#observer.observe(this);
    document.addEventListener('visibilitychange', this.#markReadIfSeen);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#observer?.disconnect();
    document.removeEventListener('visibilitychange', this.#markReadIfSeen);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const client = this.activeClient;
    const [oldClient, oldFlag] = this.#timelineOf;
    if (client !== oldClient || this.flagId !== oldFlag) {
      this.#timelineOf = [client, this.flagId];
      this.#timeline.store = client && this.flagId ? client.timeline(this.flagId) : undefined;
      this.#flag.store = client && this.flagId ? client.flag(this.flagId) : undefined;
      this.#pinned = true;
      this.newCount = 0;
    } else if (this.#timeline.value !== this.#seen) {
      this.#noteArrivals(this.#seen);
    }
    this.#seen = this.#timeline.value;
    this.#unread.store = client?.$unread;
    this.#picker.bind(client, this.#flag.value?.team);
    // Marking read here (not in updated()) folds the unread change into this same update.
    this.#markReadIfSeen();
  }

  /** Items were appended: follow them when pinned, else count them for the "new messages" jump. */
  #noteArrivals(before: readonly TimelineItem[]): void {
    const items = this.#timeline.value;
    if (items.length <= before.length) return;
    const me = this.activeClient?.me.id;
    const fresh = items.slice(before.length);
    const mine = fresh.some((item) => item.event.actor.id === me && item.event.type === 'message');
    const overflowing = !!this.log && this.log.scrollHeight > this.log.clientHeight;
    if (this.#pinned || mine || !overflowing) {
      this.#pinned = true;
      this.newCount = 0;
    } else {
      this.newCount += fresh.filter((item) => item.event.type === 'message' && item.event.actor.id !== me).length;
    }
  }

  /** Read means: on screen, page visible, and the reader is at the newest message. */
  #markReadIfSeen = (): void => {
    const client = this.activeClient;
    if (!client || !this.flagId || !this.#onScreen || !this.#pinned || document.visibilityState !== 'visible') return;
    if ((this.#unread.value.get(this.flagId) ?? 0) > 0) client.markRead(this.flagId);
  };

  #onScroll = (): void => {
    const log = this.log;
    if (!log) return;
    const pinned = log.scrollHeight - log.scrollTop - log.clientHeight <= PINNED_SLACK;
    if (pinned === this.#pinned) return;
    this.#pinned = pinned;
    if (pinned) {
      this.newCount = 0;
      this.#markReadIfSeen();
    }
  };

  protected override focusFallback(): HTMLElement | null | undefined {
    const textarea = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea');
    return textarea && !textarea.disabled ? textarea : this.log;
  }

  /**
   * The reader moves up (wheel, arrow, Page Up, Home): unpin before the scroll lands, so a
   * re-render meanwhile cannot pull the view back to the newest message.
   */
  #onScrollIntent = (e: WheelEvent | KeyboardEvent): void => {
    const up = e instanceof WheelEvent ? e.deltaY < 0 : e.key === 'ArrowUp' || e.key === 'PageUp' || e.key === 'Home';
    if (!up || !this.#pinned) return;
    this.#pinned = false;
    this.requestUpdate();
  };

  #jump = (): void => {
    this.#pinned = true;
    this.newCount = 0;
    this.requestUpdate();
    this.#markReadIfSeen();
    this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.focus();
  };

  protected override render() {
    const s = this.s;
    const flag = this.#flag.value;
    return html`
      ${flag ? renderFlagContext(flag, s.context, { scrolls: true }) : nothing}
      <div
        class="log"
        part="log"
        role="log"
        aria-label=${s.logLabel(flag, flag?.agent.id === this.activeClient?.me.id)}
        tabindex="0"
        @scroll=${this.#onScroll}
        @wheel=${this.#onScrollIntent}
        @keydown=${this.#onScrollIntent}
      >
        ${this.#window.render(this.#timeline.value, (item) => this.#renderItem(item))}
      </div>
      ${this.newCount > 0 ? html`<button class="jump" @click=${this.#jump}>${s.newMessages(this.newCount)}</button>` : nothing}
      ${this.renderConnection(s.offline)} ${this.renderFailure()}
      ${this.#picker.render(s.canned, { pick: this.#insert, keydown: this.#onListKey, focusout: this.#onPickerFocusOut, manage: this.#manage })}
      ${this.#renderComposer(flag)}
      ${this.#picker.enabled ? this.#editor.render(s.canned, this.activeClient, this.#picker.lists, (e) => this.errorText(e)) : nothing}
    `;
  }

  #renderItem(item: TimelineItem) {
    const s = this.s;
    const { event } = item;
    const time = html`<time datetime=${new Date(event.at).toISOString()}>${formatTime(event.at, this.localized.lang)}</time>`;
    if (event.type !== 'message') {
      return html`<div class="item system" data-type=${event.type}>${s.systemLine(event)} · ${time}</div>`;
    }
    const mine = event.actor.id === this.activeClient?.me.id;
    return html`
      <div class="item message ${mine ? 'mine' : ''}" data-state=${item.state}>
        <div class="meta"><span class="author one-line" dir="auto" title=${event.actor.name}>${event.actor.name}</span>${time}</div>
        <div class="bubble"><p class="text" dir="auto">${event.text}</p></div>
        ${this.#renderDelivery(item, mine)}
      </div>
    `;
  }

  #renderDelivery(item: TimelineItem, mine: boolean) {
    const s = this.s;
    const commandId = item.commandId;
    if (item.state === 'failed' && commandId)
      return html`<div class="delivery failed">
        ${s.failed(item.error ? this.errorText(item.error) : '')}
        <button class="retry" @click=${() => this.perform('retry-message', this.flagId, (c) => c.retryMessage(commandId), false)}>${s.retry}</button>
        <button class="discard" @click=${() => this.activeClient?.discardMessage(commandId)}>${s.discard}</button>
      </div>`;
    if (item.state === 'sending') return html`<div class="delivery">${s.sending}</div>`;
    return mine ? html`<div class="delivery">${s.sent}</div>` : nothing;
  }

  #renderComposer(flag: Flag | undefined) {
    const s = this.s;
    const client = this.activeClient;
    const view = flag && client ? client.present(flag) : undefined;
    const max = (view ?? client?.config ?? DEFAULT_CONFIG).limits.messageLength;
    const readOnly = !this.flagId ? s.noFlag : !view ? s.unknownFlag : view.actions.has('send-message') ? '' : s.readOnly(view.flag);
    const picker = this.#picker;
    const canned = picker.enabled && !readOnly;
    const listShown = picker.mode !== null && picker.shown.length > 0;
    return html`
      ${readOnly ? html`<p class="readonly" id="readonly">${readOnly}</p>` : nothing}
      <div class="composer" part="composer">
        <textarea dir="auto"
          rows="2"
          maxlength=${max}
          aria-label=${s.messageLabel}
          aria-describedby=${readOnly ? 'readonly' : 'counter'}
          aria-autocomplete=${canned ? 'list' : nothing}
          aria-controls=${canned && listShown ? LIST_ID : nothing}
          aria-activedescendant=${picker.mode === 'slash' ? (picker.activeId ?? nothing) : nothing}
          ?disabled=${!!readOnly}
          .value=${this.draft}
          @input=${this.#onInput}
          @keydown=${this.#onKey}
          @blur=${this.#onPickerFocusOut}
        ></textarea>
        <div class="actions">
          ${canned
            ? html`<button class="canned-open" aria-haspopup="listbox" aria-expanded=${picker.mode === 'button' ? 'true' : 'false'} @click=${this.#openPicker}>${s.canned.open}</button>`
            : nothing}
          <button class="primary send" ?disabled=${!!readOnly || this.draft.trim() === ''} @click=${this.#send}>${s.send}</button>
        </div>
        <div id="counter" class="counter muted">${s.counter(this.draft.length, max)}</div>
        ${canned ? html`<p class="visually-hidden" role="status">${picker.status(s.canned)}</p>` : nothing}
      </div>
    `;
  }

  #onInput = (e: Event): void => {
    this.draft = (e.target as HTMLTextAreaElement).value;
    if (this.#picker.enabled) this.#picker.input(this.draft);
  };

  #onKey = (e: KeyboardEvent): void => {
    if (this.#picker.mode === 'slash') {
      const handled = this.#picker.key(e);
      if (handled) {
        e.preventDefault();
        e.stopPropagation();
        if (typeof handled === 'object') this.#insert(handled);
        return;
      }
    }
    if (!isSubmitKey(e)) return;
    e.preventDefault();
    void this.#send();
  };

  #onListKey = (e: KeyboardEvent): void => {
    const handled = this.#picker.key(e);
    if (!handled) return;
    e.preventDefault();
    e.stopPropagation();
    if (typeof handled === 'object') this.#insert(handled);
    else if (!this.#picker.mode) this.#focusAfterUpdate('.canned-open');
  };

  /** Focus left the picker (and the composer): the list closes. */
  #onPickerFocusOut = (e: FocusEvent): void => {
    const to = e.relatedTarget as HTMLElement | null;
    const stays = !!to && (!!this.renderRoot.querySelector('.canned')?.contains(to) || to.classList.contains('canned-open') || (this.#picker.mode === 'slash' && to.localName === 'textarea'));
    if (this.#picker.mode && !stays) this.#picker.close();
  };

  #openPicker = (): void => {
    this.#picker.openFromButton();
    if (this.#picker.mode) this.#focusAfterUpdate(`#${LIST_ID}, .canned .manage`);
  };

  #manage = (): void => {
    this.#picker.close();
    const dialog = this.renderRoot.querySelector<HTMLDialogElement>(`#${EDITOR_ID}`);
    // The dialog would give focus back to Edit quick replies, which left with the list: back to the list's button.
    dialog?.addEventListener('close', () => this.#focusAfterUpdate('.canned-open'), { once: true });
    this.#editor.open(dialog);
  };

  /** A canned reply, placeholders filled from the flag: replaces the `/…` typed, or goes in at the caret. */
  #insert = (entry: CannedEntry): void => {
    const flag = this.#flag.value;
    const client = this.activeClient;
    if (!flag || !client) return;
    const text = fillPlaceholders(entry.reply.text, flag, client.me);
    const textarea = this.renderRoot.querySelector('textarea');
    if (this.#picker.mode === 'slash' || !textarea) this.draft = text;
    else this.draft = this.draft.slice(0, textarea.selectionStart) + text + this.draft.slice(textarea.selectionEnd);
    this.#picker.close();
    this.#focusAfterUpdate('textarea');
  };

  #focusAfterUpdate(selector: string): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(selector)?.focus());
  }

  #send = async (): Promise<void> => {
    const text = this.draft;
    const flagId = this.flagId;
    if (text.trim() === '') return;
    // The message shows at once as "sending"; a failure stays in the log with Retry.
    this.draft = '';
    this.#pinned = true;
    await this.perform('send-message', flagId, (c) => c.sendMessage(flagId, text), false);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'supervisor-chat': SupervisorChat;
  }
}
