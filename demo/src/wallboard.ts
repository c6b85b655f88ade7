/** The supervisor wallboard: live flags, the selected flag's private chat, alerts, figures and history. */
import '@flagline/elements/define.js';
import '@flagline/elements/define-flag-metrics.js';
import { html, nothing, render } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { Flag, FlagClient } from '@flagline/core';
import { groupSimilarFlags } from '@flagline/core/automation';
import { flagMark } from './icons.js';
import { applyTheme, connect, handoffTargets, loadSettings, pageUrl, personFromUrl } from './connect.js';
import { checkInForm } from './check-in.js';
import { elementTheme, flagline, languagePicker, statusPill, themeToggle } from './chrome.js';
import { simulateOutage } from './outage.js';
import { PEOPLE } from './people.js';

const me = personFromUrl('sam');
applyTheme(loadSettings());
const client: FlagClient = connect(me);
const targets = handoffTargets(me);
const app = document.getElementById('app')!;
/** The open chat survives a reload (the widget keeps the supervisor's alert settings itself). */
const PREFS_KEY = `flagline-demo-wallboard:${me.id}`;
interface WallboardPrefs {
  selected: string | null;
  /** The live board, or the history of lowered flags. */
  view: 'board' | 'history';
}
let prefs: WallboardPrefs = { selected: null, view: 'board', ...(JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') as Partial<WallboardPrefs>) };
function setPrefs(patch: Partial<WallboardPrefs>) {
  prefs = { ...prefs, ...patch };
  localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
  update();
}
/** How long the join toast stays (it can be dismissed sooner). */
const TOAST_MS = 8_000;
/** The join toast, while its flag is open, for TOAST_MS at most. */
let toast: { flagId: string; text: string } | null = null;
/** What the scripted outage did, said in the toast region. */
let outageNote = '';

async function outage() {
  outageNote = 'The payment page is down: every agent of the team raises a flag…';
  update();
  try {
    outageNote = `${await simulateOutage(PEOPLE, me.teams[0]!)} agents raised a flag about the payment page.`;
  } catch (err) {
    outageNote = `The scripted outage failed: ${(err as Error).message}`;
  }
  update();
}

/** The history element loads on first use: the live board does not pay for it. The board stays mounted (its alerts keep ringing). */
let historyLoaded: Promise<unknown> | undefined;
function showView(view: WallboardPrefs['view']) {
  if (view === 'history') historyLoaded ??= import('@flagline/elements/define-flag-history.js');
  setPrefs({ view });
}
if (prefs.view === 'history') historyLoaded = import('@flagline/elements/define-flag-history.js');

function onJoinAccepted(e: Event & { flag?: Flag }) {
  // This is where a real host barges in with its softphone or messaging platform.
  const flag = e.flag;
  if (!flag) return;
  const shown = (toast = { flagId: flag.id, text: `You joined ${flag.agent.name}'s ${flag.channel === 'voice' ? 'call' : 'conversation'} with ${flag.customerLabel || 'the customer'}.` });
  update();
  // Said (a status region) and seen; then out of the way of the chat it would cover on a phone.
  setTimeout(() => {
    if (toast !== shown) return;
    toast = null;
    update();
  }, TOAST_MS);
}

/** The wallboard shows the chat in its own panel (beside the widget, not inside it). */
function openChat(e: Event & { flag?: Flag }) {
  e.preventDefault();
  showChat(e.flag?.id ?? null);
}

/** Show a flag's chat; keyboard users land in its composer (from a row's Open chat, or a check-in). */
function showChat(flagId: string | null) {
  setPrefs({ selected: flagId });
  const chat = document.querySelector<HTMLElement & { updateComplete: Promise<unknown> }>('supervisor-chat');
  void chat?.updateComplete.then(() => chat.shadowRoot?.querySelector<HTMLElement>('textarea')?.focus());
}

function closeChat() {
  const id = prefs.selected;
  setPrefs({ selected: null });
  // Back to the row whose chat it was.
  const widget = document.querySelector('raised-flags-widget');
  widget?.shadowRoot?.querySelector<HTMLElement>(`[data-flag-id="${CSS.escape(id ?? '')}"] .open-chat`)?.focus();
}

/** Narrow screens show the open chat as a full-screen sheet (demo.css): a modal, so what it covers is inert. */
const narrow = matchMedia('(max-width: 700px)');
narrow.addEventListener('change', () => update());

/** Escape closes the sheet, unless something inside it (the quick replies, a dialog) takes it. */
function closeOnEscape(e: KeyboardEvent) {
  if (e.key !== 'Escape' || e.defaultPrevented || !narrow.matches) return;
  if (e.composedPath().some((el) => el instanceof HTMLDialogElement || (el instanceof HTMLElement && el.hasAttribute('popover')))) return;
  closeChat();
}

function chatPanel(flag: Flag | undefined) {
  if (!flag)
    return html`<section class="chat-panel" aria-labelledby="chat-title">
      <h2 id="chat-title" class="section-title">Private chat</h2>
      <p class="muted empty-hint">Choose <strong>Open chat</strong> on a flag to talk with its agent. Only the two of you see it; it lands in the interaction's transcript.</p>
    </section>`;
  return html`<section class="chat-panel" data-open aria-labelledby="chat-title" aria-modal=${narrow.matches ? 'true' : nothing} role=${narrow.matches ? 'dialog' : nothing} @keydown=${closeOnEscape}>
    <div class="chat-head">
      <div class="chat-who">
        <h2 id="chat-title"><span class="section-title">Private chat with</span> <span class="chat-name" dir="auto" title=${flag.agent.name}>${flag.agent.name}</span></h2>
        <p class="muted small" title=${flag.customerLabel} dir="auto">${flag.customerLabel ? `About ${flag.customerLabel}` : ''}</p>
      </div>
      <button type="button" class="close-chat" @click=${closeChat}>Close chat</button>
    </div>
    ${flagline(html`<supervisor-chat flag-id=${flag.id} theme=${ifDefined(elementTheme())}></supervisor-chat>`)}
  </section>`;
}

function view() {
  const open = client.$openFlags.get();
  const all = client.$flags.get();
  // The chat stays on a lowered flag (read-only) until closed; a flag the relay forgot closes it.
  const chatFlag = prefs.selected ? all.get(prefs.selected) : undefined;
  const shownToast = toast && open.some((f) => f.id === toast!.flagId) ? toast : null;
  const sheet = !!chatFlag && narrow.matches;
  return html`
    <header class="topbar" ?inert=${sheet}>
      <a class="brand" href=${pageUrl('index', me.id)}>${flagMark()} Flagline <span>command center</span></a>
      <span class="who">${me.name} · Supervisor · ${me.teams.join(', ')}</span>
      ${statusPill(client)}
      <details class="settings"><summary>Display</summary>${themeToggle(update)}${languagePicker(update)}
        <button type="button" class="simulate-outage" @click=${outage}>Simulate an outage</button></details>
    </header>
    ${flagline(html`<flag-metrics class="header-metrics" ?inert=${sheet} theme=${ifDefined(elementTheme())}></flag-metrics>`)}
    <nav class="views" aria-label="Wallboard views" ?inert=${sheet}>
      <button type="button" aria-pressed=${prefs.view === 'board' ? 'true' : 'false'} @click=${() => showView('board')}>Live flags</button>
      <button type="button" aria-pressed=${prefs.view === 'history' ? 'true' : 'false'} @click=${() => showView('history')}>History</button>
    </nav>
    <main class="wallboard-layout" ?hidden=${prefs.view !== 'board'}>
      <section aria-labelledby="flags-title" class="board" ?inert=${sheet}>
        <h1 id="flags-title" class="visually-hidden">Raised flags for ${me.teams.join(', ')}</h1>
        ${checkInForm(client, me, update, showChat)}
        ${flagline(html`<raised-flags-widget
          sound
          notifications
          badge-title
          service-worker="./flagline-sw.js"
          selected-flag-id=${chatFlag?.id ?? ''}
          theme=${ifDefined(elementTheme())}
          .groupSimilar=${groupSimilarFlags}
          .handoffTargets=${targets}
          @flag-open-chat=${openChat}
          @join-accepted=${onJoinAccepted}
        ></raised-flags-widget>`)}
      </section>
      ${chatPanel(chatFlag)}
    </main>
    ${prefs.view === 'history'
      ? html`<main class="history-view" aria-labelledby="history-title">
          <h1 id="history-title" class="visually-hidden">History of lowered flags</h1>
          ${flagline(html`<flag-history theme=${ifDefined(elementTheme())}></flag-history>`)}
        </main>`
      : nothing}
    <div role="status" class="toast-region">
      ${shownToast
        ? html`<p class="toast" data-testid="join-toast">${shownToast.text} <button type="button" @click=${() => { toast = null; update(); }}>Dismiss</button></p>`
        : nothing}
      ${outageNote ? html`<p class="toast" data-testid="outage-note">${outageNote}</p>` : nothing}
    </div>
  `;
}

function update() {
  render(html`<flagline-provider .client=${client}>${view()}</flagline-provider>`, app);
}

client.$flags.listen(update);
client.$status.listen(update);
update();
