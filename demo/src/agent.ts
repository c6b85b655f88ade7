/** The agent desktop: a mock CRM with a softphone bar, messaging and chat panes, and the live transcript. */
import '@flagline/elements/define.js';
import { html, nothing, render } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { FlagClient, TranscriptEntry } from '@flagline/core';
import { ConversationStore, EXAMPLE_RULES, fetchTeamRules, RuleEngine, SuggestionReporter } from '@flagline/core/automation';
import { flagMark } from './icons.js';
import { applyTheme, connect, loadSettings, pageUrl, personFromUrl, relayRules, saveSettings, transportKind } from './connect.js';
import { CrmRecord } from './crm-record.js';
import { ServerRecord, type ServerEntry } from './server-record.js';
import { CHANNEL_LABEL, interactionsFor, type DemoInteraction } from './scripted.js';
import { elementTheme, flagline, languagePicker, statusPill, themeToggle } from './chrome.js';
import { PEOPLE } from './people.js';

const me = personFromUrl('ann');
const settings = loadSettings();
applyTheme(settings);
const crm = new CrmRecord(me.id);
// The host backend's record of the same transcript, written from webhooks (npm start runs it).
const serverRecord = new ServerRecord(() => update());
const client: FlagClient = connect(me, crm);
const interactions = interactionsFor(me.id);
const started = Date.now();
const ENDED_KEY = `flagline-demo-ended:${me.id}`;
const ended = new Set<string>(JSON.parse(localStorage.getItem(ENDED_KEY) ?? '[]') as string[]);
// The shown interaction lives in the URL's hash, so a reload (a host setting changed) keeps it.
let selected = interactions.find((i) => `#${i.id}` === location.hash)?.id ?? interactions[0]!.id;
/** Who joined each interaction: they stay on it after the flag is lowered, until it ends. */
const joinedBy = new Map<string, string>();
const app = document.getElementById('app')!;
const mySupervisor = PEOPLE.find((p) => p.role === 'supervisor' && p.teams.includes(me.teams[0]!)) ?? PEOPLE.find((p) => p.role === 'supervisor')!;
const flagStores = new Map(interactions.map((i) => [i.id, client.flagFor(i.id)]));

// The host feeds Flagline the customer conversations; the team's rules (from the relay, or the
// example set when tabs talk with no server) watch them and suggest (or raise) flags in each
// interaction's <flag-button>. Legacy chat shares no conversation.
const conversations = new ConversationStore({ disabledChannels: ['legacy-chat'] });
const rulesFrom = relayRules(me);
let rulesLoaded = rulesFrom === null;
const engine = new RuleEngine({
  rules: rulesFrom === null ? EXAMPLE_RULES : [],
  conversations,
  isFlagOpen: (id) => {
    const flag = client.flagFor(id).get();
    return flag !== undefined && flag.status !== 'lowered';
  },
  // Suggestions show in the interaction's <flag-button>; an auto-raise is raised here, shown or not.
  onTrigger: (trigger) => {
    if (trigger.action !== 'auto-raise') return;
    const context = conversations.contextFor(trigger.interactionId);
    client.raise({ ...trigger.raise, ...(context ? { context } : {}) }).catch((err: Error) => alertHost(`Could not raise the flag: ${err.message}`));
  },
});
for (const i of interactions) if (!ended.has(i.id)) conversations.observeConversation(i.id, { channel: i.channel, startedAt: started });
if (rulesFrom) {
  fetchTeamRules(rulesFrom).then(
    (rules) => {
      engine.setRules(rules);
      rulesLoaded = true;
      feedConversations();
    },
    (err: Error) => alertHost(`Could not load the team's conversation rules: ${err.message}`),
  );
  // What the agent does with suggestions goes back to the relay's /metrics, for the admins.
  const reporter = new SuggestionReporter(() => engine.counters(), rulesFrom);
  const report = () => reporter.flush().catch((err: Error) => console.warn(`Suggestion report kept for later: ${err.message}`));
  setInterval(report, 10_000);
  addEventListener('pagehide', report);
}

function customerLines(i: DemoInteraction): string[] {
  const shown = 1 + Math.floor((Date.now() - started) / 5000);
  return i.script.slice(0, shown);
}

