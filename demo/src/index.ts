/** The landing page: pick who you are, or open an agent and a supervisor side by side. */
import { html, render } from 'lit';
import { applyTheme, loadSettings, pageUrl, transportKind } from './connect.js';
import { flagMark } from './icons.js';
import { PEOPLE } from './people.js';

applyTheme(loadSettings());
const agents = PEOPLE.filter((p) => p.role === 'agent');
const supervisors = PEOPLE.filter((p) => p.role === 'supervisor');
const both = `./both.html${transportKind() === 'broadcast' ? '?transport=broadcast' : ''}`;

render(
  html`<main class="landing">
    <h1 class="brand-title">${flagMark()} Flagline</h1>
    <p class="lede">An agent serving a customer raises a flag; a supervisor sees it at once, they talk in private, the supervisor can join the conversation, and all of it lands in the interaction's transcript.</p>
    <p><a class="primary-link" href=${both}>Open an agent and a supervisor side by side</a></p>
    <div class="people">
      <section aria-labelledby="agents-title">
        <h2 id="agents-title">Agents</h2>
        <ul>${agents.map((p) => html`<li><a href=${pageUrl('agent', p.id)}>${p.name}</a> <span class="muted">team ${p.teams.join(', ')}</span></li>`)}</ul>
      </section>
      <section aria-labelledby="sups-title">
        <h2 id="sups-title">Supervisors</h2>
        <ul>${supervisors.map((p) => html`<li><a href=${pageUrl('wallboard', p.id)}>${p.name}</a> <span class="muted">teams ${p.teams.join(', ')}</span></li>`)}</ul>
      </section>
    </div>
    <p class="muted small">Transport: ${transportKind() === 'relay' ? html`the relay over WebSocket (<a href="?transport=broadcast">use BroadcastChannel instead</a>)` : html`BroadcastChannel between tabs, no server (<a href="?">use the relay</a>)`}. Sign-in goes through the relay's dev-only token endpoint.</p>
  </main>`,
  document.getElementById('app')!,
);
