import { html, nothing, svg, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Durations, Figures, Flag, FlagClient } from '@flagline/core';
import { helpRequestMetrics, openSeries } from '@flagline/core/view';
import { FlaglineElement } from '../internal/flagline-element.js';
import { formatNumber, formatTime, formatWaiting } from '../internal/format.js';
import { StoreController } from '../internal/subscription.js';
import { flagMetricsStyles } from './flag-metrics.styles.js';
import { defaultFlagMetricsStrings, type FlagMetricsStrings } from './strings.js';

const MINUTE = 60_000;
/** The figures follow the clock at this pace (waiting flags age, the window moves). */
const TICK_MS = 15_000;
/** Sparkline samples over the window (every 5 minutes of an hour). */
const POINTS = 13;
/** History pages read for flags lowered before the client's recent ones (10,000 flags at most). */
const HISTORY_PAGES = 100;

/**
 * Help-request figures for a wallboard header, live: open, waiting, acknowledged and escalated
 * flags; time to acknowledge and to lower (p50, p90) over a window; a sparkline of open flags and
 * a bar per reason, each with a text equivalent; per team and per supervisor on demand. Computed
 * by core's `helpRequestMetrics` from the client's flags and the history of the window.
 *
 * @summary Live help-request metrics: counts, percentiles, a sparkline and a bar per reason.
 *
 * @fires {FlagErrorEvent} flag-error - The window's history could not be loaded (the figures then cover the client's recent flags only).
 * @csspart figures - The numbers.
 * @csspart sparkline - The open-flags chart.
 * @csspart reasons - The bars per reason.
 * @csspart error - A failed load's message.
 *
 * @tagname flag-metrics
 */
export class FlagMetrics extends FlaglineElement {
  static override styles = flagMetricsStyles;

  /** The window the durations, sparkline and reasons cover, in minutes. */
  @property({ type: Number }) minutes = 60;
  /** Overrides for any visible string. */
  @property({ attribute: false }) strings: Partial<FlagMetricsStrings> = {};

  /** Flags of the window lowered before what the client still holds, from the history. */
  @state() private older: readonly Flag[] = [];

