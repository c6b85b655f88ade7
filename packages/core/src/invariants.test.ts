/**
 * Property-based tests: any sequence of commands, from any participants, some of them
 * concurrent, some retried or reusing another's id, with the clock moving, escalations firing
 * and the Authority restarting on its storage, keeps Flagline's invariants.
 */
import { expect } from '@esm-bundle/chai';
import fc from 'fast-check';
import { Authority } from './authority/authority.js';
import { MemoryStorage } from './authority/storage.js';
import type { Command, Outcome } from './commands.js';
import { resolveConfig } from './config.js';
import { reduceEvents } from './machine.js';
import { CHANNELS, type Flag, type FlagEvent, type Participant, type PositionedEvent } from './model.js';
import { canSee } from './rules.js';
import { toTranscriptEntry } from './transcript.js';

const agent = (id: string, teams: string[]): Participant => ({ id, name: id.toUpperCase(), role: 'agent', teams });
const supervisor = (id: string, teams: string[]): Participant => ({ id, name: id.toUpperCase(), role: 'supervisor', teams });
const ACTORS = [
  agent('a1', ['team-a']),
  agent('a2', ['team-a']),
  agent('b1', ['team-b']),
  agent('ab', ['team-a', 'team-b']),
  supervisor('sa1', ['team-a']),
  supervisor('sa2', ['team-a']),
  supervisor('sb', ['team-b']),
  supervisor('tier', ['tier-2']),
];
/** Sees every flag: the reference observer. */
const ROOT = supervisor('root', ['team-a', 'team-b']);
const INTERACTIONS = ['i0', 'i1', 'i2', 'i3'];
const CONFIG = { escalation: { afterMs: 100, secondTierTeams: ['tier-2'] }, transferTimeoutMs: 100 };
const config = resolveConfig(CONFIG);
const TYPES = [
  'raise',
  'acknowledge',
  'lower',
  'send-message',
  'request-join',
  'accept-join',
  'decline-join',
  'cancel-join',
  'end-interaction',
  'transfer',
  'accept-transfer',
  'decline-transfer',
  'check-in',
] as const;

interface CommandStep {
  actor: number;
  type: (typeof TYPES)[number];
  interaction: number;
  flag: number;
  text: string;
  reason: string | undefined;
  channel: number;
  team: number;
  /** Whom a transfer goes to or a check-in is with: one of ACTORS, or (past the end) the team queue / nobody known. */
  target: number;
  /** Reuse a previous command id (a retry when the same actor, a collision otherwise). */
  reuse: number | null;
}
type Step = { kind: 'batch'; commands: CommandStep[] } | { kind: 'clock'; advanceMs: number } | { kind: 'restart' };

