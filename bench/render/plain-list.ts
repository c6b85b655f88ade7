/**
 * The baselines the render benchmark compares Flagline's elements with: what a team writes
 * first without virtualization — every row rendered with Lit's `repeat`, fed by the same client
 * stores. Deliberately cheaper than the real elements in one way (no per-second "waiting"
 * clock, no highlight or announcement), so the comparison favours the baseline.
 */
import { css, html, LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Flag, FlagClient, TimelineItem } from '@flagline/core';

const shared = css`
  :host {
    display: block;
    font: 14px/1.4 system-ui, sans-serif;
  }
  .list {
    block-size: 32rem;
    overflow: auto;
  }
  .row {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 0.25rem 1rem;
    padding: 0.5rem 0.75rem;
    border-block-end: 1px solid #ddd;
  }
  .who {
    display: flex;
    gap: 0.5rem;
  }
  .actions {
    display: flex;
    gap: 0.25rem;
  }
`;

/** Open flags, urgent first then longest waiting, every row in the DOM. */
export class PlainFlagList extends LitElement {
  static override styles = shared;

  @property({ attribute: false }) client?: FlagClient;

  #flags: readonly Flag[] = [];
  #stop: (() => void) | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#stop = this.client?.$openFlags.subscribe((flags) => {
      this.#flags = flags;
      this.requestUpdate();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop?.();
  }

  protected override render() {
    const rows = [...this.#flags.filter((f) => f.severity === 'urgent'), ...this.#flags.filter((f) => f.severity !== 'urgent')];
    return html`
      <h2>Raised flags <span class="count">${rows.length} open flags</span></h2>
      <div class="list" role="list">
        ${repeat(
          rows,
          (flag) => flag.id,
          (flag, index) => html`
            <div class="row" role="listitem" aria-setsize=${rows.length} aria-posinset=${index + 1} data-flag-id=${flag.id}>
              <div class="who">
                <span class="agent">${flag.agent.name}</span>
                <span class="channel">${flag.channel}</span>
                <span class="customer">${flag.customerLabel}</span>
              </div>
              <p class="preview">${flag.message}</p>
              <div class="marks">${flag.severity === 'urgent' ? html`<span class="mark urgent">Urgent</span>` : ''}</div>
              <div class="actions">
                ${flag.acknowledgedBy ? '' : html`<button class="acknowledge">Acknowledge</button>`}
                <button class="open-chat">Open chat</button>
                <button class="lower">Lower</button>
              </div>
            </div>
          `,
        )}
      </div>
    `;
  }
}

/** One flag's conversation, every message in the DOM, kept scrolled to the newest. */
export class PlainChat extends LitElement {
  static override styles = shared;

  @property({ attribute: false }) client?: FlagClient;
  @property({ attribute: 'flag-id' }) flagId = '';

  #items: readonly TimelineItem[] = [];
  #stop: (() => void) | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#stop = this.client?.timeline(this.flagId).subscribe((items) => {
      this.#items = items;
      this.requestUpdate();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop?.();
  }

  protected override render() {
    return html`
      <div class="list log" role="log">
        ${repeat(
          this.#items,
          (item) => item.key,
          ({ event }) => html`
            <div class="item">
              <span class="author">${event.actor.name}</span>
              <time>${new Date(event.at).toLocaleTimeString()}</time>
              <p class="text">${event.type === 'message' ? event.text : event.type}</p>
            </div>
          `,
        )}
      </div>
      <textarea aria-label="Message"></textarea>
    `;
  }

  protected override updated(): void {
    // Follow the newest message, as a chat must.
    const log = this.renderRoot.querySelector('.log');
    if (log) log.scrollTop = log.scrollHeight;
  }
}
