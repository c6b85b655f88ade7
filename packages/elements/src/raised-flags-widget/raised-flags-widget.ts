import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { AlertSettings, Channel, Clock, Command, Flag, FlagError, FlagEvent, PresenceView, SupervisorStatus } from '@flagline/core';
import { CHANNELS, SYSTEM_CLOCK } from '@flagline/core/view';
import { AlertSettingsChangeEvent, FlagErrorEvent, FlagJoinEvent, FlagOpenChatEvent } from '../internal/events.js';
import { renderFlagContext } from '../internal/context-view.js';
import { isSubmitKey } from '../internal/composer-keys.js';
import { FlaglineElement } from '../internal/flagline-element.js';
import { formatWaiting } from '../internal/format.js';
import { ListWindow } from '../internal/list-window.js';
import { OncePerFrame } from '../internal/once-per-frame.js';
import { channelIcon } from '../internal/icons.js';
import { StoreController } from '../internal/subscription.js';
import { chatPart } from '../supervisor-chat/supervisor-chat.js';
import { chime } from './alerts.js';
import { WidgetAlerts } from './widget-alerts.js';
import { boardItems, SimilarGroups, type BoardItem, type GroupSimilar } from './similar-groups.js';
import { HandoffDialog, renderTransfer, transferAnnouncement, type HandoffTargets } from './handoff.js';
import { raisedFlagsWidgetStyles } from './raised-flags-widget.styles.js';
import { renderStatusSelect } from './status-select.js';
import { defaultRaisedFlagsWidgetStrings, type RaisedFlagsWidgetStrings } from './strings.js';

/** How long a new or escalated flag stays highlighted. */
const HIGHLIGHT_MS = 6000;

/** More alerts than this in one frame are announced as their count. */
const ANNOUNCED_ONE_BY_ONE = 3;
/**
 * How long the live region keeps what it announced: long enough to be read out, then empty, so a
 * screen-reader user who browses the page later meets no stale news (react-aria's announcer: 7 s).
 */
const ANNOUNCEMENT_KEPT_MS = 7_000;

/**
 * What the agent did on a flag this supervisor handles (acknowledged it, or nobody has yet) that
 * the row alone would tell only by sight: asked them to join, lowered it (the row then leaves).
 */
function agentAnnouncement(event: FlagEvent, flag: Flag, me: string, s: RaisedFlagsWidgetStrings): string | undefined {
  if (event.actor.id !== flag.agent.id || (flag.acknowledgedBy && flag.acknowledgedBy.id !== me)) return undefined;
  if (event.type === 'join-requested') return s.announceJoinRequested(flag);
  if (event.type === 'lowered' && event.cause === 'agent') return s.announceLoweredByAgent(flag);
  return undefined;
}

