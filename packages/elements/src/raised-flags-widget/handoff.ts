import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { Flag, FlagEvent, FlagView, ParticipantRef } from '@flagline/core';
import type { RaisedFlagsWidgetStrings } from './strings.js';

/**
 * Whom a flag can be handed to: the supervisors online in its team (the relay's
 * `GET /api/presence/:team` answers it). The host provides it; the viewer is left out here.
 */
export type HandoffTargets = (flag: Flag) => readonly ParticipantRef[] | Promise<readonly ParticipantRef[]>;

interface Host extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

interface Wiring {
  targets: () => HandoffTargets | undefined;
  /** Runs the hand-off through the client, reporting a failure on the row. */
  handOff: (flag: Flag, to: string | undefined, note: string) => Promise<unknown>;
}

/**
 * The widget's "Hand off" dialog (a native modal `<dialog>`): a radio group of the supervisors
 * online in the flag's team and "Back to the team queue", a note, Hand off / Cancel. Keyboard
 * only: the arrows move between choices, Escape cancels, focus returns to the row's button.
 */
export class HandoffDialog implements ReactiveController {
  #flag: Flag | undefined;
  #targets: readonly ParticipantRef[] = [];
  #loading = false;
  /** Why the list of supervisors could not be had (the team queue is still offered). */
  #failed = '';
  #choice = '';
  /** Whether the supervisor chose; until they do, the first colleague listed is the choice. */
  #picked = false;
  #note = '';

  constructor(
    private readonly host: Host,
    private readonly wiring: Wiring,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#flag = undefined;
  }

  get flagId(): string | undefined {
    return this.#flag?.id;
  }

  async open(flag: Flag, me: string): Promise<void> {
    this.#flag = flag;
    this.#choice = '';
    this.#picked = false;
    this.#note = '';
    this.#targets = [];
    this.#failed = '';
    const source = this.wiring.targets();
    this.#loading = source !== undefined;
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.#dialog()?.showModal();
    if (!source) return;
    let targets: readonly ParticipantRef[] = [];
    try {
      targets = await source(flag);
    } catch (err) {
      this.#failed = err instanceof Error ? err.message : String(err);
    }
    if (this.#flag !== flag) return;
    this.#targets = targets.filter((t) => t.id !== me);
    // Handing to a colleague is what the dialog is for: Enter should not quietly send the flag back to the queue.
    if (!this.#picked) this.#choice = this.#targets[0]?.id ?? '';
    this.#loading = false;
    this.host.requestUpdate();
    await this.host.updateComplete;
    // Focus in the choices (the dialog opened on the only one, the queue) goes to the chosen one, as Tab would have.
    const dialog = this.#dialog();
    const root = dialog?.getRootNode() as ShadowRoot | undefined;
    if (root?.activeElement instanceof HTMLInputElement && root.activeElement.name === 'handoff-to')
      dialog?.querySelector<HTMLInputElement>('input[name="handoff-to"]:checked')?.focus();
  }

  close(): void {
    const flagId = this.#flag?.id;
    this.#dialog()?.close();
    this.#flag = undefined;
    this.host.requestUpdate();
    // Back to the row's Hand off, or (once an offer is pending and it is gone) to its Open chat.
    void this.host.updateComplete.then(() => {
      const row = this.host.renderRoot.querySelector<HTMLElement>(`[data-flag-id="${CSS.escape(flagId ?? '')}"]`);
      (row?.querySelector<HTMLElement>('.hand-off') ?? row?.querySelector<HTMLElement>('.open-chat'))?.focus();
    });
  }

  #dialog(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector<HTMLDialogElement>('dialog.handoff');
  }

  #submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const flag = this.#flag;
    if (!flag) return;
    const to = this.#choice || undefined;
    const note = this.#note;
    this.close();
    await this.wiring.handOff(flag, to, note);
  };

  render(s: RaisedFlagsWidgetStrings, noteLength: number) {
    const flag = this.#flag;
    if (!flag) return nothing;
    const choice = (id: string, label: string) => html`<label class="choice">
      <input type="radio" name="handoff-to" value=${id} .checked=${this.#choice === id} @change=${() => ((this.#choice = id), (this.#picked = true))} />
      <span dir="auto">${label}</span>
    </label>`;
    return html`<dialog class="handoff" aria-labelledby="handoff-title" @cancel=${(e: Event) => (e.preventDefault(), this.close())}>
      <form @submit=${this.#submit}>
        <h3 id="handoff-title" dir="auto">${s.handoffTitle(flag)}</h3>
        <fieldset>
          <legend>${s.handoffTo}</legend>
          ${this.#targets.map((t) => choice(t.id, t.name))} ${choice('', s.backToQueue)}
          ${this.#loading ? html`<p class="muted" role="status">${s.handoffLoading}</p>` : nothing}
          ${this.#failed ? html`<p class="error" role="alert">${this.#failed}</p>` : nothing}
          ${!this.#loading && !this.#failed && this.#targets.length === 0 ? html`<p class="muted">${s.noColleagues}</p>` : nothing}
        </fieldset>
        <label class="note">
          <span>${s.handoffNote}</span>
          <textarea dir="auto" rows="2" maxlength=${noteLength} .value=${this.#note} @input=${(e: Event) => (this.#note = (e.target as HTMLTextAreaElement).value)}></textarea>
        </label>
        <div class="actions">
          <button type="submit" class="primary">${s.handoffSubmit}</button>
          <button type="button" class="cancel" @click=${() => this.close()}>${s.handoffCancel}</button>
        </div>
      </form>
    </dialog>`;
  }
}

/** The row's hand-off line: offered to the viewer (with the note), or on its way to someone else. */
export function renderTransfer(view: FlagView, s: RaisedFlagsWidgetStrings) {
  const t = view.transfer;
  if (!t) return nothing;
  return html`<p class="transfer" dir="auto" data-to-me=${t.toMe ? 'true' : 'false'}>
    ${t.toMe ? s.handoffOfferedToYou(t.from.name) : s.handoffOfferedTo(t.to.name)}${t.note ? html` — <q>${t.note}</q>` : nothing}
  </p>`;
}

/**
 * What the viewer hears about a hand-off that concerns them, else undefined: an offer to them,
 * their own offer declined (they still help), a flag back in the team queue (it needs someone).
 */
export function transferAnnouncement(event: FlagEvent, flag: Flag, me: string, s: RaisedFlagsWidgetStrings): string | undefined {
  if (event.type === 'transfer-offered' && event.to.id === me) return s.announceHandoffOffered(flag, event.actor.name);
  if (event.type === 'transfer-declined' && flag.acknowledgedBy?.id === me) return s.announceDeclined(flag, event.actor.name);
  if (event.type === 'transfer-expired' || (event.type === 'handed-back' && event.actor.id !== me)) return s.announceBackInQueue(flag);
  return undefined;
}
