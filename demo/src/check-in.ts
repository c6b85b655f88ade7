/**
 * The wallboard's "Check in with an agent": a supervisor opens a private conversation with an
 * agent of their team on one of the agent's interactions, no flag raised. The demo knows every
 * agent's sample interactions (scripted.ts); a real host passes its own.
 */
import { html, nothing } from 'lit';
import { isFlagError, type FlagClient, type Participant } from '@flagline/core';
import { CHANNEL_LABEL, interactionsFor } from './scripted.js';
import { PEOPLE } from './people.js';

let agentId = '';
let interactionId = '';
let message = '';
let note = '';

/** The form; `opened` is told the new flag so the wallboard can open its chat. */
export function checkInForm(client: FlagClient, me: Participant, update: () => void, opened: (flagId: string) => void) {
  const agents = PEOPLE.filter((p) => p.role === 'agent' && p.teams.some((t) => me.teams.includes(t)));
  agentId ||= agents[0]?.id ?? '';
  const interactions = interactionsFor(agentId).filter((i) => i.channel !== 'legacy-chat');
  if (!interactions.some((i) => i.id === interactionId)) interactionId = interactions[0]?.id ?? '';
  const submit = async (e: Event) => {
    e.preventDefault();
    const interaction = interactions.find((i) => i.id === interactionId);
    if (!interaction || !message.trim()) return;
    try {
      const { flagId } = await client.checkIn({ agentId, interactionId, channel: interaction.channel, customerLabel: interaction.customer, message });
      note = '';
      message = '';
      opened(flagId!);
    } catch (err) {
      note = isFlagError(err) ? err.message : String(err);
    }
    update();
  };
  return html`<details class="check-in">
    <summary>Check in with an agent</summary>
    <form @submit=${submit}>
      <label>Agent
        <select @change=${(e: Event) => ((agentId = (e.target as HTMLSelectElement).value), update())}>
          ${agents.map((a) => html`<option value=${a.id} ?selected=${a.id === agentId}>${a.name}</option>`)}
        </select>
      </label>
      <label>Interaction
        <select @change=${(e: Event) => ((interactionId = (e.target as HTMLSelectElement).value), update())}>
          ${interactions.map((i) => html`<option value=${i.id} ?selected=${i.id === interactionId}>${CHANNEL_LABEL[i.channel]} · ${i.customer}</option>`)}
        </select>
      </label>
      <label>First message
        <input type="text" required .value=${message} @input=${(e: Event) => (message = (e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit">Check in</button>
      ${note ? html`<p class="error" role="alert">${note}</p>` : nothing}
    </form>
  </details>`;
}
