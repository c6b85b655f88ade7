/**
 * Story worlds: one in-process MemoryHub per story with real clients on it, and simulated
 * people (a supervisor who answers, agents who raise flags) so every state is live.
 */
import { createFlagClient, FlagError, MemoryHub, type Channel, type Command, type Transport, type FlagClient, type FlagConfigInput, type Participant, type Severity } from '@flagline/core';

export const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['billing'] };
export const sam: Participant = { id: 'sam', name: 'Sam Supervisor', role: 'supervisor', teams: ['billing', 'tech'] };

const AGENT_NAMES = ['Ann Agent', 'Bo Nakamura', 'Chloé Dubois', 'Dev Patel', 'Eva Lindqvist', 'Farid Haddad', 'Grace Okafor', 'Hugo Silva'];
const MESSAGES = [
  'Caller disputes a charge from last month',
  'Customer asks for a manager',
  'Refund above my limit, need approval',
  'Caller is very upset, threatening to cancel',
  'Technical issue I cannot reproduce',
  'Possible fraud on the account',
];
const CHANNEL_CYCLE: Channel[] = ['voice', 'enhanced-messaging', 'enhanced-chat', 'voice'];

export interface StoryWorld {
  hub: MemoryHub;
  agent: FlagClient;
  supervisor: FlagClient;
  client(who: Participant): FlagClient;
  /** A client whose next chat message is lost on the way out (shows Retry; the retry goes through). */
  flakyClient(who: Participant): FlagClient;
  /** Run `fn` every `ms` until the world closes (or the returned stop is called). */
  every(ms: number, fn: () => void): () => void;
  /** Run a command straight at the source of truth, as stored history would be: fast for thousands. */
  seed(who: Participant, command: Command): Promise<void>;
  /** Move the source of truth's clock forward (escalation is due after `escalation.afterMs`). */
  advance(ms: number): Promise<void>;
}

export const ESCALATE_AFTER_MS = 90_000;

/** Billing with offer routing (a minute per offer, so a story's countdown stays readable). */
export const OFFER_ROUTING: FlagConfigInput = { routing: { billing: { mode: 'offer', offerMs: 60_000, maxPerSupervisor: 3 } } };
export const nia: Participant = { id: 'nia', name: 'Nia Supervisor', role: 'supervisor', teams: ['billing'] };

/** Resolves once the source of truth told the client its presence (it is then online, counted by routing). */
export function presenceKnown(client: FlagClient): Promise<void> {
  return new Promise((resolve) => {
    const stop = client.$presence.subscribe((p) => {
      if (!p) return;
      queueMicrotask(() => stop());
      resolve();
    });
  });
}

const worlds = new Set<{ hub: MemoryHub; clients: FlagClient[]; timers: Set<ReturnType<typeof setInterval>> }>();

/** Close every story world (hubs, clients, simulated people): for tests that render stories. */
export async function closeStoryWorlds(): Promise<void> {
  for (const world of worlds) {
    for (const timer of world.timers) clearInterval(timer);
    for (const client of world.clients) client.close();
    await world.hub.close();
  }
  worlds.clear();
}

/** `startMinutesAgo` sets the source of truth's clock back, so flags show realistic waiting times. */
export function storyWorld(config: FlagConfigInput = {}, startMinutesAgo = 0): StoryWorld {
  let offset = -startMinutesAgo * 60_000;
  const merged: FlagConfigInput = { ...config, escalation: { afterMs: ESCALATE_AFTER_MS, secondTierTeams: ['tech'], ...config.escalation } };
  const hub = new MemoryHub({ tickMs: 0, config: merged, now: () => Date.now() + offset });
  const tracked = { hub, clients: [] as FlagClient[], timers: new Set<ReturnType<typeof setInterval>>() };
  worlds.add(tracked);
  const track = (c: FlagClient) => (tracked.clients.push(c), c);
  const client = (who: Participant) => track(createFlagClient({ transport: hub.transport(who), me: who, config: merged }));
  return {
    hub,
    agent: client(ann),
    supervisor: client(sam),
    client,
    flakyClient: (who) => track(createFlagClient({ transport: losingNextMessage(hub.transport(who)), me: who, config: merged })),
    every(ms, fn) {
      const timer = setInterval(fn, ms);
      tracked.timers.add(timer);
      return () => clearInterval(timer);
    },
    async seed(who, command) {
      const authority = await hub.ready;
      const outcome = await authority.execute(who, { id: crypto.randomUUID(), command });
      if (!outcome.ok) throw FlagError.from(outcome.error);
    },
    async advance(ms) {
      offset += ms;
      await hub.tick();
    },
  };
}