/**
 * The supervisor's wallboard: every open flag of their teams, urgent first then longest waiting,
 * with one-click Acknowledge, Open chat, Join and Lower. New and escalated flags are highlighted
 * and announced; sound and desktop notifications are opt-in and repeat while a flag waits for an
 * answer (the supervisor's Alert settings); missed flags are listed. Virtualized for thousands of flags,
 * and rendered at most once per animation frame however many events arrive.
 *
 * @summary The supervisor's wallboard: every open flag, alerts, one-click actions.
 *
 * @fires {FlagJoinEvent} flag-join - Join pressed (cancelable). Unless prevented the widget accepts the join; `join-accepted` follows.
 * @fires {FlagOpenChatEvent} flag-open-chat - Open chat pressed (cancelable). Unless prevented the chat opens beside the list.
 * @fires {FlagErrorEvent} flag-error - A command the supervisor started failed; the message also shows on the row. Also for alerts: `service-worker` (could not register), `notify`, `alert-settings` (could not save).
 * @fires {AlertSettingsChangeEvent} alert-settings-change - The supervisor changed their alert settings (`settings` in force, `chosen`).
 * @fires {FlagStateEvent} flag-raised - A flag was raised (any flag this supervisor sees).
 * @fires {FlagStateEvent} flag-acknowledged - A supervisor acknowledged a flag.
 * @fires {FlagStateEvent} flag-escalated - A flag escalated (nobody acknowledged it in time).
 * @fires {FlagStateEvent} flag-lowered - A flag was lowered.
 * @fires {FlagStateEvent} join-requested - An agent asked for a supervisor to join.
 * @fires {FlagStateEvent} join-accepted - A supervisor accepted a join: the host's cue to barge in.
 * @fires {FlagStateEvent} join-declined - A supervisor declined a join.
 * @fires {FlagStateEvent} join-cancelled - An agent cancelled a join request.
 * @fires {FlagStateEvent} flag-assigned - The host transferred a flag's interaction to another agent.
 * @fires {FlagStateEvent} flag-offered - Offer routing offered a flag to one supervisor (`event.to`, `event.until`); announced to them once.
 * @fires {FlagStateEvent} flag-offer-ended - Offer routing ran out of supervisors: the whole team may take the flag.
 * @fires {FlagStateEvent} message-received - Someone else wrote on a flag, `event.text`.
 * @fires {FlagStateEvent} transfer-offered - A supervisor offered a flag to another (`event.to`).
 * @fires {FlagStateEvent} transfer-accepted - The receiver took the flag over.
 * @fires {FlagStateEvent} transfer-declined - The receiver declined; the flag stays with the one who offered it.
 * @fires {FlagStateEvent} transfer-expired - Nobody accepted the offer in time: the flag is back in its team's queue.
 * @fires {FlagStateEvent} flag-handed-back - The supervisor helping handed the flag back to its team's queue.
 * @fires {TranscriptEntryEvent} transcript-entry - Every confirmed event of those flags, as a transcript line.
 * @csspart list - The scrolling list of flags (`role="list"`).
 * @csspart row - One flag.
 * @csspart group - Similar flags shown together (with `groupSimilar`): one reply to all, acknowledge or lower all.
 * @csspart context - A row's shared conversation (summary and last turns), shown with "Show conversation".
 * @csspart chat - The chat panel beside the list.
 * @csspart error - A failed command's message.
 * @csspart connection - The offline notice.
 * @csspart alert-settings - The Alert settings popover.
 * @csspart missed - The list of missed flags.
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
  /** Offer the sound: a chime on new and escalated flags (at most one a second), again while they wait. The supervisor turns it off in Alert settings. */
  @property({ type: Boolean }) sound = false;
  /** Offer desktop notifications (permission is asked only when the supervisor turns them on in Alert settings). */
  @property({ type: Boolean }) notifications = false;
  /** How often an unanswered flag alerts again, by default (the supervisor may choose another; core holds it to 5 s – 30 min). */
  @property({ type: Number, attribute: 'alert-repeat-ms' }) alertRepeatMs: number | undefined;
  /** How many times an unanswered flag alerts again, by default (0: never; at most 20). */
  @property({ type: Number, attribute: 'alert-max-repeats' }) alertMaxRepeats: number | undefined;
  /** URL of Flagline's service worker (`flagline-sw.js`, same origin, its scope covering this page): notifications come from it, and a click focuses this page, or opens it, on that flag. */
  @property({ attribute: 'service-worker' }) serviceWorker = '';
  /** While the page is hidden, show in its title and favicon how many flags wait for an answer. One widget per page. */
  @property({ type: Boolean, attribute: 'badge-title' }) badgeTitle = false;
  /** The clock alerts repeat by (default: the system's); tests pass one they move by hand. */
  @property({ attribute: false }) clock: Clock = SYSTEM_CLOCK;
  /** Overrides for any visible string. */
  @property({ attribute: false }) strings: Partial<RaisedFlagsWidgetStrings> = {};
  /** The flag whose chat the host shows (its row is marked current); the widget's own chat panel marks its flag too. */
  @property({ attribute: 'selected-flag-id' }) selectedFlagId = '';
  /** The sound to play; replace it to use the host's own. */
  @property({ attribute: false }) playSound: () => void = chime;
  /**
   * Groups similar open flags (an outage: six agents' "payment page down") into one row with one
   * reply to all and acknowledge or lower all: pass `groupSimilarFlags` from
   * `@flagline/core/automation` (or your own). Run at most once a second. Unset: no grouping.
   */
  @property({ attribute: false }) groupSimilar: GroupSimilar | undefined;
  /**
   * Whom the supervisor may hand a flag to: the supervisors online in its team (e.g. from the
   * relay's `GET /api/presence/:team`). Unset: the hand-off dialog offers only the team queue.
   */
  @property({ attribute: false }) handoffTargets: HandoffTargets | undefined;

  @state() private now = Date.now();
  @state() private chatFlagId: string | undefined;
  /** What the polite live region says: what happened since the previous render. */
  @state() private announcements: readonly string[] = [];
  @state() private highlighted: ReadonlySet<string> = new Set();
  /** Rows whose shared conversation is shown. */
  @state() private expanded: ReadonlySet<string> = new Set();
  /** Groups whose flags are listed. */
  @state() private openGroups: ReadonlySet<string> = new Set();
  /** The group whose reply-to-all composer is open, and its draft. */
  @state() private replying: { key: string; draft: string } | undefined;

  readonly #open = new StoreController<readonly Flag[]>(this, []);
  readonly #unread = new StoreController<ReadonlyMap<string, number>>(this, new Map());
  /** Re-renders when a command starts or ends: `client.present` shows it busy. */
  readonly #busy = new StoreController<ReadonlyMap<string, readonly Command['type'][]>>(this, new Map());
  readonly #alerts = new WidgetAlerts(this, {
    client: () => this.activeClient,
    open: () => this.#open.value,
    strings: () => this.s,
    lang: () => this.localized.lang,
    openFlag: (flag) => void this.#openChat(flag),
    changed: (settings, chosen) => this.dispatchEvent(new AlertSettingsChangeEvent(settings, chosen)),
    report: (error, action, show) => this.#report(error, action, show),
  });
  readonly #presence = new StoreController<PresenceView | null>(this, null);
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #clock: ReturnType<typeof setInterval> | undefined;
  /** Only the rows near the visible part of the list are in the DOM. */
  readonly #window = new ListWindow<BoardItem>(this, {
    scroller: () => this.renderRoot.querySelector<HTMLElement>('.list'),
    key: (item) => (item.kind === 'flag' ? item.flag.id : item.key),
    estimate: 120,
  });
  readonly #groups = new SimilarGroups();
  readonly #handoff = new HandoffDialog(this, {
    targets: () => this.handoffTargets,
    handOff: (flag, to, note) => this.perform('transfer', flag.id, (c) => c.transfer(flag.id, to, note)),
  });
  #regroup: ReturnType<typeof setTimeout> | undefined;
  #announcementsExpire: unknown;

  /** The list's items as last rendered. */
  #shownItems: BoardItem[] = [];
  /** The row that last held focus, to land on its neighbour if it leaves the list. */
  #focusedRow: { id: string; index: number } | undefined;

  constructor() {
    super();
    this.relayFlagEvents(() => true);
    this.subscribeClient((client) =>
      client.on('event', ({ event, flag, live }) => {
        if (live && (event.type === 'raised' || event.type === 'escalated')) this.#alert(flag, event.type);
        const said = live ? (transferAnnouncement(event, flag, client.me.id, this.s) ?? agentAnnouncement(event, flag, client.me.id, this.s)) : undefined;
        if (said) this.#announce(said, flag.id);
        if (live && event.type === 'offered' && event.to.id === client.me.id) this.#alert(flag, 'offered', Math.round((event.until - event.at) / 1000));
      }),
    );
  }

  /**
   * The supervisor's alert settings in force: what they chose (in Alert settings, kept in this
   * browser per supervisor; or what the host sets here, e.g. from the relay) over the
   * `alert-repeat-ms` / `alert-max-repeats` attributes over core's defaults.
   */
  get alertSettings(): AlertSettings {
    return this.#alerts.settings;
  }
  set alertSettings(chosen: Partial<AlertSettings>) {
    const old = this.alertSettings;
    this.#alerts.choose(chosen);
    this.requestUpdate('alertSettings', old);
  }

  readonly #frames = new OncePerFrame();
  /**
   * Alerts (new, escalated, offered flags; the latest per flag: "offered to you" says more than
   * "new flag") and outcomes (of group actions) since the last render, announced together by the next one.
   */
  #unannounced: { alerts: Map<string, string>; outcomes: string[] } = { alerts: new Map(), outcomes: [] };

  /** One render per animation frame: the events of a frame (hundreds a second on a busy floor) share it. */
  protected override async scheduleUpdate(): Promise<void> {
    await this.#frames.wait();
    await super.scheduleUpdate();
  }

  private get s(): RaisedFlagsWidgetStrings {
    return { ...(this.localized.messages?.raisedFlagsWidget ?? defaultRaisedFlagsWidgetStrings), ...this.strings };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.now = Date.now();
    this.#clock = setInterval(() => (this.now = Date.now()), 1000);
    // Chats open from the rows: their body is fetched while nothing else happens.
    chatPart.prefetchWhenIdle();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
    clearTimeout(this.#regroup);
    this.#regroup = undefined;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const client = this.activeClient;
    this.#open.store = client?.$openFlags;
    this.#unread.store = client?.$unread;
    this.#busy.store = client?.$busy;
    this.#presence.store = client?.$presence;
    this.#alerts.update();
    const { alerts, outcomes } = this.#unannounced;
    if (alerts.size + outcomes.length > 0) {
      this.announcements = [...(alerts.size > ANNOUNCED_ONE_BY_ONE ? [this.s.announceMany(alerts.size)] : alerts.values()), ...outcomes];
      this.#unannounced = { alerts: new Map(), outcomes: [] };
      this.clock.clearTimeout(this.#announcementsExpire);
      this.#announcementsExpire = this.clock.setTimeout(() => (this.announcements = []), ANNOUNCEMENT_KEPT_MS);
    }
  }

  #announce(text: string, flagId?: string): void {
    if (flagId === undefined) this.#unannounced.outcomes.push(text);
    else {
      this.#unannounced.alerts.delete(flagId);
      this.#unannounced.alerts.set(flagId, text);
    }
    this.requestUpdate();
  }

  #report(error: FlagError, action: string, show: boolean): void {
    if (show) this.failure = { action, flagId: undefined, error };
    this.dispatchEvent(new FlagErrorEvent(error, action));
  }

  /** The flags shown: filtered, urgent first, then longest waiting (the client's order). */
  private get rows(): Flag[] {
    const shown = this.#open.value.filter((f) => (!this.team || f.team === this.team) && (!this.channel || f.channel === this.channel));
    return [...shown.filter((f) => f.severity === 'urgent'), ...shown.filter((f) => f.severity !== 'urgent')];
  }

  /** The list's items: the rows, similar ones grouped when the host groups them. */
  #items(rows: readonly Flag[]): BoardItem[] {
    if (!this.groupSimilar) return rows.map((flag) => ({ kind: 'flag', flag }));
    const { groups, due } = this.#groups.groups(this.groupSimilar, rows, [this.#open.value, this.team, this.channel, this.groupSimilar], Date.now());
    if (due !== undefined && this.#regroup === undefined)
      this.#regroup = setTimeout(() => {
        this.#regroup = undefined;
        this.requestUpdate();
      }, due - Date.now());
    return boardItems(rows, groups);
  }

  #alert(flag: Flag, kind: 'raised' | 'escalated' | 'offered', seconds = 0): void {
    const s = this.s;
    const text = kind === 'raised' ? s.announceRaised(flag) : kind === 'escalated' ? s.announceEscalated(flag) : s.announceOffered(flag, seconds);
    this.#announce(text, flag.id);
    this.highlighted = new Set([...this.highlighted, flag.id]);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      const next = new Set(this.highlighted);
      next.delete(flag.id);
      this.highlighted = next;
    }, HIGHLIGHT_MS);
    this.#timers.add(timer);
    this.#alerts.started(flag);
  }

  protected override focusMoved(target: HTMLElement): void {
    const row = target.closest<HTMLElement>('[role="listitem"]');
    if (row) this.#focusedRow = { id: row.dataset.flagId ?? row.dataset.groupKey ?? '', index: Number(row.getAttribute('aria-posinset')) - 1 };
  }

  protected override focusFallback(): HTMLElement | null | undefined {
    const root = this.renderRoot;
    const seen = this.#focusedRow;
    const keys = this.#shownItems.map((item) => (item.kind === 'flag' ? item.flag.id : item.key));
    const rendered = [...root.querySelectorAll<HTMLElement>('.list > [role="listitem"]')];
    const first = (row: HTMLElement | undefined) => row?.querySelector<HTMLElement>('.open-chat, .toggle-group');
    const same = [...root.querySelectorAll<HTMLElement>('[role="listitem"]')].find((r) => (r.dataset.flagId ?? r.dataset.groupKey) === seen?.id);
    // The button left but the row is here (e.g. Acknowledge done): stay on the row.
    if (same) return first(same);
    // Scrolled out of the rendered window, not gone: hold focus on the list meanwhile.
    if (seen && keys.includes(seen.id)) return root.querySelector<HTMLElement>('.list');
    const index = Math.min(seen?.index ?? 0, keys.length - 1);
    return first(rendered.find((r) => Number(r.getAttribute('aria-posinset')) - 1 === index)) ?? root.querySelector<HTMLElement>('h2');
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
    const items = (this.#shownItems = this.#items(rows));
    return html`
      <header>
        <h2 tabindex="-1">${s.title} <span class="count">${s.count(rows.length)}</span></h2>
        ${this.#renderFilters()}
        ${renderStatusSelect(this.#presence.value, s, (status: SupervisorStatus) => void this.perform('set-status', undefined, (c) => c.setStatus(status)))}
        ${this.#alerts.renderMissedToggle(this.now)} ${this.#alerts.renderSettings() ?? nothing}
      </header>
      ${this.#alerts.renderMissed(this.now)}
      ${this.renderConnection(s.offline)} ${this.renderFailure((failure) => !rows.some((f) => f.id === failure.flagId))}
      <div class="body">
        ${rows.length === 0 ? html`<p class="empty muted">${s.empty}</p>` : nothing}
        <div class="list" part="list" role="list" aria-label=${s.listLabel} tabindex="-1" ?hidden=${rows.length === 0}>
          ${this.#window.render(items, (item, index) =>
            item.kind === 'flag' ? this.#renderRow(item.flag, index, items.length) : this.#renderGroup(item, index, items.length),
          )}
        </div>
        ${this.#renderChat()}
      </div>
      ${this.#handoff.render(s, this.activeClient?.config.limits.messageLength ?? 0)}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcements.map((text) => html`<p>${text}</p>`)}</div>
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
    const view = client.present(flag);
    const { actions: allowed, busy, offer } = view;
    const who = `who-${flag.id}`;
    const age = (since: number | undefined) => formatWaiting(this.now - (since ?? flag.raisedAt), this.localized.lang);
    // What the flag is waiting on now, and for how long: one line, so a glance across the room reads it.
    const left = offer ? Math.max(0, Math.ceil((offer.until - this.now) / 1000)) : 0;
    const stateLine = offer
      ? offer.toMe
        ? s.offeredToYou(left)
        : s.offeredTo(offer.to.name, left)
      : flag.join === 'accepted' && flag.joinBy
        ? s.joined(flag.joinBy.name, age(flag.joinAt))
        : flag.acknowledgedBy
          ? s.acknowledgedBy(flag.acknowledgedBy.name, age(flag.acknowledgedAt))
          : s.waiting(age(flag.raisedAt));
    const current = flag.id === (this.chatFlagId ?? this.selectedFlagId);
    const phase = offer ? (offer.toMe ? 'offered-to-me' : 'offered') : flag.join === 'accepted' ? 'joined' : flag.acknowledgedBy ? 'acknowledged' : 'waiting';
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
          <span class="state" data-state=${phase} title=${stateLine}>${stateLine}</span>
        </div>
        <p class="preview" dir="auto">${flag.message}</p>
        ${flag.reason ? html`<p class="reason muted" dir="auto">${s.reason(flag.reason)}</p>` : nothing}
        <div class="marks">
          ${flag.severity === 'urgent' ? html`<span class="mark urgent">${s.urgent}</span>` : nothing}
          ${flag.checkInBy ? html`<span class="mark check-in">${s.checkIn}</span>` : nothing}
          ${flag.automatic ? html`<span class="mark automatic" title=${s.context.automatic(flag.automatic.ruleName)}>${s.automatic}</span>` : nothing}
          ${flag.escalation > 0 ? html`<span class="mark escalated">${s.escalated}</span>` : nothing}
          ${flag.join === 'requested' ? html`<span class="mark join">${s.joinRequested}</span>` : nothing}
          ${unread > 0 ? html`<span class="mark unread">${s.unread(unread)}</span>` : nothing}
        </div>
        ${renderTransfer(view, s)}
        <div class="actions">
          ${allowed.has('accept-transfer')
            ? html`<button class="accept-transfer primary" aria-describedby=${who} ?disabled=${busy.has('accept-transfer')}
                @click=${() => this.perform('accept-transfer', flag.id, (c) => c.acceptTransfer(flag.id))}>${s.acceptTransfer}</button>
              <button class="decline-transfer" aria-describedby=${who} ?disabled=${busy.has('decline-transfer')}
                @click=${() => this.perform('decline-transfer', flag.id, (c) => c.declineTransfer(flag.id))}>${s.declineTransfer}</button>`
            : nothing}
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
          ${allowed.has('transfer')
            ? html`<button class="hand-off" aria-describedby=${who} aria-haspopup="dialog" ?disabled=${busy.has('transfer')}
                @click=${() => void this.#handoff.open(flag, client.me.id)}>${s.handOff}</button>`
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

  /** Similar flags as one row: one reply to all (a message on each flag), acknowledge all, lower all; its flags on demand. */
  #renderGroup(group: Extract<BoardItem, { kind: 'group' }>, index: number, size: number) {
    const s = this.s;
    const client = this.activeClient!;
    const able = (action: 'acknowledge' | 'lower' | 'send-message') =>
      group.flags.filter((f) => client.present(f).actions.has(action)).map((f) => f.id);
    const [acknowledgeable, lowerable, writable] = [able('acknowledge'), able('lower'), able('send-message')];
    const open = this.openGroups.has(group.key);
    const reply = this.replying?.key === group.key ? this.replying : undefined;
    const title = `title-${group.key}`;
    const toggle = (set: ReadonlySet<string>) => {
      const next = new Set(set);
      if (!next.delete(group.key)) next.add(group.key);
      return next;
    };
    return html`
      <div class="row group" part="row group" role="listitem" aria-labelledby=${title} aria-setsize=${size} aria-posinset=${index + 1} data-group-key=${group.key}>
        <h3 class="group-title" id=${title} dir="auto">${s.groupTitle(group.flags.length, group.label)}</h3>
        <p class="group-agents muted" dir="auto">${group.flags.map((f) => f.agent.name).join(', ')}</p>
        <div class="actions">
          ${writable.length > 0
            ? html`<button class="reply-all" aria-describedby=${title} aria-expanded=${reply ? 'true' : 'false'}
                @click=${() => (this.replying = reply ? undefined : { key: group.key, draft: '' })}>${s.replyAll}</button>`
            : nothing}
          ${acknowledgeable.length > 0
            ? html`<button class="acknowledge-all primary" aria-describedby=${title} @click=${() => this.#onEach('acknowledge', acknowledgeable)}>${s.acknowledgeAll(acknowledgeable.length)}</button>`
            : nothing}
          ${lowerable.length > 0
            ? html`<button class="lower-all" aria-describedby=${title} @click=${() => this.#onEach('lower', lowerable)}>${s.lowerAll(lowerable.length)}</button>`
            : nothing}
          <button class="toggle-group" aria-describedby=${title} aria-expanded=${open ? 'true' : 'false'} @click=${() => (this.openGroups = toggle(this.openGroups))}>
            ${open ? s.hideGroup : s.showGroup(group.flags.length)}
          </button>
        </div>
        ${reply ? this.#renderReplyAll(reply, writable) : nothing}
        ${open
          ? html`<div class="members" role="list" aria-labelledby=${title}>${group.flags.map((f, i) => this.#renderRow(f, i, group.flags.length))}</div>`
          : this.renderFailure((f) => group.flags.some((g) => g.id === f.flagId))}
      </div>
    `;
  }

  #renderReplyAll(reply: { key: string; draft: string }, flagIds: string[]) {
    const s = this.s;
    const max = this.activeClient?.config.limits.messageLength;
    const send = () => {
      if (reply.draft.trim() === '') return;
      this.replying = undefined;
      void this.#onEach('send-message', flagIds, reply.draft);
    };
    return html`<div class="reply-all-form">
      <label for="reply-${reply.key}">${s.replyAllLabel(flagIds.length)}</label>
      <textarea id="reply-${reply.key}" dir="auto" rows="2" maxlength=${max ?? nothing} .value=${reply.draft}
        @input=${(e: Event) => (this.replying = { ...reply, draft: (e.target as HTMLTextAreaElement).value })}
        @keydown=${(e: KeyboardEvent) => {
          if (!isSubmitKey(e)) return;
          e.preventDefault();
          send();
        }}></textarea>
      <div class="actions">
        <button class="cancel-reply" @click=${() => (this.replying = undefined)}>${s.cancelReply}</button>
        <button class="send-all primary" ?disabled=${reply.draft.trim() === ''} @click=${send}>${s.sendToAll(flagIds.length)}</button>
      </div>
    </div>`;
  }

  /** One command per flag, each its own (its own id, its own result); the outcome is announced. */
  async #onEach(action: 'acknowledge' | 'lower' | 'send-message', flagIds: string[], text = ''): Promise<void> {
    const results = await Promise.all(
      flagIds.map((id) =>
        this.perform(action, id, (c) => (action === 'acknowledge' ? c.acknowledge(id) : action === 'lower' ? c.lower(id) : c.sendMessage(id, text))),
      ),
    );
    this.#announce(this.s.announceEach(action, results.filter((r) => r !== undefined).length, flagIds.length));
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
