import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import type { Flag, FlagClient, FlagErrorData, TimelineItem } from '@flagline/core';
import { DEFAULT_CONFIG, fillPlaceholders } from '@flagline/core/view';
import { isSubmitKey } from '../internal/composer-keys.js';
import { renderFlagContext } from '../internal/context-view.js';
import type { Failure } from '../internal/flagline-element.js';
import { formatTime } from '../internal/format.js';
import { ListWindow } from '../internal/list-window.js';
import { StoreController } from '../internal/subscription.js';
import { CannedEditor, EDITOR_ID } from './canned-editor.js';
import { CannedPicker, LIST_ID, type CannedEntry } from './canned-picker.js';
import type { SupervisorChatStrings } from './strings.js';
import type { SupervisorChat } from './supervisor-chat.js';
// The element this view is the body of, with everything it stands on. Imported for the bundlers:
// then the view's chunk reaches the same shared modules as the chunks that load the element, and
// esbuild keeps those in one shared chunk instead of cutting it by who reaches what (each cut
// costs its own compression on the agent's first load: bench/README.md, section 1).
import '../define-supervisor-chat.js';

export { chatViewStyles } from './chat-view.styles.js';

/** What the view needs of its `<supervisor-chat>`, whose own members stay protected. */
export interface ChatHost {
  readonly element: SupervisorChat;
  client(): FlagClient | undefined;
  strings(): SupervisorChatStrings;
  lang(): string;
  errorText(error: FlagErrorData): string;
  perform<T>(action: string, flagId: string | undefined, command: (client: FlagClient) => Promise<T>, show?: boolean): Promise<T | undefined>;
  renderConnection(text: string): TemplateResult | typeof nothing;
  renderFailure(where?: (failure: Failure) => boolean): TemplateResult | typeof nothing;
}

/** How close to the end (px) still counts as "reading the newest message". */
const PINNED_SLACK = 40;

/**
 * The body of `<supervisor-chat>`, in a chunk of its own (packages/elements README, "Bundle
 * layout"): the log (windowed), the composer with quick replies, delivery states and the read
 * marker. The element builds it when it is first connected.
 */
export class ChatView implements ReactiveController {
  readonly #host: ChatHost;
  readonly #el: SupervisorChat;
  #draftValue = '';
  /** Messages from others that arrived while the reader was scrolled up. */
  #newCountValue = 0;
  readonly #timeline: StoreController<readonly TimelineItem[]>;
  readonly #flag: StoreController<Flag | undefined>;
  readonly #unread: StoreController<ReadonlyMap<string, number>>;
  readonly #picker: CannedPicker;
  readonly #editor: CannedEditor;
  #timelineOf: [FlagClient | undefined, string] = [undefined, ''];
  /** The timeline as last rendered, to tell what arrived since. */
  #seen: readonly TimelineItem[] = [];
  #pinned = true;
  #onScreen = false;
  #observer: IntersectionObserver | undefined;
  /** Only the messages near the visible part of the log are in the DOM; pinned to the newest. */
  readonly #window: ListWindow<TimelineItem>;

