import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { presentFlag, CHANNELS, type Channel, type Command, type Flag } from '@flagline/core';
import { FlagJoinEvent, FlagOpenChatEvent } from '../internal/events.js';
import { renderFlagContext } from '../internal/context-view.js';
import { FlaglineElement } from '../internal/flagline-element.js';
import { formatWaiting } from '../internal/format.js';
import { ListWindow } from '../internal/list-window.js';
import { channelIcon } from '../internal/icons.js';
import { StoreController } from '../internal/subscription.js';
import { chime, notificationsSupported, SoundLimiter } from './alerts.js';
import { raisedFlagsWidgetStyles } from './raised-flags-widget.styles.js';
import { defaultRaisedFlagsWidgetStrings, type RaisedFlagsWidgetStrings } from './strings.js';

/** How long a new or escalated flag stays highlighted. */
const HIGHLIGHT_MS = 6000;

/**
 * The supervisor's wallboard: every open flag of their teams, urgent first then longest waiting,
 * with one-click Acknowledge, Open chat, Join and Lower. New and escalated flags are highlighted
 * and announced; sound and desktop notifications are opt-in. Virtualized for thousands of flags.
 *
 * @summary The supervisor's wallboard: every open flag, alerts, one-click actions.
 *
 * @fires {FlagJoinEvent} flag-join - Join pressed (cancelable). Unless prevented the widget accepts the join; `join-accepted` follows.
 * @fires {FlagOpenChatEvent} flag-open-chat - Open chat pressed (cancelable). Unless prevented the chat opens beside the list.
 * @fires {FlagErrorEvent} flag-error - A command the supervisor started failed; the message also shows on the row.
 * @fires {FlagStateEvent} flag-raised - A flag was raised (any flag this supervisor sees).
 * @fires {FlagStateEvent} flag-acknowledged - A supervisor acknowledged a flag.
 * @fires {FlagStateEvent} flag-escalated - A flag escalated (nobody acknowledged it in time).
 * @fires {FlagStateEvent} flag-lowered - A flag was lowered.
 * @fires {FlagStateEvent} join-requested - An agent asked for a supervisor to join.
 * @fires {FlagStateEvent} join-accepted - A supervisor accepted a join: the host's cue to barge in.
 * @fires {FlagStateEvent} join-declined - A supervisor declined a join.
 * @fires {FlagStateEvent} join-cancelled - An agent cancelled a join request.
 * @fires {FlagStateEvent} message-received - Someone else wrote on a flag, `event.text`.
 * @fires {TranscriptEntryEvent} transcript-entry - Every confirmed event of those flags, as a transcript line.
 * @csspart list - The scrolling list of flags (`role="list"`).
 * @csspart row - One flag.
 * @csspart context - A row's shared conversation (summary and last turns), shown with "Show conversation".
 * @csspart chat - The chat panel beside the list.
 * @csspart error - A failed command's message.
 * @csspart connection - The offline notice.
 * @cssprop [--flagline-widget-height=32rem] - Height of the list; the inline chat panel follows it.
 *
 * @tagname raised-flags-widget
 */
export class RaisedFlagsWidget extends FlaglineElement {
  static override styles = raisedFlagsWidgetStyles;

  /** Show only this team's flags (empty: every team). */
  @property() team = '';
  /** Show only this channel's flags (empty: every channel). */
  @property() channel: Channel | '' = '';
  /** Play a chime on new and escalated flags (at most one per second). */
  @property({ type: Boolean }) sound = false;
  /** Silence the chime; the supervisor toggles it with the mute button. */
  @property({ type: Boolean, reflect: true }) muted = false;
  /** Offer desktop notifications (permission is asked only when the supervisor clicks). */
  @property({ type: Boolean }) notifications = false;
  /** Overrides for any visible string. */
  @property({ attribute: false }) strings: Partial<RaisedFlagsWidgetStrings> = {};
  /** The flag whose chat the host shows (its row is marked current); the widget's own chat panel marks its flag too. */
  @property({ attribute: 'selected-flag-id' }) selectedFlagId = '';
  /** The sound to play; replace it to use the host's own. */
  @property({ attribute: false }) playSound: () => void = chime;

