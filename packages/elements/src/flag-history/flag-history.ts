import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { FlagClient, HistoryQuery, LoweredFlag } from '@flagline/core';
import { historyCsv, matchesHistory } from '@flagline/core/view';
import { FlagHistoryExportEvent } from '../internal/events.js';
import { FlaglineElement } from '../internal/flagline-element.js';
import { formatDateTime, formatTime, formatWaiting } from '../internal/format.js';
import { flagHistoryStyles } from './flag-history.styles.js';
import { defaultFlagHistoryStrings, HISTORY_RANGES, type FlagHistoryStrings, type HistoryRange } from './strings.js';

const HOUR = 3_600_000;
/** Rows per page shown; an export asks for the largest pages the source of truth allows. */
const PAGE = 25;
const EXPORT_PAGE = 100;
/** Pages an export reads at most (10,000 flags). */
const EXPORT_PAGES = 100;

type Filter = Pick<HistoryQuery, 'team' | 'agent' | 'supervisor' | 'reason'>;

/**
 * Flags lowered in the last hours or days, newest first, fetched from the source of truth page
 * by page: who raised, who helped, how long until acknowledged and lowered, why; a row expands
 * to its private chat. Filters by range, team, agent, supervisor and reason; exports what the
 * filters select as CSV. Agents see their own flags, supervisors those of their teams.
 *
 * @summary Lowered flags with their times and chats, filtered, paged and exported as CSV.
 *
 * @fires {FlagHistoryExportEvent} flag-history-export - The CSV is ready (`csv`, `filename`). Cancelable: `preventDefault()` to save it yourself instead of the download.
 * @fires {FlagErrorEvent} flag-error - A page could not be loaded; the element shows why, with Try again.
 * @csspart filters - The filter form.
 * @csspart list - The rows.
 * @csspart chat - An expanded row's private chat.
 * @csspart error - A failed load's message.
 *
 * @tagname flag-history
 */
export class FlagHistory extends FlaglineElement {
  static override styles = flagHistoryStyles;

  /** How far back to look, in hours: 1, 8, 24 or 168. */
  @property({ type: Number }) hours: HistoryRange = 24;
  /** Overrides for any visible string. */
  @property({ attribute: false }) strings: Partial<FlagHistoryStrings> = {};

  @state() private filter: Filter = {};
  @state() private rows: readonly LoweredFlag[] = [];
  @state() private next: string | null = null;
  @state() private loading = false;
  @state() private expanded: ReadonlySet<string> = new Set();
  @state() private exporting = false;

  /** The query of what is shown: every page of it has the same `since`. */
  #query: HistoryQuery | undefined;
  #loadedFor: [FlagClient | undefined, number, Filter] | undefined;
  /** People and reasons seen in rows so far: what the filters offer. */
  readonly #seen = { agents: new Map<string, string>(), supervisors: new Map<string, string>(), reasons: new Set<string>() };

  constructor() {
    super();
    // A flag lowered now that the filters select appears at once, while the first page is what is shown.
    this.subscribeClient((client) =>
      client.on('event', ({ event, flag, live }) => {
        const query = this.#query;
        if (live && event.type === 'lowered' && query && matchesHistory(flag, { ...query, since: 0 }) && this.rows.length <= PAGE) void this.#load(true);
      }),
    );
  }

  private get s(): FlagHistoryStrings {
    return { ...(this.localized.messages?.flagHistory ?? defaultFlagHistoryStrings), ...this.strings };
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const client = this.activeClient;
    const [c, h, f] = this.#loadedFor ?? [];
    if (client && (client !== c || this.hours !== h || this.filter !== f)) {
      this.#loadedFor = [client, this.hours, this.filter];
      void this.#load(true);
    }
  }

  /** Load the first page again (new filters, or after a failure), or the next one. */
  async #load(first: boolean): Promise<void> {
    if (first) this.#query = { ...this.#cleanFilter(), since: Date.now() - this.hours * HOUR, limit: PAGE };
    const query = this.#query!;
    this.loading = true;
    const page = await this.perform('history', undefined, (c) => c.history(first ? query : { ...query, cursor: this.next! }));
    if (query !== this.#query) return; // filters changed meanwhile: that load is the one shown
    this.loading = false;
    if (!page) return;
    for (const { flag } of page.flags) {
      this.#seen.agents.set(flag.agent.id, flag.agent.name);
      if (flag.acknowledgedBy) this.#seen.supervisors.set(flag.acknowledgedBy.id, flag.acknowledgedBy.name);
      if (flag.reason) this.#seen.reasons.add(flag.reason);
    }
    this.rows = first ? page.flags : [...this.rows, ...page.flags];
    this.next = page.next;
  }

