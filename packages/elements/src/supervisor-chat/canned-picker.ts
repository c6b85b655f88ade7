/**
 * <supervisor-chat>'s quick-reply picker: the team's and the supervisor's own canned replies in
 * one listbox (ARIA 1.2 combobox pattern). Typing `/` at the start of the composer filters them
 * inline: the textarea keeps focus and points at the active option with aria-activedescendant;
 * ↑/↓ move, Enter inserts, Esc closes. The composer's button opens the same list with focus in
 * it (↑/↓/Home/End, Enter inserts, Esc returns to the button). Only supervisors have it.
 */
import { html, nothing, type ReactiveControllerHost } from 'lit';
import type { CannedReply, FlagClient, Setting } from '@flagline/core';
import { StoreController } from '../internal/subscription.js';
import type { CannedStrings } from './canned-strings.js';
import type { EditableList } from './canned-editor.js';

export interface CannedEntry {
  /** Unique across both lists (DOM id of its option). */
  key: string;
  scope: 'team' | 'personal';
  reply: CannedReply;
}

/** Replies whose title or text contains the query, case-insensitively, team ones first. */
export function filterReplies(entries: readonly CannedEntry[], query: string): CannedEntry[] {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return [...entries];
  return entries.filter(({ reply }) => reply.title.toLocaleLowerCase().includes(q) || reply.text.toLocaleLowerCase().includes(q));
}

const NONE: Setting<'cannedReplies'> = { value: [], version: 0 };
export const LIST_ID = 'canned-list';

export class CannedPicker {
  /** How the list was opened, or null while closed. */
  mode: 'slash' | 'button' | null = null;
  active = 0;
  /** Esc closed the inline list: it stays closed until the `/` is gone. */
  #dismissed = false;
  #query = '';
  readonly #host: ReactiveControllerHost;
  readonly #team: StoreController<Setting<'cannedReplies'>>;
  readonly #personal: StoreController<Setting<'cannedReplies'>>;
  #teamId: string | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    this.#team = new StoreController(host, NONE);
    this.#personal = new StoreController(host, NONE);
  }

  /** Follow the replies of this client's flag team and its own (none: not a supervisor, no flag). */
  bind(client: FlagClient | undefined, team: string | undefined): void {
    const on = client?.me.role === 'supervisor' && team !== undefined;
    this.#team.store = on ? client.settings.team(team).cannedReplies : undefined;
    this.#personal.store = on ? client.settings.personal.cannedReplies : undefined;
    this.#teamId = on ? team : undefined;
    if (!on && this.mode) this.close();
  }

  /** Whether there is a picker at all (a supervisor on a flag). */
  get enabled(): boolean {
    return this.#teamId !== undefined;
  }

  /** The two lists as the editor edits them. */
  get lists(): EditableList[] {
    if (this.#teamId === undefined) return [];
    return [
      { scope: { kind: 'team', team: this.#teamId }, setting: this.#team.value },
      { scope: { kind: 'personal' }, setting: this.#personal.value },
    ];
  }

  /** What the status line announces while open: how many replies match, or why none. */
  get status(): (s: CannedStrings) => string {
    const count = this.shown.length;
    return (s) => (!this.mode ? '' : count ? s.count(count) : this.entries.length ? s.noMatch : s.none);
  }

  get entries(): CannedEntry[] {
    return [
      ...this.#team.value.value.map((reply): CannedEntry => ({ key: `t-${reply.id}`, scope: 'team', reply })),
      ...this.#personal.value.value.map((reply): CannedEntry => ({ key: `p-${reply.id}`, scope: 'personal', reply })),
    ];
  }

  get shown(): CannedEntry[] {
    return this.mode === 'slash' ? filterReplies(this.entries, this.#query) : this.entries;
  }

  /** The composer's text changed: `/…` on one line opens (and filters) the inline list. */
  input(draft: string): void {
    const slash = draft.startsWith('/') && !draft.includes('\n');
    if (!slash) this.#dismissed = false;
    if (slash && !this.#dismissed && this.mode !== 'button') {
      this.mode = 'slash';
      if (this.#query !== draft.slice(1)) this.active = 0;
      this.#query = draft.slice(1);
    } else if (this.mode === 'slash') this.close();
    this.#host.requestUpdate();
  }

  openFromButton(): void {
    this.mode = this.mode === 'button' ? null : 'button';
    this.active = 0;
    this.#host.requestUpdate();
  }

  close(dismiss = false): void {
    if (dismiss && this.mode === 'slash') this.#dismissed = true;
    this.mode = null;
    this.#host.requestUpdate();
  }

  /**
   * Keys while open: returns the entry to insert (Enter), or whether the key was handled. Keys
   * it does not handle (typing, Tab…) go on as usual.
   */
  key(e: KeyboardEvent): CannedEntry | boolean {
    const shown = this.shown;
    const last = shown.length - 1;
    const move = (to: number) => {
      this.active = Math.max(0, Math.min(last, to));
      this.#host.requestUpdate();
      return true;
    };
    switch (e.key) {
      case 'ArrowDown':
        return move(this.active >= last ? 0 : this.active + 1);
      case 'ArrowUp':
        return move(this.active <= 0 ? last : this.active - 1);
      case 'Home':
        return this.mode === 'button' && move(0);
      case 'End':
        return this.mode === 'button' && move(last);
      case 'Escape':
        this.close(true);
        return true;
      case 'Enter':
        if (e.shiftKey || e.isComposing) return false;
        return shown[this.active] ?? this.mode === 'button';
      case ' ':
        return this.mode === 'button' && (shown[this.active] ?? true);
      default:
        return false;
    }
  }

  /** The id of the active option, for aria-activedescendant. */
  get activeId(): string | undefined {
    const entry = this.shown[this.active];
    return this.mode && entry ? optionId(entry) : undefined;
  }

  /** The popup: the count (announced), the options or why there are none, and the editor's button. */
  render(s: CannedStrings, handlers: { pick(entry: CannedEntry): void; keydown(e: KeyboardEvent): void; focusout(e: FocusEvent): void; manage: () => void }) {
    if (!this.mode) return nothing;
    const shown = this.shown;
    return html`<div class="canned" part="canned-replies" @focusout=${handlers.focusout}>
      ${shown.length
        ? html`<div
            id=${LIST_ID}
            role="listbox"
            aria-label=${s.listLabel}
            tabindex=${this.mode === 'button' ? 0 : -1}
            aria-activedescendant=${this.mode === 'button' ? (this.activeId ?? nothing) : nothing}
            @keydown=${handlers.keydown}
            @mousedown=${(e: Event) => e.preventDefault()}
            @click=${(e: Event) => {
              const option = (e.target as Element).closest('[role=option]');
              const entry = shown.find((en) => option?.id === optionId(en));
              if (entry) handlers.pick(entry);
            }}
          >
            ${shown.map(
              (entry, i) => html`<div
                id=${optionId(entry)}
                role="option"
                class="option ${i === this.active ? 'active' : ''}"
                aria-selected=${i === this.active ? 'true' : 'false'}
              >
                <span class="option-title one-line" dir="auto">${entry.reply.title}</span>
                <span class="badge">${entry.scope === 'team' ? s.team : s.personal}</span>
                <span class="option-text muted" dir="auto">${entry.reply.text}</span>
              </div>`,
            )}
          </div>`
        : html`<p class="muted empty">${this.entries.length ? s.noMatch : s.none}</p>`}
      <button class="manage" @click=${handlers.manage}>${s.manage}</button>
    </div>`;
  }
}

function optionId(entry: CannedEntry): string {
  return `canned-${entry.key}`;
}
