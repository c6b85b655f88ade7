/**
 * The no-loss auditor: compares the log of acknowledged commands with the store (the relay's
 * SQLite file or Redis), every client's view, every client's transcript sink and the relay's transcript
 * endpoint. Counts what was lost, duplicated, reordered or diverged (zero is the only pass).
 */
import { isDeepStrictEqual } from 'node:util';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { applyEvent, describeEvent, type Flag, type FlagEvent, type TranscriptEntry } from '@flagline/core';
import { eventually } from './seeded-random.js';
import type { Acked, Ledger, Sim } from './workload.js';

export interface AuditResult {
  acknowledged: number;
  lost: number;
  duplicated: number;
  reordered: number;
  diverged: number;
  /** The first few findings, to say what went wrong. */
  findings: string[];
}

export interface StoreLog {
  events: { pos: number; event: FlagEvent }[];
  outcomes: Map<string, string>;
}

export function readStore(file: string): StoreLog {
  const db = new Database(file, { readonly: true, timeout: 10_000 });
  try {
    const events = (db.prepare('SELECT pos, body FROM events ORDER BY pos').all() as { pos: number; body: string }[]).map((r) => ({ pos: r.pos, event: JSON.parse(r.body) as FlagEvent }));
    const outcomes = new Map((db.prepare('SELECT id, actor_id FROM outcomes').all() as { id: string; actor_id: string }[]).map((r) => [r.id, r.actor_id]));
    return { events, outcomes };
  } finally {
    db.close();
  }
}

/** The same from a Redis store (the relay's stream and outcome hash), with its confirmed position. */
export async function readRedisStore(port: number, namespace = 'default', host = '127.0.0.1'): Promise<StoreLog & { confirmedPos: number }> {
  const redis = new Redis({ port, host });
  try {
    const tag = `{flagline:${namespace}}`;
    const entries = (await redis.xrange(`${tag}:log`, '-', '+')) as [string, string[]][];
    const events = entries.map(([id, fields]) => ({ pos: Number(id.slice(0, id.indexOf('-'))), event: JSON.parse(fields[1]!) as FlagEvent }));
    const raw = await redis.hgetall(`${tag}:outcomes`);
    const outcomes = new Map(Object.entries(raw).map(([id, json]) => [id, (JSON.parse(json) as { actorId: string }).actorId]));
    return { events, outcomes, confirmedPos: Number((await redis.get(`${tag}:confirmed-pos`)) ?? 0) };
  } finally {
    redis.disconnect();
  }
}

const EVENT_OF: Partial<Record<Acked['type'], FlagEvent['type']>> = {
  acknowledge: 'acknowledged',
  lower: 'lowered',
  'end-interaction': 'lowered',
  'request-join': 'join-requested',
  'accept-join': 'join-accepted',
  'decline-join': 'join-declined',
  'cancel-join': 'join-cancelled',
};

export class Auditor {
  readonly result: AuditResult;
  readonly flags = new Map<string, { flag: Flag; events: FlagEvent[] }>();

  constructor(
    readonly store: StoreLog,
    readonly ledger: Ledger,
  ) {
    this.result = { acknowledged: ledger.acked.length, lost: 0, duplicated: 0, reordered: 0, diverged: 0, findings: [] };
    this.#buildFlags();
  }