  #cleanFilter(): Filter {
    return Object.fromEntries(Object.entries(this.filter).filter(([, v]) => v)) as Filter;
  }

  /** Every flag the filters select (not only the pages shown) as CSV, to the host or a download. */
  async #export(): Promise<void> {
    const query = this.#query;
    if (!query || this.exporting) return;
    this.exporting = true;
    const flags = await this.perform('export', undefined, async (client) => {
      const all: LoweredFlag['flag'][] = [];
      let cursor: string | null | undefined;
      for (let i = 0; i < EXPORT_PAGES && cursor !== null; i++) {
        const page = await client.history({ ...query, limit: EXPORT_PAGE, ...(cursor ? { cursor } : {}) });
        all.push(...page.flags.map((f) => f.flag));
        cursor = page.next;
      }
      return all;
    });
    this.exporting = false;
    if (!flags) return;
    const csv = historyCsv(flags, this.s.csv);
    const filename = `flag-history-${new Date(query.since!).toISOString().slice(0, 10)}.csv`;
    if (!this.dispatchEvent(new FlagHistoryExportEvent(csv, filename))) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    link.download = filename;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 0);
  }

  #setFilter(key: keyof Filter | 'hours', value: string): void {
    if (key === 'hours') this.hours = Number(value) as HistoryRange;
    else this.filter = { ...this.filter, [key]: value };
  }

  #toggle(flagId: string): void {
    const next = new Set(this.expanded);
    if (!next.delete(flagId)) next.add(flagId);
    this.expanded = next;
  }

  protected override render() {
    const s = this.s;
    const failed = this.failure?.action === 'history';
    const status = this.loading ? s.loading : failed ? '' : s.shown(this.rows.length);
    return html`
      <header>
        <h2>${s.title}</h2>
        <button class="export" ?disabled=${this.exporting || this.rows.length === 0} @click=${() => void this.#export()}>${s.exportCsv}</button>
      </header>
      ${this.#renderFilters()}
      <p class="visually-hidden" role="status">${status}</p>
      ${this.renderFailure()}
      ${failed ? html`<button class="retry" @click=${() => void this.#load(this.rows.length === 0)}>${s.retry}</button>` : nothing}
      ${this.loading && this.rows.length === 0 ? html`<p class="muted" aria-hidden="true">${s.loading}</p>` : nothing}
      ${!this.loading && !failed && this.rows.length === 0 ? html`<p class="empty muted">${s.empty}</p>` : nothing}
      <ul class="list" part="list" aria-label=${s.tableLabel} ?hidden=${this.rows.length === 0}>
        ${this.rows.map((row) => this.#renderRow(row))}
      </ul>
      ${this.next !== null && !failed
        ? html`<button class="more" ?disabled=${this.loading} @click=${() => void this.#load(false)}>${s.more}</button>`
        : nothing}
    `;
  }

  #renderFilters() {
    const s = this.s;
    const me = this.activeClient?.me;
    const select = (key: keyof Filter, label: string, options: [string, string][]) => html`
      <label
        >${label}
        <select class=${`filter-${key}`} @change=${(e: Event) => this.#setFilter(key, (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${!this.filter[key]}>${s.any}</option>
          ${options.map(([value, text]) => html`<option value=${value} ?selected=${this.filter[key] === value}>${text}</option>`)}
        </select>
      </label>
    `;
    const supervisor = me?.role === 'supervisor';
    return html`
      <form class="filters" part="filters" aria-label=${s.filters} @submit=${(e: Event) => e.preventDefault()}>
        <label
          >${s.range}
          <select class="filter-hours" @change=${(e: Event) => this.#setFilter('hours', (e.target as HTMLSelectElement).value)}>
            ${HISTORY_RANGES.map((h) => html`<option value=${h} ?selected=${h === this.hours}>${s.ranges[h]}</option>`)}
          </select>
        </label>
        ${supervisor ? select('team', s.team, (me?.teams ?? []).map((t) => [t, t])) : nothing}
        ${supervisor ? select('agent', s.agent, [...this.#seen.agents]) : nothing}
        ${select('supervisor', s.supervisor, [...this.#seen.supervisors])}
        ${select('reason', s.reason, [...this.#seen.reasons].map((r) => [r, r]))}
      </form>
    `;
  }

  #renderRow({ flag, events }: LoweredFlag) {
    const s = this.s;
    const { lang } = this.localized;
    const open = this.expanded.has(flag.id);
    const chatId = `chat-${flag.id}`;
    const lowered = flag.lowered!;
    const figure = (term: string, value: string) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`;
    return html`
      <li class="row" data-flag-id=${flag.id}>
        <p class="head">
          <strong class="agent one-line" title=${flag.agent.name}>${flag.agent.name}</strong>
          <span class="team muted one-line" title=${flag.team}>${flag.team}</span>
          <time datetime=${new Date(lowered.at).toISOString()}>${formatDateTime(lowered.at, lang)}</time>
        </p>
        <dl class="figures">
          ${figure(s.columns.helpedBy, flag.acknowledgedBy?.name ?? s.nobody)}
          ${figure(s.columns.toAcknowledge, flag.acknowledgedAt === undefined ? '—' : formatWaiting(flag.acknowledgedAt - flag.raisedAt, lang))}
          ${figure(s.columns.toLower, formatWaiting(lowered.at - flag.raisedAt, lang))}
          ${figure(s.columns.cause, `${s.causes[lowered.cause]} · ${lowered.by.name}`)}
          ${figure(s.columns.reason, flag.reason ?? s.noReason)}
        </dl>
        <p class="message">${flag.message}</p>
        <button class="toggle-chat" aria-expanded=${open ? 'true' : 'false'} aria-controls=${chatId} @click=${() => this.#toggle(flag.id)}>
          ${open ? s.hideChat(flag.agent.name) : s.showChat(flag.agent.name)}
        </button>
        <ol class="chat" part="chat" id=${chatId} aria-label=${s.chatLabel(flag.agent.name)} ?hidden=${!open}>
          ${open
            ? events.map((e) =>
                e.type === 'message'
                  ? html`<li class="said"><span class="who">${e.actor.name}</span> <time class="muted">${formatTime(e.at, lang)}</time><p>${e.text}</p></li>`
                  : html`<li class="system muted">${s.systemLine(e)} · <time>${formatTime(e.at, lang)}</time></li>`,
              )
            : nothing}
        </ol>
      </li>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'flag-history': FlagHistory;
  }
}
