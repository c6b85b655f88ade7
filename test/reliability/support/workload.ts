/**
 * The chaos workload: simulated agents and supervisors, each a real FlagClient over the real
 * WebSocket transport, doing what people do (raise, chat, ask to join, acknowledge, accept,
 * decline, lower, end the interaction). Every command's fate is recorded: acknowledged
 * (resolved), refused (a decision such as already-acknowledged), or still unanswered.
 */
import { createRequire } from 'node:module';
import { FlagError, createFlagClient, createWebSocketTransport, type CommandResult, type FlagClient, type Participant, type TranscriptEntry, type WebSocketConstructor } from '@flagline/core';
import type { Command } from '@flagline/core';

/** The relay's own `ws` (8.x): the root node_modules holds an old 7.x that the dev server pulls in. */
const WebSocket = (createRequire(new URL('../../../packages/relay/package.json', import.meta.url))('ws') as { WebSocket: WebSocketConstructor }).WebSocket;

export interface Acked {
  commandId: string;
  type: Command['type'];
  actor: string;
  flagId: string | null;
  changed: boolean;
  /** send-message only. */
  text?: string;
}

/** Refusals that are decisions under concurrency, not failures. */
const EXPECTED_REFUSALS = new Set(['already-acknowledged', 'invalid-state']);

export class Ledger {
  readonly acked: Acked[] = [];
  readonly refused = new Map<string, number>();
  readonly unexpected: { type: string; code: string; message: string }[] = [];
  /** Commands issued and not yet settled. */
  readonly inflight = new Set<string>();
  #nextInflight = 0;

  async run(actor: Participant, type: Command['type'], text: string | undefined, call: () => Promise<CommandResult>): Promise<CommandResult | undefined> {
    const key = `${actor.id}#${this.#nextInflight++}:${type}`;
    this.inflight.add(key);
    try {
      const r = await call();
      this.acked.push({ commandId: r.commandId, type, actor: actor.id, flagId: r.flagId, changed: r.changed, ...(text !== undefined ? { text } : {}) });
      return r;
    } catch (err) {
      const code = err instanceof FlagError ? err.code : 'thrown';
      if (EXPECTED_REFUSALS.has(code)) this.refused.set(code, (this.refused.get(code) ?? 0) + 1);
      else this.unexpected.push({ type, code, message: String((err as Error).message) });
      return undefined;
    } finally {
      this.inflight.delete(key);
    }
  }
}

export interface Sim {
  me: Participant;
  client: FlagClient;
  transcript: TranscriptEntry[];
}

/** `wsUrl` may pick a relay at every (re)connect, as a load balancer would. */
export function simClient(me: Participant, wsUrl: string | (() => string), token: (p: Participant) => Promise<string>): Sim {
  const transcript: TranscriptEntry[] = [];
  const transport = createWebSocketTransport({ url: wsUrl, token: () => token(me), WebSocket, backoff: { initialMs: 20, maxMs: 400 } });
  const client = createFlagClient({ transport, me, transcriptSink: { append: (entry) => void transcript.push(entry) } });
  return { me, client, transcript };
}

/** People: `agents` agents and `supervisors` supervisors spread over `teams` teams. */
export function people(agents: number, supervisors: number, teams: number): Participant[] {
  const team = (i: number) => `team-${i % teams}`;
  return [
    ...Array.from({ length: agents }, (_, i): Participant => ({ id: `agent-${i}`, name: `Agent ${i}`, role: 'agent', teams: [team(i)] })),
    ...Array.from({ length: supervisors }, (_, i): Participant => ({ id: `sup-${i}`, name: `Supervisor ${i}`, role: 'supervisor', teams: [team(i)] })),
  ];
}

type Random = () => number;
/** Think time between a person's actions: workload pacing, not a wait for anything. */
const think = (random: Random) => new Promise((r) => setTimeout(r, Math.floor(random() * 25)));
const CHANNELS = ['voice', 'enhanced-messaging', 'enhanced-chat'] as const;

export async function agentLoop(sim: Sim, ledger: Ledger, stop: () => boolean, random: Random): Promise<void> {
  const { me, client } = sim;
  let story = 0;
  let said = 0;
  while (!stop()) {
    const interactionId = `${me.id}-i${story++}`;
    const raised = await ledger.run(me, 'raise', undefined, () =>
      client.raise({ interactionId, channel: CHANNELS[story % 3]!, message: `help with ${interactionId}`, customerLabel: `Customer ${interactionId}` }),
    );
    if (!raised?.flagId) continue;
    const flagId = raised.flagId;
    const steps = 1 + Math.floor(random() * 6);
    for (let i = 0; i < steps && !stop(); i++) {
      const r = random();
      const flag = client.$flags.get().get(flagId);
      if (flag?.status === 'lowered') break;
      if (r < 0.65) {
        const text = `${me.id} says ${said++}`;
        await ledger.run(me, 'send-message', text, () => client.sendMessage(flagId, text));
      } else if (r < 0.85 || flag?.join !== 'requested') await ledger.run(me, 'request-join', undefined, () => client.requestJoin(flagId));
      else await ledger.run(me, 'cancel-join', undefined, () => client.cancelJoin(flagId));
      await think(random);
    }
    if (random() < 0.5) await ledger.run(me, 'lower', undefined, () => client.lower(flagId, 'sorted'));
    else await ledger.run(me, 'end-interaction', undefined, () => client.endInteraction(interactionId));
  }
}

export async function supervisorLoop(sim: Sim, ledger: Ledger, stop: () => boolean, random: Random): Promise<void> {
  const { me, client } = sim;
  let said = 0;
  while (!stop()) {
    const open = client.$openFlags.get();
    const flag = open[Math.floor(random() * open.length)];
    if (flag) {
      const mine = flag.acknowledgedBy?.id === me.id;
      if (!flag.acknowledgedBy) await ledger.run(me, 'acknowledge', undefined, () => client.acknowledge(flag.id));
      else if (mine && flag.join === 'requested') {
        // Only on a flag this supervisor holds: accepting never claims it as a side effect.
        if (random() < 0.7) await ledger.run(me, 'accept-join', undefined, () => client.acceptJoin(flag.id));
        else await ledger.run(me, 'decline-join', undefined, () => client.declineJoin(flag.id, 'on another call'));
      } else if (mine || random() < 0.3) {
        if (random() < 0.92) {
          const text = `${me.id} answers ${said++}`;
          await ledger.run(me, 'send-message', text, () => client.sendMessage(flag.id, text));
        } else await ledger.run(me, 'lower', undefined, () => client.lower(flag.id, 'handled'));
      }
    }
    await think(random);
  }
}
