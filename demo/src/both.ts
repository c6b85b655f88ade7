/** Agent and supervisor side by side, each in its own frame (its own page, as on two desks). */
import { html, render } from 'lit';
import { applyTheme, loadSettings, pageUrl } from './connect.js';

applyTheme(loadSettings());
render(
  html`<main class="both">
    <iframe title="Agent desktop (Ann)" src=${pageUrl('agent', 'ann')}></iframe>
    <iframe title="Supervisor wallboard (Sam)" src=${pageUrl('wallboard', 'sam')}></iframe>
  </main>`,
  document.getElementById('app')!,
);