const commandStep: fc.Arbitrary<CommandStep> = fc.record({
  actor: fc.nat(ACTORS.length - 1),
  type: fc.constantFrom(...TYPES),
  interaction: fc.nat(INTERACTIONS.length - 1),
  flag: fc.nat(),
  text: fc.constantFrom('hello', 'are you there?', '', '<b>bold</b>', 'x'.repeat(1001)),
  reason: fc.constantFrom(undefined, 'sorted', 'r'.repeat(201)),
  channel: fc.nat(CHANNELS.length - 1),
  team: fc.nat(2),
  target: fc.nat(ACTORS.length),
  reuse: fc.option(fc.nat(), { freq: 5 }),
});
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.array(commandStep, { minLength: 1, maxLength: 3 }).map((commands) => ({ kind: 'batch' as const, commands })) },
  { weight: 1, arbitrary: fc.constantFrom(40, 100).map((advanceMs) => ({ kind: 'clock' as const, advanceMs })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

function toCommand(s: CommandStep, flags: string[]): Command {
  const flagId = flags.length ? flags[s.flag % flags.length]! : 'missing';
  const interactionId = INTERACTIONS[s.interaction]!;
  const reason = s.reason === undefined ? {} : { reason: s.reason };
  switch (s.type) {
    case 'raise':
      return { type: 'raise', interactionId, channel: CHANNELS[s.channel]!, message: s.text, team: ['team-a', 'team-b', 'tier-2'][s.team]!, ...reason };
    case 'send-message':
      return { type: 'send-message', flagId, text: s.text };
    case 'lower':
    case 'decline-join':
      return { type: s.type, flagId, ...reason };
    case 'end-interaction':
      return { type: 'end-interaction', interactionId };
    case 'transfer':
      return { type: 'transfer', flagId, ...(ACTORS[s.target] ? { to: ACTORS[s.target]!.id } : {}), ...(s.reason === undefined ? {} : { note: s.reason }) };
    case 'decline-transfer':
      return { type: s.type, flagId, ...reason };
    case 'check-in':
      return { type: 'check-in', agentId: ACTORS[s.target]?.id ?? 'nobody', interactionId, channel: CHANNELS[s.channel]!, message: s.text };
    default:
      return { type: s.type, flagId };
  }
}

interface Issued {
  id: string;
  actor: Participant;
  command: Command;
  /** True when the id had been issued before (by anyone): it must not produce events. */
  reused: boolean;
  outcome?: Outcome;
}

/** Event types the runs produced (and whether a check-in was among the raises): the properties must have met each. */
const produced = new Set<string>();

async function runScenario(steps: Step[]): Promise<void> {
  const clock = { now: 0 };
  const storage = new MemoryStorage();
  const received = new Map<string, PositionedEvent[]>([...ACTORS, ROOT].map((p) => [p.id, []]));
  /** Opens the authority on the storage (again, after a restart) with every participant subscribed. */
  const start = async () => {
    const a = await Authority.open({ storage, config: CONFIG, now: () => clock.now });
    for (const p of [...ACTORS, ROOT]) a.subscribe(p, (pe) => received.get(p.id)!.push(pe));
    return a;
  };
  let authority = await start();
  const log = received.get(ROOT.id)!;
  const issued: Issued[] = [];
  /** Log chunks in queue order: a command's events, or a tick's escalations. */
  const chunks: Array<{ issued?: Issued; tickedFrom?: number }> = [];

  for (const s of steps) {
    if (s.kind === 'restart') {
      await authority.close();
      authority = await start();
      continue;
    }
    if (s.kind === 'clock') {
      clock.now += s.advanceMs;
      chunks.push({ tickedFrom: log.length });
      await authority.tick();
      continue;
    }
    const flags = [...new Set(log.map((pe) => pe.event.flagId))];
    const batch = s.commands.map((c) => {
      const reuse = c.reuse !== null && issued.length ? issued[c.reuse % issued.length]! : null;
      const entry: Issued = { id: reuse?.id ?? `cmd-${issued.length + 1}`, actor: ACTORS[c.actor]!, command: toCommand(c, flags), reused: reuse !== null };
      issued.push(entry);
      if (!entry.reused) chunks.push({ issued: entry });
      return authority.execute(entry.actor, { id: entry.id, command: entry.command }).then((o) => (entry.outcome = o));
    });
    await Promise.all(batch);
  }

  for (const pe of log) produced.add(pe.event.type === 'raised' && pe.event.agent ? 'check-in' : pe.event.type);
  // Global log: positions 1..N, and the root (who sees everything) got every event once.
  expect(log.map((pe) => pe.pos)).to.deep.equal(log.map((_, i) => i + 1));
  expect(authority.pos).to.equal(log.length);

  // Attribute every event: fresh commands take their chunk in queue order; ticks take escalations.
  let cursor = 0;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    const nextTickStart = chunks.slice(i + 1).find((c) => c.tickedFrom !== undefined)?.tickedFrom;
    if (chunk.tickedFrom !== undefined) {
      const byClock = (type: string) => type === 'escalated' || type === 'transfer-expired';
      while (cursor < log.length && byClock(log[cursor]!.event.type) && (nextTickStart === undefined || cursor < nextTickStart)) {
        const before = reduceEvents(eventsOf(log, log[cursor]!.event.flagId, log[cursor]!.event.seq - 1))!;
        if (log[cursor]!.event.type === 'escalated') expect(before.status, 'only unacknowledged flags escalate').to.equal('raised');
        else expect(before.transfer, 'only a pending hand-off expires').to.not.equal(undefined);
        cursor++;
      }
      continue;
    }
    const { outcome, actor, command } = chunk.issued!;
    if (!outcome!.ok || !outcome!.changed) continue; // refused or nothing to do: no events
    const mine: PositionedEvent[] = [];
    while (cursor < log.length && log[cursor]!.event.flagId === outcome!.flagId && log[cursor]!.event.seq <= outcome!.seq) mine.push(log[cursor++]!);
    expect(mine.length, `events of ${command.type} by ${actor.id}`).to.be.within(1, 2);
    expect(mine.at(-1)!.event.seq).to.equal(outcome!.seq);
    for (const pe of mine) {
      expect(pe.event.actor.id, 'the event records the authenticated actor').to.equal(actor.id);
      const before = pe.event.type === 'raised' ? undefined : reduceEvents(eventsOf(log, pe.event.flagId, pe.event.seq - 1));
      if (before) expect(canSee(actor, before, config), `${actor.id} may act on ${pe.event.flagId}`).to.equal(true);
    }
  }
  expect(cursor, 'every event is accounted for by an accepted command or a tick').to.equal(log.length);

  // Reused ids never produced events, and a retry by the same actor got the original answer.
  for (const entry of issued.filter((e) => e.reused)) {
    const original = issued.find((e) => e.id === entry.id)!;
    if (original.actor.id === entry.actor.id) expect(entry.outcome).to.deep.equal(original.outcome);
    else expect(entry.outcome).to.deep.include({ ok: false });
  }

  const byFlag = new Map<string, FlagEvent[]>();
  for (const pe of log) byFlag.set(pe.event.flagId, [...(byFlag.get(pe.event.flagId) ?? []), pe.event]);
  const openPerInteraction = new Map<string, number>();
  for (const [flagId, events] of byFlag) {
    // Per-flag seq: 1, 2, 3… without gaps; reducing the history gives the authority's state.
    expect(events.map((e) => e.seq)).to.deep.equal(events.map((_, i) => i + 1));
    expect(await authority.history(ROOT, flagId, 0)).to.deep.equal(events);
    const flag = reduceEvents(events)!;
    expect(flag).to.deep.equal(authority.flag(flagId));
    // Hand-off: a pending offer is from whoever helps, to another supervisor who may see the flag;
    // a flag nobody helps on is back to raised; a check-in was opened by a supervisor of its team.
    for (let k = 1; k <= events.length; k++) {
      const at = reduceEvents(events.slice(0, k))!;
      if (at.transfer) {
        expect(at.status).to.equal('acknowledged');
        expect(at.acknowledgedBy?.id).to.equal(at.transfer.from.id);
        const to = ACTORS.find((p) => p.id === at.transfer!.to.id)!;
        expect(to.role).to.equal('supervisor');
        expect(to.id).to.not.equal(at.transfer.from.id);
        expect(canSee(to, at, config), `${to.id} may see ${flagId} offered to them`).to.equal(true);
      }
      if (at.status === 'raised') expect(at.acknowledgedBy).to.equal(undefined);
    }
    if (flag.checkInBy) expect(ACTORS.find((p) => p.id === flag.checkInBy!.id)!.teams).to.include(events[0]!.type === 'raised' ? events[0]!.team : '');
    if (flag.status !== 'lowered') openPerInteraction.set(flag.interactionId, (openPerInteraction.get(flag.interactionId) ?? 0) + 1);
  }
  for (const [interactionId, open] of openPerInteraction) expect(open, `open flags on ${interactionId}`).to.equal(1);
  for (const i of INTERACTIONS) expect(authority.openFlagFor(i)?.id).to.equal([...byFlag.keys()].find((id) => authority.flag(id)!.interactionId === i && authority.flag(id)!.status !== 'lowered'));

  // Every subscriber got exactly the events of flags it could see at that moment, in log order.
  for (const p of ACTORS) {
    const expected = log.filter((pe) => canSee(p, stateAt(log, pe), config));
    expect(received.get(p.id)!.map((pe) => pe.pos), `events delivered to ${p.id}`).to.deep.equal(expected.map((pe) => pe.pos));
  }

  // Transcript: per interaction, one entry per event in order; its messages are exactly the accepted ones.
  for (const interactionId of INTERACTIONS) {
    const entries = log
      .filter((pe) => authority.flag(pe.event.flagId)!.interactionId === interactionId)
      .map((pe) => toTranscriptEntry(pe.event, interactionId));
    expect(new Set(entries.map((e) => e.id)).size).to.equal(entries.length);
    const sent = issued.filter(
      (e): e is Issued & { command: Extract<Command, { type: 'send-message' }> } =>
        !e.reused && e.command.type === 'send-message' && e.outcome!.ok && e.outcome!.changed && authority.flag(e.command.flagId)!.interactionId === interactionId,
    );
    expect(entries.filter((e) => e.type === 'message').map((e) => [e.flagId, e.seq, e.text])).to.deep.equal(
      sent.map((e) => [e.command.flagId, (e.outcome as { seq: number }).seq, `${e.actor.name}: ${e.command.text}`]),
    );
    for (const [flagId] of byFlag) {
      const seqs = entries.filter((e) => e.flagId === flagId).map((e) => e.seq);
      expect(seqs).to.deep.equal(seqs.map((_, i) => i + 1));
    }
  }
  await authority.close();
}

function eventsOf(log: PositionedEvent[], flagId: string, uptoSeq: number): FlagEvent[] {
  return log.filter((pe) => pe.event.flagId === flagId && pe.event.seq <= uptoSeq).map((pe) => pe.event);
}
function stateAt(log: PositionedEvent[], pe: PositionedEvent): Flag {
  return reduceEvents(eventsOf(log, pe.event.flagId, pe.event.seq))!;
}

describe('invariants (property-based)', () => {
  it('hold for any sequence of commands from any participants', async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), runScenario), { numRuns: 150 });
  });

  it('hold for hand-off-heavy runs: offers, answers, expiries, hand-backs and check-ins racing lowers', async () => {
    // The steps of a hand-off twice as likely as the rest.
    const HANDOFF = ['raise', 'acknowledge', 'acknowledge', 'lower', 'send-message', 'transfer', 'transfer', 'accept-transfer', 'accept-transfer', 'decline-transfer', 'check-in'] as const;
    // Fresh ids and valid text on team-a's voice calls, supervisors' commands mostly by team-a's
    // supervisors and offers mostly to them, so runs get past validation to the hand-off rules.
    const bySupervisor = new Set<string>(['acknowledge', 'transfer', 'accept-transfer', 'decline-transfer', 'check-in']);
    const command = fc.tuple(commandStep, fc.constantFrom(...HANDOFF)).map(([c, type]): CommandStep => ({
      ...c,
      type,
      reuse: null,
      team: 0,
      channel: 0,
      text: 'hello',
      actor: bySupervisor.has(type) ? [4, 5, 4, 5, 7][c.actor % 5]! : [0, 1, 3, 2][c.actor % 4]!,
      target: type === 'check-in' ? [0, 1, 3, 2][c.target % 4]! : [4, 5, ACTORS.length, 7, 0][c.target % 5]!,
    }));
    const steps = fc.array(
      fc.oneof(
        { weight: 6, arbitrary: fc.array(command, { minLength: 1, maxLength: 3 }).map((commands): Step => ({ kind: 'batch', commands })) },
        { weight: 1, arbitrary: fc.constantFrom(40, 100).map((advanceMs): Step => ({ kind: 'clock', advanceMs })) },
        { weight: 1, arbitrary: fc.constant<Step>({ kind: 'restart' }) },
      ),
      { minLength: 10, maxLength: 60 },
    );
    // Every run starts with one whole story (offer accepted, handed back, declined, expired, a
    // check-in), then goes on at random: the invariants hold on the path through every state.
    const cmd = (actor: number, type: CommandStep['type'], extra: Partial<CommandStep> = {}): Step => ({
      kind: 'batch',
      commands: [{ actor, type, interaction: 0, flag: 0, text: 'hello', reason: undefined, channel: 0, team: 0, target: ACTORS.length, reuse: null, ...extra }],
    });
    const [a1, sa1, sa2] = [0, 4, 5];
    const story: Step[] = [
      cmd(a1, 'raise'),
      cmd(sa1, 'acknowledge'),
      cmd(sa1, 'transfer', { target: sa2 }),
      cmd(sa2, 'accept-transfer'),
      cmd(sa2, 'transfer'),
      cmd(sa1, 'acknowledge'),
      cmd(sa1, 'transfer', { target: sa2 }),
      cmd(sa2, 'decline-transfer'),
      cmd(sa1, 'transfer', { target: sa2 }),
      { kind: 'clock', advanceMs: 100 },
      cmd(sa1, 'check-in', { target: 1, interaction: 1 }),
    ];
    produced.clear();
    await fc.assert(fc.asyncProperty(steps, (rest) => runScenario([...story, ...rest])), { numRuns: 60 });
    for (const type of ['transfer-offered', 'transfer-accepted', 'transfer-declined', 'transfer-expired', 'handed-back', 'check-in']) expect([...produced], 'the runs met it').to.include(type);
  });

  it('hold for long raise/lower-heavy runs on one interaction', async () => {
    const busy = commandStep.map((c) => ({ ...c, interaction: 0, type: c.type === 'decline-join' ? ('raise' as const) : c.type }));
    const steps = fc.array(fc.array(busy, { minLength: 1, maxLength: 3 }).map((commands): Step => ({ kind: 'batch', commands })), { minLength: 20, maxLength: 80 });
    await fc.assert(fc.asyncProperty(steps, runScenario), { numRuns: 40 });
  });
});