/** Each scripted line the customer "says" goes to the conversation store once, as it appears. */
function feedConversations() {
  // Lines said before the rules arrived are fed once they have (the rules see every turn).
  if (!rulesLoaded) return;
  for (const i of interactions) {
    if (ended.has(i.id)) continue;
    const lines = customerLines(i);
    for (const text of lines.slice(conversations.turns(i.id).length)) conversations.appendTurn(i.id, { from: 'customer', text, at: Date.now() });
  }
}

async function endInteraction(i: DemoInteraction) {
  try {
    await client.endInteraction(i.id);
    ended.add(i.id);
    conversations.endConversation(i.id);
    joinedBy.delete(i.id);
    localStorage.setItem(ENDED_KEY, JSON.stringify([...ended]));
  } catch (err) {
    alertHost(`Could not end the interaction: ${(err as Error).message}`);
  }
  update();
}

function alertHost(text: string) {
  const region = document.getElementById('host-alert');
  if (region) region.textContent = text;
}

function setSetting(key: 'legacyChatEnabled' | 'fallbackMode', value: boolean) {
  saveSettings({ ...loadSettings(), [key]: value });
  // Host configuration is read when the client is created, as in a real host app.
  location.reload();
}

function transcriptLine(e: TranscriptEntry) {
  const time = new Date(e.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return html`<li class="entry entry-${e.type === 'message' ? 'message' : 'event'}" data-entry-id=${e.id}>
    <time>${time}</time><span class="tag">${e.type === 'message' ? 'Private' : 'Flag'}</span> ${e.text}
  </li>`;
}

function serverLine(e: ServerEntry) {
  const time = new Date(e.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return html`<li class="entry entry-${e.type === 'message' ? 'message' : 'event'}">
    <time>${time}</time><span class="tag">${e.type === 'message' ? 'Private' : 'Flag'}</span> ${e.text}
  </li>`;
}

function pane(i: DemoInteraction) {
  const flag = flagStores.get(i.id)!.get();
  const isEnded = ended.has(i.id);
  if (flag?.join === 'accepted' && flag.joinBy && !isEnded) joinedBy.set(i.id, flag.joinBy.name);
  const joined = isEnded ? undefined : joinedBy.get(i.id);
  const button = isEnded
    ? nothing
    : flagline(
        html`<flag-button interaction-id=${i.id} channel=${i.channel} customer-label=${i.customer} theme=${ifDefined(elementTheme())}
          .conversations=${conversations} .engine=${engine}></flag-button>`,
      );
  const participants = html`<ul class="participants" aria-label="In this conversation">
    <li>${i.customer} <small>customer</small></li>
    <li>${me.name} <small>you</small></li>
    ${joined ? html`<li class="joined" data-testid="supervisor-joined">${joined} <small>supervisor · joined</small></li>` : nothing}
  </ul>`;
  const controls =
    i.channel === 'voice'
      ? html`<div class="softphone" role="toolbar" aria-label="Call controls">
          <span class="call-timer" aria-hidden="true">● On call</span>
          <button type="button" ?disabled=${isEnded}>Mute</button>
          <button type="button" ?disabled=${isEnded}>Hold</button>
          <button type="button" ?disabled=${isEnded}>Transfer</button>
          ${button}
          <button type="button" class="danger" ?disabled=${isEnded} @click=${() => endInteraction(i)}>End call</button>
        </div>`
      : html`<div class="conversation-toolbar" role="toolbar" aria-label="Conversation tools">
          ${button}
          <button type="button" class="danger" ?disabled=${isEnded} @click=${() => endInteraction(i)}>End conversation</button>
        </div>`;
  return html`<section class="interaction" aria-labelledby="title-${i.id}" data-channel=${i.channel}>
    <header class="interaction-head">
      <div>
        <h2 id="title-${i.id}">${i.customer}</h2>
        <p class="muted">${CHANNEL_LABEL[i.channel]} · ${i.topic}${isEnded ? ' · ended' : ''}</p>
      </div>
      ${participants}
    </header>
    ${controls}
    <div class="conversation" aria-label="Customer conversation">
      ${customerLines(i).map((line) => html`<p class="bubble customer">${line}</p>`)}
      ${joined ? html`<p class="system-line">${joined} joined the ${i.channel === 'voice' ? 'call' : 'conversation'}.</p>` : nothing}
      ${isEnded ? html`<p class="system-line">This interaction has ended.</p>` : nothing}
    </div>
  </section>`;
}

function view() {
  const current = interactions.find((i) => i.id === selected)!;
  const entries = crm.entriesFor(current.id);
  const serverEntries = serverRecord.entriesFor(current.id);
  const s = loadSettings();
  return html`
    <header class="topbar">
      <a class="brand" href=${pageUrl('index', me.id)}>${flagMark()} Flagline <span>demo CRM</span></a>
      <span class="who">${me.name} · Agent · ${me.teams.join(', ')}</span>
      ${statusPill(client)}
      <a class="link" href=${pageUrl('wallboard', mySupervisor.id)} target="_blank" rel="noopener">Open ${mySupervisor.name}'s wallboard</a>
      <details class="settings">
        <summary>Host settings</summary>
        <label><input type="checkbox" .checked=${s.legacyChatEnabled} @change=${(e: Event) => setSetting('legacyChatEnabled', (e.target as HTMLInputElement).checked)} /> Enable flags on legacy chat</label>
        <label><input type="checkbox" .checked=${s.fallbackMode} @change=${(e: Event) => setSetting('fallbackMode', (e.target as HTMLInputElement).checked)} /> Fallback mode</label>
        ${themeToggle(update)}
        ${languagePicker(update)}
        <p class="muted small">Transport: ${transportKind() === 'relay' ? 'relay (WebSocket)' : 'BroadcastChannel (no server)'}</p>
      </details>
    </header>
    <main class="agent-layout">
      <h1 class="visually-hidden">Agent desktop: ${me.name}</h1>
      <nav class="queue" aria-label="My interactions">
        <h2 class="section-title">My interactions</h2>
        <ul>
          ${interactions.map((i) => {
            const flag = flagStores.get(i.id)!.get();
            return html`<li>
              <button type="button" class="queue-item" aria-current=${i.id === selected ? 'true' : 'false'} @click=${() => select(i.id)}>
                <span class="queue-name" title=${i.customer}>${i.customer}</span>
                <span class="muted small">${CHANNEL_LABEL[i.channel]}${ended.has(i.id) ? ' · ended' : ''}</span>
                ${flag && flag.status !== 'lowered' ? html`<span class="badge ${flag.status}">${flagMark()} ${flag.status}</span>` : nothing}
              </button>
            </li>`;
          })}
        </ul>
      </nav>
      ${pane(current)}
      <aside class="transcript" aria-labelledby="transcript-title">
        <h2 class="section-title" id="transcript-title">Interaction transcript</h2>
        <p class="muted small">Written to the CRM record by Flagline's transcript sink, as it happens.</p>
        <!-- Scrollable once it grows: focusable, so a keyboard user can scroll it. -->
        <ol class="entries" data-testid="transcript" tabindex="0" aria-labelledby="transcript-title">
          ${entries.length ? entries.map(transcriptLine) : html`<li class="muted">Nothing yet: raise a flag to see it here.</li>`}
        </ol>
        ${serverRecord.available
          ? html`<h2 class="section-title" id="server-transcript-title">CRM record (server side)</h2>
              <p class="muted small">Written by the CRM's backend from the relay's signed webhooks, with no browser involved.</p>
              <ol class="entries" data-testid="server-transcript" tabindex="0" aria-labelledby="server-transcript-title">
                ${serverEntries.length ? serverEntries.map(serverLine) : html`<li class="muted">Nothing yet.</li>`}
              </ol>`
          : nothing}
      </aside>
    </main>
    <p id="host-alert" role="alert" class="host-alert"></p>
  `;
}

function select(id: string) {
  selected = id;
  history.replaceState(null, '', `#${id}`);
  update();
}

let shownEntries = 0;
function update() {
  render(html`<flagline-provider .client=${client}>${view()}</flagline-provider>`, app);
  // A new transcript line scrolls the transcript to it, as a chat log does.
  const count = crm.entriesFor(selected).length;
  if (count !== shownEntries) {
    shownEntries = count;
    const list = app.querySelector('[data-testid=transcript]');
    list?.scrollTo({ top: list.scrollHeight });
  }
}

client.$flags.listen(update);
client.$status.listen(update);
crm.onChange(update);
setInterval(() => {
  feedConversations();
  update();
}, 5000);
feedConversations();
update();