  readonly #flags = new StoreController<ReadonlyMap<string, Flag>>(this, new Map());
  #historyFor: [FlagClient | undefined, number] | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  private get s(): FlagMetricsStrings {
    return { ...(this.localized.messages?.flagMetrics ?? defaultFlagMetricsStrings), ...this.strings };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#timer = setInterval(() => this.requestUpdate(), TICK_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const client = this.activeClient;
    this.#flags.store = client?.$flags;
    const [c, m] = this.#historyFor ?? [];
    if (client && (client !== c || this.minutes !== m)) {
      this.#historyFor = [client, this.minutes];
      void this.#loadHistory(client);
    }
  }

  async #loadHistory(client: FlagClient): Promise<void> {
    const since = Date.now() - this.minutes * MINUTE;
    const flags = await this.perform('history', undefined, async () => {
      const all: Flag[] = [];
      let cursor: string | null | undefined;
      for (let i = 0; i < HISTORY_PAGES && cursor !== null; i++) {
        const page = await client.history({ since, limit: 100, ...(cursor ? { cursor } : {}) });
        all.push(...page.flags.map((f) => f.flag));
        cursor = page.next;
      }
      return all;
    });
    if (flags && this.#historyFor?.[0] === client) this.older = flags;
  }

  protected override render() {
    const s = this.s;
    const { lang } = this.localized;
    const window = { now: Date.now(), windowMs: this.minutes * MINUTE };
    const flags = new Map(this.older.map((f) => [f.id, f]));
    for (const [id, f] of this.#flags.value) flags.set(id, f);
    const metrics = helpRequestMetrics(flags.values(), window);
    const series = openSeries(flags.values(), window, POINTS);
    const duration = (d: Durations) => (d.p50 === undefined ? s.none : s.percentiles(formatWaiting(d.p50, lang), formatWaiting(d.p90!, lang)));
    const { all } = metrics;
    return html`
      <section aria-labelledby="title">
        <h2 id="title">${s.title} <span class="muted">${s.window(this.minutes)}</span></h2>
        ${this.renderFailure()}
        <dl class="figures" part="figures">
          ${this.#figure(s.open, formatNumber(lang, all.open))} ${this.#figure(s.waiting, formatNumber(lang, all.waiting))}
          ${this.#figure(s.acknowledged, formatNumber(lang, all.acknowledged))} ${this.#figure(s.escalated, formatNumber(lang, all.escalated))}
          ${this.#figure(s.toAcknowledge, duration(all.timeToAcknowledge), true)} ${this.#figure(s.toLower, duration(all.timeToLower), true)}
        </dl>
        <div class="charts">
          ${this.#renderSparkline(series, window.now)} ${this.#renderReasons(all)}
        </div>
        ${this.#renderBreakdown(s.byTeam, s.team, [...metrics.teams].map(([team, f]) => [team, f]))}
        ${this.#renderBreakdown(s.bySupervisor, s.supervisor, [...metrics.supervisors.values()].map(({ name, figures }) => [name, figures]))}
      </section>
    `;
  }

  #figure(term: string, value: string, wide = false) {
    return html`<div class=${wide ? 'wide' : ''}><dt>${term}</dt><dd>${value}</dd></div>`;
  }

  #renderSparkline(series: number[], now: number) {
    const s = this.s;
    const { lang } = this.localized;
    const max = Math.max(1, ...series);
    const step = 100 / (series.length - 1);
    const points = series.map((n, i) => `${(i * step).toFixed(1)},${(30 - (n / max) * 28).toFixed(1)}`).join(' ');
    const at = (i: number) => now - ((series.length - 1 - i) * this.minutes * MINUTE) / (series.length - 1);
    return html`
      <figure class="sparkline" part="sparkline">
        <figcaption>${s.openOverTime}</figcaption>
        <svg viewBox="0 0 100 32" preserveAspectRatio="none" aria-hidden="true">${svg`<polyline points=${points}></polyline>`}</svg>
        <table class="visually-hidden">
          <caption>${s.openOverTime}</caption>
          <thead><tr><th scope="col">${s.time}</th><th scope="col">${s.openFlags}</th></tr></thead>
          <tbody>
            ${series.map((n, i) => html`<tr><td>${formatTime(at(i), lang)}</td><td>${formatNumber(lang, n)}</td></tr>`)}
          </tbody>
        </table>
      </figure>
    `;
  }

  #renderReasons(all: Figures) {
    const s = this.s;
    const max = Math.max(1, ...all.byReason.map((r) => r.count));
    return html`
      <figure class="reasons" part="reasons">
        <figcaption>${s.byReason}</figcaption>
        ${all.byReason.length === 0
          ? html`<p class="muted">${s.noneRaised}</p>`
          : html`<ul>
              ${all.byReason.map(
                ({ reason, count }) => html`<li>
                  <span class="label">${s.reasonCount(reason ? `\u2068${reason}\u2069` : s.noReason, count)}</span>
                  <svg viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">${svg`<rect width=${(count / max) * 100} height="8"></rect>`}</svg>
                </li>`,
              )}
            </ul>`}
      </figure>
    `;
  }

  #renderBreakdown(title: string, head: string, rows: [string, Figures][]) {
    const s = this.s;
    const { lang } = this.localized;
    if (rows.length === 0) return nothing;
    const p50 = (d: Durations) => (d.p50 === undefined ? s.none : formatWaiting(d.p50, lang));
    return html`
      <details>
        <summary>${title}</summary>
        <table>
          <thead>
            <tr><th scope="col">${head}</th><th scope="col">${s.open}</th><th scope="col">${s.waiting}</th><th scope="col">${s.toAcknowledge} p50</th><th scope="col">${s.toLower} p50</th></tr>
          </thead>
          <tbody>
            ${rows.map(
              ([name, f]) =>
                html`<tr><th scope="row">${name}</th><td>${formatNumber(lang, f.open)}</td><td>${formatNumber(lang, f.waiting)}</td><td>${p50(f.timeToAcknowledge)}</td><td>${p50(f.timeToLower)}</td></tr>`,
            )}
          </tbody>
        </table>
      </details>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'flag-metrics': FlagMetrics;
  }
}
