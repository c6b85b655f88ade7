/**
 * How a demo page gets its FlagClient: the relay over WebSocket (default; login through the
 * relay's dev-only token endpoint) or, with ?transport=broadcast, tabs of this origin with no
 * server at all. Host settings (legacy chat, fallback mode, theme, the elements' language) live
 * in localStorage so every page of the demo agrees.
 */
import {
  createBroadcastChannelTransport,
  createFlagClient,
  createWebSocketTransport,
  type Flag,
  type FlagClient,
  type Participant,
  type ParticipantRef,
  type TranscriptSink,
  type Transport,
} from '@flagline/core';

import type { RelayRulesOptions } from '@flagline/core/automation';
import { PEOPLE, SECOND_TIER_TEAMS } from './people.js';

export type TransportKind = 'relay' | 'broadcast';

/** The languages the demo offers for the Flagline elements (the page around them stays English). */
export type ElementsLanguage = 'en' | 'es' | 'fr' | 'ar';

export interface HostSettings {
  legacyChatEnabled: boolean;
  fallbackMode: boolean;
  dark: boolean | null;
  lang: ElementsLanguage;
}

const SETTINGS_KEY = 'flagline-demo-settings';
const DEFAULT_SETTINGS: HostSettings = { legacyChatEnabled: false, fallbackMode: false, dark: null, lang: 'en' };

export function loadSettings(): HostSettings {
  try {
    return { ...DEFAULT_SETTINGS, ...JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? '{}') };
  } catch {
    return DEFAULT_SETTINGS;
  }
}

export function saveSettings(settings: HostSettings): void {
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
}

export function transportKind(): TransportKind {
  return new URLSearchParams(location.search).get('transport') === 'broadcast' ? 'broadcast' : 'relay';
}

export function personFromUrl(fallbackId: string): Participant {
  const id = new URLSearchParams(location.search).get('as') ?? fallbackId;
  return PEOPLE.find((p) => p.id === id) ?? PEOPLE.find((p) => p.id === fallbackId)!;
}

/** Asks the relay's dev-only endpoint for a signed token (the demo's stand-in for your SSO). */
async function devToken(participantId: string): Promise<string> {
  const res = await fetch('/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ participantId }),
  });
  if (!res.ok) throw new Error(`The relay refused a dev token (${res.status}): ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  latest = { id: participantId, token };
  return token;
}

/**
 * The token the WebSocket transport got last: valid for the relay it is connected to now (it
 * asks again at every reconnect and before expiry). A report sent on `pagehide` uses it, with no
 * round trip first (the page may be gone by the time one would answer).
 */
let latest: { id: string; token: string } | undefined;

/**
 * Where this page's team rules come from: the relay that serves them (`--rules`, with the
 * participant's token), or null with ?transport=broadcast, where there is no server.
 */
export function relayRules(me: Participant): RelayRulesOptions | null {
  if (transportKind() === 'broadcast') return null;
  return { relayUrl: location.origin, team: me.teams[0]!, token: () => (latest?.id === me.id ? latest.token : devToken(me.id)) };
}

export function connect(me: Participant, transcriptSink?: TranscriptSink): FlagClient {
  const settings = loadSettings();
  let transport: Transport;
  if (transportKind() === 'broadcast') {
    transport = createBroadcastChannelTransport({ participant: me, channel: 'demo', config: { legacyChatEnabled: true, escalation: { secondTierTeams: [...SECOND_TIER_TEAMS] } } });
  } else {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    transport = createWebSocketTransport({ url, token: () => devToken(me.id) });
  }
  return createFlagClient({
    transport,
    me,
    config: { legacyChatEnabled: settings.legacyChatEnabled, fallbackMode: settings.fallbackMode },
    ...(transcriptSink ? { transcriptSink } : {}),
  });
}

/**
 * Whom a supervisor can hand a flag to: the supervisors the relay sees online in the flag's team
 * (GET /api/presence/:team). Tabs on a BroadcastChannel have no relay: the demo's people of the team.
 */
export function handoffTargets(me: Participant): (flag: Flag) => Promise<ParticipantRef[]> {
  return async (flag) => {
    if (transportKind() === 'broadcast') return PEOPLE.filter((p) => p.role === 'supervisor' && p.teams.includes(flag.team)).map(({ id, name, role }) => ({ id, name, role }));
    const res = await fetch(`/api/presence/${encodeURIComponent(flag.team)}`, { headers: { authorization: `Bearer ${await devToken(me.id)}` } });
    if (!res.ok) throw new Error(`The relay did not say who is online (${res.status}).`);
    return ((await res.json()) as { supervisors: ParticipantRef[] }).supervisors;
  };
}

/** Keeps the `transport` choice when linking between demo pages. */
export function pageUrl(page: string, as: string): string {
  const params = new URLSearchParams({ as });
  if (transportKind() === 'broadcast') params.set('transport', 'broadcast');
  return `./${page}.html?${params}`;
}

export function applyTheme(settings: HostSettings): void {
  const root = document.documentElement;
  if (settings.dark === null) root.removeAttribute('data-theme');
  else root.dataset.theme = settings.dark ? 'dark' : 'light';
}
