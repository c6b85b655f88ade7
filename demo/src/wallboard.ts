/** The supervisor wallboard: live flags, the selected flag's private chat, alerts and figures. */
import '@flagline/elements/define.js';
import { html, nothing, render } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { flagMetrics, type Flag, type FlagClient } from '@flagline/core';
import { applyTheme, connect, loadSettings, pageUrl, personFromUrl } from './connect.js';
import { elementTheme, flagline, languagePicker, statusPill, themeToggle } from './chrome.js';

const me = personFromUrl('sam');
applyTheme(loadSettings());
const client: FlagClient = connect(me);
const app = document.getElementById('app')!;
let selected: string | null = null;
let sound = false;
let notifications = false;
let toast = '';

function minutes(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

function figures(flags: readonly Flag[], all: ReadonlyMap<string, Flag>) {
  const unacked = flags.filter((f) => f.status === 'raised').length;
  const urgent = flags.filter((f) => f.severity === 'urgent').length;
  const acks = [...all.values()].map((f) => flagMetrics(f).timeToAcknowledgeMs).filter((v): v is number => v !== undefined);
  const avg = acks.length ? acks.reduce((a, b) => a + b, 0) / acks.length : undefined;
  return html`<dl class="figures">
    <div><dt>Open flags</dt><dd data-testid="open-count">${flags.length}</dd></div>
    <div><dt>Waiting for someone</dt><dd>${unacked}</dd></div>
    <div><dt>Urgent</dt><dd>${urgent}</dd></div>
    <div><dt>Avg. time to acknowledge</dt><dd>${minutes(avg)}</dd></div>
  </dl>`;
}

function onJoinAccepted(e: Event & { flag?: Flag }) {
  // This is where a real host barges in with its softphone or messaging platform.
  const flag = e.flag;
  toast = flag ? `You joined ${flag.agent.name}'s ${flag.channel === 'voice' ? 'call' : 'conversation'} with ${flag.customerLabel || 'the customer'}.` : 'Joined.';
  update();
}

/** The wallboard shows the chat in its own panel (beside the widget, not inside it). */
function openChat(e: Event & { flag?: Flag }) {
  e.preventDefault();
  selected = e.flag?.id ?? null;
  update();
  // Keyboard users land in the composer of the chat they opened.
  const chat = document.querySelector<HTMLElement & { updateComplete: Promise<unknown> }>('supervisor-chat');
  void chat?.updateComplete.then(() => chat.shadowRoot?.querySelector<HTMLElement>('textarea')?.focus());
}

function view() {
  const open = client.$openFlags.get();
  return html`
    <header class="topbar">
      <a class="brand" href=${pageUrl('index', me.id)}>⚑ Flagline <span>command center</span></a>
      <span class="who">${me.name} · Supervisor · ${me.teams.join(', ')}</span>
      ${statusPill(client)}
      <label class="toggle"><input type="checkbox" .checked=${sound} @change=${(e: Event) => { sound = (e.target as HTMLInputElement).checked; update(); }} /> Sound</label>
      <label class="toggle"><input type="checkbox" .checked=${notifications} @change=${(e: Event) => { notifications = (e.target as HTMLInputElement).checked; update(); }} /> Desktop notifications</label>
      <details class="settings"><summary>Display</summary>${themeToggle(update)}${languagePicker(update)}</details>
    </header>
    <main class="wallboard-layout">
      <section aria-labelledby="flags-title" class="board">
        <h1 id="flags-title" class="visually-hidden">Raised flags for ${me.teams.join(', ')}</h1>
        ${figures(open, client.$flags.get())}
        ${flagline(html`<raised-flags-widget
          ?sound=${sound}
          ?notifications=${notifications}
          theme=${ifDefined(elementTheme())}
          @flag-open-chat=${openChat}
          @join-accepted=${onJoinAccepted}
        ></raised-flags-widget>`)}
      </section>
      <section class="chat-panel" aria-labelledby="chat-title">
        <h2 id="chat-title" class="section-title">Private chat</h2>
        ${selected
          ? flagline(html`<supervisor-chat flag-id=${selected} theme=${ifDefined(elementTheme())}></supervisor-chat>`)
          : html`<p class="muted">Choose <strong>Open chat</strong> on a flag to talk with its agent.</p>`}
      </section>
    </main>
    ${toast ? html`<p class="toast" role="status" data-testid="join-toast">${toast} <button type="button" @click=${() => { toast = ''; update(); }}>Dismiss</button></p>` : nothing}
  `;
}

function update() {
  render(html`<flagline-provider .client=${client}>${view()}</flagline-provider>`, app);
}

client.$flags.listen(update);
client.$status.listen(update);
update();
