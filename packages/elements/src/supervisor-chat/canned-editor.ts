/**
 * <supervisor-chat>'s quick-reply editor: a native modal <dialog> listing the team's and the
 * supervisor's own replies, to add, edit and delete them. Each change is one compare-and-set
 * save of the whole list; a save someone else's change overtook shows the `conflict` error and
 * the list as it now stands, to redo the change on.
 */
import { html, nothing, type ReactiveControllerHost } from 'lit';
import type { CannedReply, FlagClient, FlagErrorData, Setting, SettingsScope } from '@flagline/core';
import { checkSettingsWrite, SETTINGS_LIMITS } from '@flagline/core/view';
import type { CannedStrings } from './canned-strings.js';

export interface EditableList {
  scope: SettingsScope;
  setting: Setting<'cannedReplies'>;
}

interface Editing {
  scope: SettingsScope;
  /** The reply being edited, or null for a new one. */
  id: string | null;
}

export const EDITOR_ID = 'canned-editor';

/** The element the editor renders in: focus moves inside its shadow root after each step. */
type EditorHost = ReactiveControllerHost & { renderRoot: ParentNode; updateComplete: Promise<boolean> };

export class CannedEditor {
  #editing: Editing | null = null;
  #error: FlagErrorData | null = null;
  #saving = false;
  readonly #host: EditorHost;

  constructor(host: EditorHost) {
    this.#host = host;
  }

  open(dialog: HTMLDialogElement | null): void {
    this.#editing = null;
    this.#error = null;
    dialog?.showModal();
    this.#host.requestUpdate();
  }

  render(s: CannedStrings, client: FlagClient | undefined, lists: readonly EditableList[], errorText: (error: FlagErrorData) => string) {
    const editing = this.#editing;
    const editable = (scope: SettingsScope) => !!client && !checkSettingsWrite(client.me, scope, 'cannedReplies');
    const heading = (scope: SettingsScope) => (scope.kind === 'team' ? `${s.team} · ${scope.team}` : s.personal);
    const save = (list: EditableList, replies: CannedReply[]) => this.#save(client, list, replies);
    return html`<dialog id=${EDITOR_ID} class="canned-editor" aria-labelledby="canned-editor-title" @close=${() => (this.#editing = null)} @cancel=${this.#onCancel}>
      <h2 id="canned-editor-title">${s.editorTitle}</h2>
      ${lists.map(
        (list, i) => html`<section aria-labelledby="canned-section-${i}" data-scope=${scopeKey(list.scope)}>
          <h3 id="canned-section-${i}">${heading(list.scope)}</h3>
          ${list.setting.value.length
            ? html`<ul>
                ${list.setting.value.map(
                  (reply) => html`<li>
                    <span class="one-line" id="canned-${i}-${reply.id}" dir="auto" title=${reply.text}>${reply.title}</span>
                    ${editable(list.scope)
                      ? html`<button class="edit" id="canned-edit-${i}-${reply.id}" aria-labelledby="canned-edit-${i}-${reply.id} canned-${i}-${reply.id}" @click=${() => this.#edit({ scope: list.scope, id: reply.id })}>
                            ${s.edit}
                          </button>
                          <button
                            class="delete"
                            id="canned-delete-${i}-${reply.id}"
                            aria-labelledby="canned-delete-${i}-${reply.id} canned-${i}-${reply.id}"
                            ?disabled=${this.#saving}
                            @click=${() => save(list, list.setting.value.filter((r) => r.id !== reply.id))}
                          >
                            ${s.remove}
                          </button>`
                      : nothing}
                  </li>`,
                )}
              </ul>`
            : html`<p class="muted">${s.none}</p>`}
          ${editable(list.scope) ? html`<button class="add" @click=${() => this.#edit({ scope: list.scope, id: null })}>${s.add}</button>` : nothing}
        </section>`,
      )}
      ${editing ? this.#renderForm(s, lists, editing, save) : nothing}
      ${this.#error ? html`<p class="error" role="alert">${errorText(this.#error)}</p>` : nothing}
      <form method="dialog"><button class="close">${s.close}</button></form>
    </dialog>`;
  }

  #renderForm(s: CannedStrings, lists: readonly EditableList[], editing: Editing, save: (list: EditableList, replies: CannedReply[]) => Promise<void>) {
    const list = lists.find((l) => sameScope(l.scope, editing.scope));
    if (!list) return nothing;
    const current = list.setting.value.find((r) => r.id === editing.id);
    const submit = (e: SubmitEvent) => {
      e.preventDefault();
      const form = new FormData(e.target as HTMLFormElement);
      const reply = { id: editing.id ?? newReplyId(), title: String(form.get('title')), text: String(form.get('text')) };
      const replies = current ? list.setting.value.map((r) => (r.id === current.id ? reply : r)) : [...list.setting.value, reply];
      void save(list, replies);
    };
    return html`<form class="reply-form" @submit=${submit}>
      <label>${s.title} <input name="title" required maxlength=${SETTINGS_LIMITS.replyTitle} .value=${current?.title ?? ''} /></label>
      <label>${s.text} <textarea name="text" rows="3" required maxlength=${SETTINGS_LIMITS.replyText} aria-describedby="canned-placeholders" .value=${current?.text ?? ''}></textarea></label>
      <p id="canned-placeholders" class="muted">${s.placeholders}</p>
      <div class="actions">
        <button type="submit" class="primary" ?disabled=${this.#saving}>${s.save}</button>
        <button type="button" @click=${() => this.#edit(null)}>${s.cancel}</button>
      </div>
    </form>`;
  }

  /** Escape closes the open form first (its section's Add gets focus), the dialog only after. */
  #onCancel = (e: Event): void => {
    if (!this.#editing) return;
    e.preventDefault();
    this.#edit(null);
  };

  /** Open the form (focus on its title) or close it (focus back on the section's Add). */
  #edit(editing: Editing | null, section = editing?.scope ?? this.#editing?.scope): void {
    this.#editing = editing;
    this.#error = null;
    this.#host.requestUpdate();
    this.#focus(editing ? '.reply-form input' : `section[data-scope="${section ? scopeKey(section) : ''}"] .add`);
  }

  #focus(selector: string): void {
    void this.#host.updateComplete.then(() => this.#host.renderRoot.querySelector<HTMLElement>(`#${EDITOR_ID} ${selector}`)?.focus());
  }

  async #save(client: FlagClient | undefined, list: EditableList, replies: CannedReply[]): Promise<void> {
    if (!client) return;
    this.#saving = true;
    this.#error = null;
    this.#host.requestUpdate();
    try {
      await client.saveSettings(list.scope, 'cannedReplies', replies, list.setting.version);
      this.#editing = null;
      this.#focus(`section[data-scope="${scopeKey(list.scope)}"] .add`);
    } catch (err) {
      this.#error = (err as { toJSON?: () => FlagErrorData }).toJSON?.() ?? { code: 'internal', message: String(err) };
    } finally {
      this.#saving = false;
      this.#host.requestUpdate();
    }
  }
}

function scopeKey(scope: SettingsScope): string {
  return scope.kind === 'team' ? `team-${scope.team}` : 'personal';
}

function sameScope(a: SettingsScope, b: SettingsScope): boolean {
  return a.kind === b.kind && (a.kind === 'personal' || (b.kind === 'team' && a.team === b.team));
}

function newReplyId(): string {
  return `r-${crypto.randomUUID()}`;
}