  #find(kind: 'lost' | 'duplicated' | 'reordered' | 'diverged', what: string, n = 1): void {
    this.result[kind] += n;
    if (this.result.findings.length < 20) this.result.findings.push(`${kind}: ${what}`);
  }

  /** The store on its own: positions without gaps, per-flag seq 1..n in log order, every event legal. */
  #buildFlags(): void {
    let expectPos = 1;
    for (const { pos, event } of this.store.events) {
      if (pos !== expectPos) this.#find('lost', `log position ${expectPos} missing (next is ${pos})`);
      expectPos = pos + 1;
      const entry = this.flags.get(event.flagId);
      const seq = entry?.flag.seq ?? 0;
      if (event.seq !== seq + 1) {
        this.#find(event.seq <= seq ? 'duplicated' : 'reordered', `flag ${event.flagId} seq ${event.seq} after ${seq}`);
        continue;
      }
      try {
        const flag = applyEvent(entry?.flag, event);
        if (entry) {
          entry.flag = flag;
          entry.events.push(event);
        } else this.flags.set(flag.id, { flag, events: [event] });
      } catch (err) {
        this.#find('diverged', `illegal event ${event.type} on ${event.flagId}: ${String(err)}`);
      }
    }
  }

  /** Every acknowledged command is durable, took effect exactly once, and nothing else happened. */
  commands(): void {
    const { acked } = this.ledger;
    for (const a of acked) if (this.store.outcomes.get(a.commandId) !== a.actor) this.#find('lost', `outcome of acknowledged ${a.type} ${a.commandId}`);

    const messages = new Map<string, FlagEvent[]>();
    const others = new Map<string, number>();
    for (const { events } of this.flags.values()) {
      for (const e of events) {
        if (e.type === 'message') messages.set(e.clientId, [...(messages.get(e.clientId) ?? []), e]);
        else if (e.type !== 'raised' && e.type !== 'escalated') others.set(`${e.flagId} ${e.type} ${e.actor.id}`, (others.get(`${e.flagId} ${e.type} ${e.actor.id}`) ?? 0) + 1);
      }
    }
    const expected = new Map<string, number>();
    const ackedMessages = new Set<string>();
    const order = new Map<string, string[]>();
    for (const a of acked) {
      if (a.type === 'raise') {
        const raised = this.flags.get(a.commandId)?.events[0];
        if (!raised || raised.actor.id !== a.actor) this.#find('lost', `raise ${a.commandId} by ${a.actor}`);
      } else if (a.type === 'send-message') {
        ackedMessages.add(a.commandId);
        const found = messages.get(a.commandId) ?? [];
        if (found.length === 0) this.#find('lost', `message ${a.commandId} "${a.text}"`);
        if (found.length > 1) this.#find('duplicated', `message ${a.commandId} stored ${found.length} times`, found.length - 1);
        const m = found[0];
        if (m && (m.type !== 'message' || m.text !== a.text || m.actor.id !== a.actor || m.flagId !== a.flagId)) this.#find('diverged', `message ${a.commandId} stored differently`);
        const key = `${a.flagId} ${a.actor}`;
        order.set(key, [...(order.get(key) ?? []), a.commandId]);
      } else if (a.changed) {
        const key = `${a.flagId} ${EVENT_OF[a.type]} ${a.actor}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    }
    for (const [key, n] of expected) {
      const got = others.get(key) ?? 0;
      if (got < n) this.#find('lost', `${n - got} × ${key}`, n - got);
    }
    for (const [key, got] of others) {
      const n = expected.get(key) ?? 0;
      if (got > n) this.#find(n > 0 ? 'duplicated' : 'diverged', `${got - n} unexplained × ${key}`, got - n);
    }
    for (const [clientId, found] of messages) {
      if (!ackedMessages.has(clientId) && !this.#unanswered()) this.#find('diverged', `stored message ${clientId} nobody acknowledged`, found.length);
    }
    // One sender's messages on a flag are stored in the order they were acknowledged (each waits for the last).
    for (const [key, ids] of order) {
      const [flagId] = key.split(' ');
      const stored = (this.flags.get(flagId!)?.events ?? []).filter((e) => e.type === 'message' && ids.includes(e.clientId)).map((e) => (e as { clientId: string }).clientId);
      if (stored.join() !== ids.filter((id) => stored.includes(id)).join()) this.#find('reordered', `messages of ${key}`);
    }
  }

  #unanswered(): boolean {
    return this.ledger.inflight.size > 0;
  }

  /** Which flags a participant may see (no escalation in this run: team supervisors and the agent). */
  visibleTo(sim: Sim): string[] {
    return [...this.flags.values()]
      .filter(({ flag }) => (sim.me.role === 'agent' ? flag.agent.id === sim.me.id : sim.me.teams.includes(flag.team)))
      .map(({ flag }) => flag.id);
  }

  /** Differences between a client's confirmed view and the store, without counting them. */
  viewDiff(sim: Sim): string[] {
    const out: string[] = [];
    const allowed = new Set(this.visibleTo(sim));
    for (const id of sim.client.$flags.get().keys()) if (!allowed.has(id)) out.push(`diverged: ${sim.me.id} sees ${id}, which is not theirs`);
    for (const id of allowed) {
      const seen = sim.client.timeline(id).get().filter((item) => item.state === 'sent').map((item) => item.event);
      const truth = this.flags.get(id)!.events;
      // Key order differs (the decoder rebuilds objects in schema order); values must not.
      if (isDeepStrictEqual(seen, truth)) continue;
      const seqs = seen.map((e) => e.seq);
      if (new Set(seqs).size !== seqs.length) out.push(`duplicated: ${sim.me.id} view of ${id}`);
      else if (seen.length < truth.length) out.push(`lost: ${sim.me.id} view of ${id} has ${seen.length}/${truth.length} events`);
      else if (seqs.some((s, i) => i > 0 && s <= seqs[i - 1]!)) out.push(`reordered: ${sim.me.id} view of ${id}`);
      else out.push(`diverged: ${sim.me.id} view of ${id}`);
    }
    return out;
  }

  /** Differences between a client's transcript sink and the store. */
  sinkDiff(sim: Sim): string[] {
    const out: string[] = [];
    for (const id of this.visibleTo(sim)) out.push(...this.transcriptDiff(`${sim.me.id} sink`, id, sim.transcript.filter((e) => e.flagId === id)));
    return out;
  }

  /** Transcript entries of one flag (a sink's or the relay's) against the store. */
  transcriptDiff(who: string, flagId: string, entries: readonly TranscriptEntry[]): string[] {
    const truth = this.flags.get(flagId)!.events;
    const ids = entries.map((e) => e.id);
    if (new Set(ids).size !== ids.length) return [`duplicated: ${who} transcript of ${flagId}`];
    if (entries.length < truth.length) return [`lost: ${who} transcript of ${flagId} has ${entries.length}/${truth.length}`];
    if (entries.length > truth.length) return [`diverged: ${who} transcript of ${flagId} has ${entries.length - truth.length} extra`];
    for (let i = 0; i < truth.length; i++) {
      const e = entries[i]!;
      if (e.seq !== truth[i]!.seq) return [`reordered: ${who} transcript of ${flagId}`];
      if (e.text !== describeEvent(truth[i]!) || e.id !== `${flagId}:${truth[i]!.seq}`) return [`diverged: ${who} transcript of ${flagId} entry ${e.id}`];
    }
    return [];
  }

  /** Count findings produced by the diff functions. */
  count(findings: readonly string[]): void {
    for (const f of findings) {
      const kind = f.slice(0, f.indexOf(':')) as 'lost' | 'duplicated' | 'reordered' | 'diverged';
      this.#find(kind, f.slice(kind.length + 2));
    }
  }

  /** Commands still unanswered at the end count as lost. */
  unanswered(): void {
    for (const key of this.ledger.inflight) this.#find('lost', `unanswered ${key}`);
  }

  line(): string {
    const r = this.result;
    return `acknowledged=${r.acknowledged} lost=${r.lost} duplicated=${r.duplicated} reordered=${r.reordered} diverged=${r.diverged}`;
  }
}

/**
 * The audit every fault suite ends with, after `commands()` and `unanswered()`: each client's view
 * and transcript sink once they had `settleMs` to converge, then every agent's interactions'
 * transcripts read over HTTP from the relays in turn. Returns how many flag transcripts it compared.
 */
export async function auditClients(
  auditor: Auditor,
  sims: Sim[],
  relays: { url: string; label: string }[],
  token: (p: Sim['me']) => Promise<string>,
  settleMs: number,
): Promise<number> {
  await eventually(() => sims.every((s) => auditor.viewDiff(s).length === 0 && auditor.sinkDiff(s).length === 0), settleMs);
  for (const s of sims) auditor.count([...auditor.viewDiff(s), ...auditor.sinkDiff(s)]);
  let transcripts = 0;
  for (const s of sims.filter((x) => x.me.role === 'agent')) {
    const interactions = new Set([...auditor.flags.values()].filter(({ flag }) => flag.agent.id === s.me.id).map(({ flag }) => flag.interactionId));
    for (const interactionId of interactions) {
      const relay = relays[transcripts % relays.length]!;
      const res = await fetch(`${relay.url}/api/transcript/${encodeURIComponent(interactionId)}`, { headers: { authorization: `Bearer ${await token(s.me)}` } });
      const { entries } = (await res.json()) as { entries: TranscriptEntry[] };
      for (const { flag } of [...auditor.flags.values()].filter(({ flag }) => flag.interactionId === interactionId)) {
        auditor.count(auditor.transcriptDiff(relay.label, flag.id, entries.filter((e) => e.flagId === flag.id)));
        transcripts++;
      }
    }
  }
  return transcripts;
}