  @state() private now = Date.now();
  @state() private chatFlagId: string | undefined;
  @state() private announcement = '';
  @state() private highlighted: ReadonlySet<string> = new Set();
  /** Rows whose shared conversation is shown. */
  @state() private expanded: ReadonlySet<string> = new Set();

  readonly #open = new StoreController<readonly Flag[]>(this, []);
  readonly #unread = new StoreController<ReadonlyMap<string, number>>(this, new Map());
  readonly #busy = new StoreController<ReadonlyMap<string, readonly Command['type'][]>>(this, new Map());
  readonly #sound = new SoundLimiter(() => this.playSound());
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #clock: ReturnType<typeof setInterval> | undefined;
  /** Only the rows near the visible part of the list are in the DOM. */
  readonly #window = new ListWindow<Flag>(this, {
    scroller: () => this.renderRoot.querySelector<HTMLElement>('.list'),
    key: (flag) => flag.id,
    estimate: 120,
  });

  /** The row that last held focus, to land on its neighbour if it leaves the list. */
  #focusedRow: { id: string; index: number } | undefined;

  constructor() {
    super();
    this.relayFlagEvents(() => true);
    this.subscribeClient((client) =>
      client.on('event', ({ event, flag, live }) => {
        if (live && (event.type === 'raised' || event.type === 'escalated')) this.#alert(flag, event.type);
      }),
    );
  }

  private get s(): RaisedFlagsWidgetStrings {
    return { ...(this.localized.messages?.raisedFlagsWidget ?? defaultRaisedFlagsWidgetStrings), ...this.strings };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.now = Date.now();
    this.#clock = setInterval(() => (this.now = Date.now()), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const client = this.activeClient;
    this.#open.store = client?.$openFlags;
    this.#unread.store = client?.$unread;
    this.#busy.store = client?.$busy;
  }

  /** The flags shown: filtered, urgent first, then longest waiting (the client's order). */
  private get rows(): Flag[] {
    const shown = this.#open.value.filter((f) => (!this.team || f.team === this.team) && (!this.channel || f.channel === this.channel));
    return [...shown.filter((f) => f.severity === 'urgent'), ...shown.filter((f) => f.severity !== 'urgent')];
  }

  #alert(flag: Flag, kind: 'raised' | 'escalated'): void {
    const s = this.s;
    const text = kind === 'raised' ? s.announceRaised(flag) : s.announceEscalated(flag);
    this.announcement = text;
    this.highlighted = new Set([...this.highlighted, flag.id]);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      const next = new Set(this.highlighted);
      next.delete(flag.id);
      this.highlighted = next;
    }, HIGHLIGHT_MS);
    this.#timers.add(timer);
    if (this.sound && !this.muted) this.#sound.ring();
    if (this.notifications && notificationsSupported() && Notification.permission === 'granted')
      new Notification(text, { body: flag.message, tag: flag.id });
  }

  #askNotifications = async (): Promise<void> => {
    await Notification.requestPermission();
    this.requestUpdate();
  };

  protected override focusMoved(target: HTMLElement): void {
    const row = target.closest<HTMLElement>('[role="listitem"]');
    if (row) this.#focusedRow = { id: row.dataset.flagId ?? '', index: Number(row.getAttribute('aria-posinset')) - 1 };
  }

  protected override focusFallback(): HTMLElement | null | undefined {
    const root = this.renderRoot;
    const seen = this.#focusedRow;
    const rows = this.rows;
    const rendered = [...root.querySelectorAll<HTMLElement>('[role="listitem"]')];
    const same = rendered.find((r) => r.dataset.flagId === seen?.id);
    // The button left but the row is here (e.g. Acknowledge done): stay on the row.
    if (same) return same.querySelector<HTMLElement>('.open-chat');
    // Scrolled out of the rendered window, not gone: hold focus on the list meanwhile.
    if (seen && rows.some((f) => f.id === seen.id)) return root.querySelector<HTMLElement>('.list');
    const index = Math.min(seen?.index ?? 0, rows.length - 1);
    const row = rendered.find((r) => Number(r.getAttribute('aria-posinset')) - 1 === index);
    return row?.querySelector<HTMLElement>('.open-chat') ?? root.querySelector<HTMLElement>('h2');
  }

  #toggleContext(flagId: string): void {
    const next = new Set(this.expanded);
    if (!next.delete(flagId)) next.add(flagId);
    this.expanded = next;
  }

  #join(flag: Flag): void {
    if (!this.dispatchEvent(new FlagJoinEvent(flag))) return;
    void this.perform('accept-join', flag.id, (c) => c.acceptJoin(flag.id));
  }

  async #openChat(flag: Flag): Promise<void> {
    if (!this.dispatchEvent(new FlagOpenChatEvent(flag))) return;
    this.chatFlagId = flag.id;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.chat-panel .close')?.focus();
  }

  async #closeChat(): Promise<void> {
    const id = this.chatFlagId;
    this.chatFlagId = undefined;
    await this.updateComplete;
    // Back to the row's Open chat button; if that flag is gone, to the list.
    const back = this.renderRoot.querySelector<HTMLElement>(`[data-flag-id="${CSS.escape(id ?? '')}"] .open-chat`);
    (back ?? this.renderRoot.querySelector<HTMLElement>('.list'))?.focus();
  }

  protected override render() {
    const s = this.s;
    const rows = this.rows;
    return html`
      <header>
        <h2 tabindex="-1">${s.title} <span class="count">${s.count(rows.length)}</span></h2>
        ${this.#renderFilters()}
        ${this.sound
          ? html`<button class="mute" aria-pressed=${this.muted ? 'true' : 'false'} @click=${() => (this.muted = !this.muted)}>${this.muted ? s.unmute : s.mute}</button>`
          : nothing}
        ${this.notifications && notificationsSupported() && Notification.permission === 'default'
          ? html`<button class="notify" @click=${this.#askNotifications}>${s.enableNotifications}</button>`
          : nothing}
      </header>
      ${this.renderConnection(s.offline)} ${this.renderFailure((failure) => !rows.some((f) => f.id === failure.flagId))}
      <div class="body">
        ${rows.length === 0 ? html`<p class="empty muted">${s.empty}</p>` : nothing}
        <div class="list" part="list" role="list" aria-label=${s.listLabel} tabindex="-1" ?hidden=${rows.length === 0}>
          ${this.#window.render(rows, (flag, index) => this.#renderRow(flag, index, rows.length))}
        </div>
        ${this.#renderChat()}
      </div>
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    `;
  }

  #renderFilters() {
    const s = this.s;
    const teams = [...new Set([...(this.activeClient?.me.teams ?? []), ...this.#open.value.map((f) => f.team)])];
    return html`
      <label>${s.teamFilter}
        <select class="team-filter" title=${this.team || s.allTeams} @change=${(e: Event) => (this.team = (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${!this.team}>${s.allTeams}</option>
          ${teams.map((t) => html`<option value=${t} ?selected=${t === this.team}>${t}</option>`)}
        </select>
      </label>
      <label>${s.channelFilter}
        <select class="channel-filter" @change=${(e: Event) => (this.channel = (e.target as HTMLSelectElement).value as Channel | '')}>
          <option value="" ?selected=${!this.channel}>${s.allChannels}</option>
          ${CHANNELS.map((c) => html`<option value=${c} ?selected=${c === this.channel}>${s.channels[c]}</option>`)}
        </select>
      </label>
    `;
  }

  #renderRow(flag: Flag, index: number, size: number) {
    const s = this.s;
    const unread = this.#unread.value.get(flag.id) ?? 0;
    const client = this.activeClient!;
    // Offer only what the rules allow this supervisor now (e.g. Join only to whoever acknowledged).
    const { actions: allowed, busy } = presentFlag(flag, client.me, client.config, this.#busy.value.get(flag.id));
    const who = `who-${flag.id}`;
    const age = (since: number | undefined) => formatWaiting(this.now - (since ?? flag.raisedAt), this.localized.lang);
    // What the flag is waiting on now, and for how long: one line, so a glance across the room reads it.
    const stateLine =
      flag.join === 'accepted' && flag.joinBy
        ? s.joined(flag.joinBy.name, age(flag.joinAt))
        : flag.acknowledgedBy
          ? s.acknowledgedBy(flag.acknowledgedBy.name, age(flag.acknowledgedAt))
          : s.waiting(age(flag.raisedAt));
    const current = flag.id === (this.chatFlagId ?? this.selectedFlagId);
    const phase = flag.join === 'accepted' ? 'joined' : flag.acknowledgedBy ? 'acknowledged' : 'waiting';
    const expanded = flag.context !== undefined && this.expanded.has(flag.id);
    return html`
      <div
        class="row ${this.highlighted.has(flag.id) ? 'highlight' : ''}"
        part="row"
        role="listitem"
        aria-current=${current ? 'true' : nothing}
        aria-setsize=${size}
        aria-posinset=${index + 1}
        data-flag-id=${flag.id}
        data-severity=${flag.severity}
        data-state=${phase}
      >
        <div class="who" id=${who}>
          <span class="agent one-line" dir="auto" title=${flag.agent.name}>${flag.agent.name}</span>
          <span class="channel">${channelIcon(flag.channel)}<span>${s.channels[flag.channel]}</span></span>
          ${flag.customerLabel ? html`<span class="customer one-line" dir="auto" title=${flag.customerLabel}>${flag.customerLabel}</span>` : nothing}
          <span class="state one-line" data-state=${phase} title=${stateLine}>${stateLine}</span>
        </div>
        <p class="preview" dir="auto">${flag.message}</p>
        ${flag.reason ? html`<p class="reason muted" dir="auto">${s.reason(flag.reason)}</p>` : nothing}
        <div class="marks">
          ${flag.severity === 'urgent' ? html`<span class="mark urgent">${s.urgent}</span>` : nothing}
          ${flag.automatic ? html`<span class="mark automatic" title=${s.context.automatic(flag.automatic.ruleName)}>${s.automatic}</span>` : nothing}
          ${flag.escalation > 0 ? html`<span class="mark escalated">${s.escalated}</span>` : nothing}
          ${flag.join === 'requested' ? html`<span class="mark join">${s.joinRequested}</span>` : nothing}
          ${unread > 0 ? html`<span class="mark unread">${s.unread(unread)}</span>` : nothing}
        </div>
        <div class="actions">
          ${allowed.has('acknowledge')
            ? html`<button class="acknowledge primary" aria-describedby=${who} ?disabled=${busy.has('acknowledge')}
                @click=${() => this.perform('acknowledge', flag.id, (c) => c.acknowledge(flag.id))}>${s.acknowledge}</button>`
            : nothing}
          <button class="open-chat" aria-describedby=${who} @click=${() => this.#openChat(flag)}>${s.openChat}</button>
          ${flag.context
            ? html`<button class="toggle-context" aria-describedby=${who} aria-expanded=${expanded ? 'true' : 'false'}
                aria-controls=${expanded ? `context-${flag.id}` : nothing} @click=${() => this.#toggleContext(flag.id)}>${expanded ? s.hideContext : s.showContext}</button>`
            : nothing}
          ${allowed.has('accept-join')
            ? html`<button class="join" aria-describedby=${who} ?disabled=${busy.has('accept-join')} @click=${() => this.#join(flag)}>${s.join}</button>
                <button class="decline" aria-describedby=${who} ?disabled=${busy.has('decline-join')}
                  @click=${() => this.perform('decline-join', flag.id, (c) => c.declineJoin(flag.id))}>${s.decline}</button>`
            : nothing}
          ${allowed.has('lower')
            ? html`<button class="lower" aria-describedby=${who} ?disabled=${busy.has('lower')}
                @click=${() => this.perform('lower', flag.id, (c) => c.lower(flag.id))}>${s.lower}</button>`
            : nothing}
        </div>
        ${expanded ? renderFlagContext(flag, s.context, { id: `context-${flag.id}` }) : nothing}
        ${this.renderFailure((f) => f.flagId === flag.id)}
      </div>
    `;
  }

  #renderChat() {
    const id = this.chatFlagId;
    if (!id) return nothing;
    const flag = this.activeClient?.flag(id).get();
    return html`
      <section class="chat-panel" part="chat" aria-labelledby="chat-title">
        <div class="chat-head">
          <h3 id="chat-title" class="one-line" dir="auto" title=${flag ? this.s.chatTitle(flag) : ''}>${flag ? this.s.chatTitle(flag) : ''}</h3>
          <button class="close" @click=${() => this.#closeChat()}>${this.s.closeChat}</button>
        </div>
        <supervisor-chat .client=${this.activeClient} flag-id=${id} quiet theme=${this.theme ?? nothing}></supervisor-chat>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'raised-flags-widget': RaisedFlagsWidget;
  }
}