export function agentNumber(i: number): Participant {
  const name = AGENT_NAMES[i % AGENT_NAMES.length]!;
  return { id: `agent-${i}`, name: i < AGENT_NAMES.length ? name : `${name} ${Math.floor(i / AGENT_NAMES.length) + 1}`, role: 'agent', teams: [i % 3 === 2 ? 'tech' : 'billing'] };
}

/** `count` flags from 50 agents (a mix of channels, some urgent), seeded at the source of truth. */
export async function raiseMany(world: StoryWorld, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const severity: Severity = i % 7 === 3 ? 'urgent' : 'normal';
    await world.seed(agentNumber(i % 50), {
      type: 'raise',
      interactionId: `int-${i}`,
      channel: CHANNEL_CYCLE[i % CHANNEL_CYCLE.length]!,
      customerLabel: `Customer #${1000 + i}`,
      message: MESSAGES[i % MESSAGES.length]!,
      severity,
      ...(i % 4 === 1 ? { reason: 'billing' } : {}),
    });
  }
}

/** A simulated supervisor (or agent) who answers every message from the other side. */
export function autoReply(client: FlagClient, flagId: string, replies: string[]): void {
  let next = 0;
  client.on('event', ({ event, live }) => {
    if (!live || event.flagId !== flagId || event.type !== 'message' || event.actor.id === client.me.id) return;
    const text = replies[next++ % replies.length]!;
    setTimeout(() => void client.sendMessage(flagId, text).catch(() => undefined), 900);
  });
}

/** Simulated agents raising a flag every `everyMs`, up to `max`. */
export function simulateAgents(world: StoryWorld, everyMs: number, max: number): void {
  let i = 0;
  const stop = world.every(everyMs, () => {
    if (i >= max) return stop();
    const who = agentNumber(i + 1);
    void world
      .client(who)
      .raise({
        interactionId: `live-${i}`,
        channel: CHANNEL_CYCLE[i % CHANNEL_CYCLE.length]!,
        customerLabel: `Customer #${2000 + i}`,
        message: MESSAGES[i % MESSAGES.length]!,
        severity: i % 3 === 2 ? 'urgent' : 'normal',
      })
      .catch(() => undefined);
    i++;
  });
}

export const LONG_TEXT =
  'The customer has called four times this week about the same duplicated charge on invoice INV-2024-00091827364 and says that the previous agent promised a callback that never happened; she is now asking for compensation, a written apology and the cancellation of the whole contract including the two additional lines, and wants to speak to someone with authority to approve it today. '.repeat(2) +
  'Pneumonoultramicroscopicsilicovolcanoconiosis-without-any-spaces-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.';

function losingNextMessage(inner: Transport): Transport {
  let armed = true;
  return {
    connect: (handlers) => inner.connect(handlers),
    execute: (envelope) => {
      if (armed && envelope.command.type === 'send-message') {
        armed = false;
        return Promise.reject(new FlagError('transport-closed', 'The connection dropped while sending.'));
      }
      return inner.execute(envelope);
    },
    history: (flagId, afterSeq) => inner.history(flagId, afterSeq),
    snapshot: () => inner.snapshot(),
    lowered: (query) => inner.lowered(query),
    close: () => inner.close(),
  };
}

/** The billing team's quick replies and raise reasons, and Sam's own replies, as the stories show them. */
export const TEAM_REPLIES = [
  { id: 'hold', title: 'Looking into it', text: 'Hi {agent}, I am looking at {customer}’s account now. Keep them on the line.' },
  { id: 'refund', title: 'Refund approved', text: 'Refund approved by {supervisor}: go ahead and tell {customer}.' },
  { id: 'join', title: 'Joining the call', text: 'I am joining the call now, {agent}. Introduce me as the billing supervisor.' },
];
export const MY_REPLIES = [{ id: 'thanks', title: 'Thanks', text: 'Thanks {agent}, nicely handled.' }];
export const QUICK_REASONS = ['Refund above my limit', 'Customer asks for a manager', 'Possible fraud', 'Technical issue'];

/** Save the billing team's settings and Sam's replies, resolved once the agent and the supervisor hold them. */
export async function seedSettings(world: StoryWorld, replies = TEAM_REPLIES): Promise<void> {
  const billing = { kind: 'team', team: 'billing' } as const;
  await world.supervisor.saveSettings(billing, 'cannedReplies', replies, 0);
  await world.supervisor.saveSettings({ kind: 'personal' }, 'cannedReplies', MY_REPLIES, 0);
  await world.supervisor.saveSettings(billing, 'quickReasons', QUICK_REASONS, 0);
  await new Promise<void>((resolve) => {
    const stop = world.agent.settings.team('billing').quickReasons.subscribe((s) => {
      if (s.version === 0) return;
      queueMicrotask(() => stop());
      resolve();
    });
  });
}