  constructor(host: ChatHost) {
    this.#host = host;
    this.#el = host.element;
    this.#timeline = new StoreController<readonly TimelineItem[]>(this.#el, []);
    this.#flag = new StoreController<Flag | undefined>(this.#el, undefined);
    this.#unread = new StoreController<ReadonlyMap<string, number>>(this.#el, new Map());
    this.#picker = new CannedPicker(this.#el);
    this.#editor = new CannedEditor(this.#el);
    this.#window = new ListWindow<TimelineItem>(this.#el, {
      scroller: () => this.#log,
      key: (item) => item.key,
      estimate: 64,
      pinnedToEnd: () => this.#pinned,
    });
    this.#el.addController(this);
  }

  get #s(): SupervisorChatStrings {
    return this.#host.strings();
  }

  get #log(): HTMLElement | null {
    return this.#el.renderRoot.querySelector('.log');
  }

  // What the user typed and the "new messages" count show in the element: changing them renders it.
  get #draft(): string {
    return this.#draftValue;
  }
  set #draft(value: string) {
    this.#draftValue = value;
    this.#el.requestUpdate();
  }
  get #newCount(): number {
    return this.#newCountValue;
  }
  set #newCount(value: number) {
    this.#newCountValue = value;
    this.#el.requestUpdate();
  }

  hostConnected(): void {
    this.#observer = new IntersectionObserver((entries) => {
      this.#onScreen = entries.some((e) => e.isIntersecting);
      this.#markReadIfSeen();
    });
    this.#observer.observe(this.#el);
    document.addEventListener('visibilitychange', this.#markReadIfSeen);
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    document.removeEventListener('visibilitychange', this.#markReadIfSeen);
  }

  /** Before each render of the element (its `willUpdate`). */
  update(): void {
    const client = this.#host.client();
    const [oldClient, oldFlag] = this.#timelineOf;
    if (client !== oldClient || this.#el.flagId !== oldFlag) {
      this.#timelineOf = [client, this.#el.flagId];
      this.#timeline.store = client && this.#el.flagId ? client.timeline(this.#el.flagId) : undefined;
      this.#flag.store = client && this.#el.flagId ? client.flag(this.#el.flagId) : undefined;
      this.#pinned = true;
      this.#newCount = 0;
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
    const me = this.#host.client()?.me.id;
    const fresh = items.slice(before.length);
    const mine = fresh.some((item) => item.event.actor.id === me && item.event.type === 'message');
    const overflowing = !!this.#log && this.#log.scrollHeight > this.#log.clientHeight;
    if (this.#pinned || mine || !overflowing) {
      this.#pinned = true;
      this.#newCount = 0;
    } else {
      this.#newCount += fresh.filter((item) => item.event.type === 'message' && item.event.actor.id !== me).length;
    }
  }

  /** Read means: on screen, page visible, and the reader is at the newest message. */
  #markReadIfSeen = (): void => {
    const client = this.#host.client();
    if (!client || !this.#el.flagId || !this.#onScreen || !this.#pinned || document.visibilityState !== 'visible') return;
    if ((this.#unread.value.get(this.#el.flagId) ?? 0) > 0) client.markRead(this.#el.flagId);
  };

  #onScroll = (): void => {
    const log = this.#log;
    if (!log) return;
    const pinned = log.scrollHeight - log.scrollTop - log.clientHeight <= PINNED_SLACK;
    if (pinned === this.#pinned) return;
    this.#pinned = pinned;
    if (pinned) {
      this.#newCount = 0;
      this.#markReadIfSeen();
    }
  };

  focusFallback(): HTMLElement | null | undefined {
    const textarea = this.#el.renderRoot.querySelector<HTMLTextAreaElement>('textarea');
    return textarea && !textarea.disabled ? textarea : this.#log;
  }

  /**
   * The reader moves up (wheel, arrow, Page Up, Home): unpin before the scroll lands, so a
   * re-render meanwhile cannot pull the view back to the newest message.
   */
  #onScrollIntent = (e: WheelEvent | KeyboardEvent): void => {
    const up = e instanceof WheelEvent ? e.deltaY < 0 : e.key === 'ArrowUp' || e.key === 'PageUp' || e.key === 'Home';
    if (!up || !this.#pinned) return;
    this.#pinned = false;
    this.#el.requestUpdate();
  };

  #jump = (): void => {
    this.#pinned = true;
    this.#newCount = 0;
    this.#el.requestUpdate();
    this.#markReadIfSeen();
    this.#el.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.focus();
  };

  render() {
    const s = this.#s;
    const flag = this.#flag.value;
    return html`
      ${flag ? renderFlagContext(flag, s.context, { scrolls: true }) : nothing}
      <div
        class="log"
        part="log"
        role="log"
        aria-label=${s.logLabel(flag, flag?.agent.id === this.#host.client()?.me.id)}
        tabindex="0"
        @scroll=${this.#onScroll}
        @wheel=${this.#onScrollIntent}
        @keydown=${this.#onScrollIntent}
      >
        ${this.#window.render(this.#timeline.value, (item) => this.#renderItem(item))}
      </div>
      ${this.#newCount > 0 ? html`<button class="jump" @click=${this.#jump}>${s.newMessages(this.#newCount)}</button>` : nothing}
      ${this.#host.renderConnection(s.offline)} ${this.#host.renderFailure()}
      ${this.#picker.render(s.canned, { pick: this.#insert, keydown: this.#onListKey, focusout: this.#onPickerFocusOut, manage: this.#manage })}
      ${this.#renderComposer(flag)}
      ${this.#picker.enabled ? this.#editor.render(s.canned, this.#host.client(), this.#picker.lists, (e) => this.#host.errorText(e)) : nothing}
    `;
  }

  #renderItem(item: TimelineItem) {
    const s = this.#s;
    const { event } = item;
    const time = html`<time datetime=${new Date(event.at).toISOString()}>${formatTime(event.at, this.#host.lang())}</time>`;
    if (event.type !== 'message') {
      return html`<div class="item system" data-type=${event.type}>${s.systemLine(event)} · ${time}</div>`;
    }
    const mine = event.actor.id === this.#host.client()?.me.id;
    return html`
      <div class="item message ${mine ? 'mine' : ''}" data-state=${item.state}>
        <div class="meta"><span class="author one-line" dir="auto" title=${event.actor.name}>${event.actor.name}</span>${time}</div>
        <div class="bubble"><p class="text" dir="auto">${event.text}</p></div>
        ${this.#renderDelivery(item, mine)}
      </div>
    `;
  }

  #renderDelivery(item: TimelineItem, mine: boolean) {
    const s = this.#s;
    const commandId = item.commandId;
    if (item.state === 'failed' && commandId)
      return html`<div class="delivery failed">
        ${s.failed(item.error ? this.#host.errorText(item.error) : '')}
        <button class="retry" @click=${() => this.#host.perform('retry-message', this.#el.flagId, (c) => c.retryMessage(commandId), false)}>${s.retry}</button>
        <button class="discard" @click=${() => this.#host.client()?.discardMessage(commandId)}>${s.discard}</button>
      </div>`;
    if (item.state === 'sending') return html`<div class="delivery">${s.sending}</div>`;
    return mine ? html`<div class="delivery">${s.sent}</div>` : nothing;
  }

  #renderComposer(flag: Flag | undefined) {
    const s = this.#s;
    const client = this.#host.client();
    const view = flag && client ? client.present(flag) : undefined;
    const max = (view ?? client?.config ?? DEFAULT_CONFIG).limits.messageLength;
    const readOnly = !this.#el.flagId ? s.noFlag : !view ? s.unknownFlag : view.actions.has('send-message') ? '' : s.readOnly(view.flag);
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
          .value=${this.#draft}
          @input=${this.#onInput}
          @keydown=${this.#onKey}
          @blur=${this.#onPickerFocusOut}
        ></textarea>
        <div class="actions">
          ${canned
            ? html`<button class="canned-open" aria-haspopup="listbox" aria-expanded=${picker.mode === 'button' ? 'true' : 'false'} @click=${this.#openPicker}>${s.canned.open}</button>`
            : nothing}
          <button class="primary send" ?disabled=${!!readOnly || this.#draft.trim() === ''} @click=${this.#send}>${s.send}</button>
        </div>
        <div id="counter" class="counter muted">${s.counter(this.#draft.length, max)}</div>
        ${canned ? html`<p class="visually-hidden" role="status">${picker.status(s.canned)}</p>` : nothing}
      </div>
    `;
  }

  #onInput = (e: Event): void => {
    this.#draft = (e.target as HTMLTextAreaElement).value;
    if (this.#picker.enabled) this.#picker.input(this.#draft);
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
    const stays = !!to && (!!this.#el.renderRoot.querySelector('.canned')?.contains(to) || to.classList.contains('canned-open') || (this.#picker.mode === 'slash' && to.localName === 'textarea'));
    if (this.#picker.mode && !stays) this.#picker.close();
  };

  #openPicker = (): void => {
    this.#picker.openFromButton();
    if (this.#picker.mode) this.#focusAfterUpdate(`#${LIST_ID}, .canned .manage`);
  };

  #manage = (): void => {
    this.#picker.close();
    const dialog = this.#el.renderRoot.querySelector<HTMLDialogElement>(`#${EDITOR_ID}`);
    // The dialog would give focus back to Edit quick replies, which left with the list: back to the list's button.
    dialog?.addEventListener('close', () => this.#focusAfterUpdate('.canned-open'), { once: true });
    this.#editor.open(dialog);
  };

  /** A canned reply, placeholders filled from the flag: replaces the `/…` typed, or goes in at the caret. */
  #insert = (entry: CannedEntry): void => {
    const flag = this.#flag.value;
    const client = this.#host.client();
    if (!flag || !client) return;
    const text = fillPlaceholders(entry.reply.text, flag, client.me);
    const textarea = this.#el.renderRoot.querySelector('textarea');
    if (this.#picker.mode === 'slash' || !textarea) this.#draft = text;
    else this.#draft = this.#draft.slice(0, textarea.selectionStart) + text + this.#draft.slice(textarea.selectionEnd);
    this.#picker.close();
    this.#focusAfterUpdate('textarea');
  };

  #focusAfterUpdate(selector: string): void {
    void this.#el.updateComplete.then(() => this.#el.renderRoot.querySelector<HTMLElement>(selector)?.focus());
  }

  #send = async (): Promise<void> => {
    const text = this.#draft;
    const flagId = this.#el.flagId;
    if (text.trim() === '') return;
    // The message shows at once as "sending"; a failure stays in the log with Retry.
    this.#draft = '';
    this.#pinned = true;
    await this.#host.perform('send-message', flagId, (c) => c.sendMessage(flagId, text), false);
  };
}
