import { expect } from '@esm-bundle/chai';
import { Authority } from './authority.js';
import { SharedMemoryLog } from './shared-memory-log.js';
import type { Participant, PositionedEvent } from '../model.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['blue'] };
const sue: Participant = { id: 'sue', name: 'Sue Super', role: 'supervisor', teams: ['blue'] };
const sam: Participant = { id: 'sam', name: 'Sam Super', role: 'supervisor', teams: ['blue'] };

describe('Authority on a shared log (several relay processes)', () => {
  let clock: number;
  const now = () => clock;
  const open = (log: SharedMemoryLog) => Authority.open({ storage: log.connect(), now, config: { escalation: { afterMs: 1000 } } });
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('shows a flag raised on one process to a supervisor on another, in the same order', async () => {
    const log = new SharedMemoryLog();
    const [a, b] = [await open(log), await open(log)];
    const seenOnB: PositionedEvent[] = [];
    b.subscribe(sue, (pe) => seenOnB.push(pe));
    const raised = await a.execute(ann, { id: 'c1', command: { type: 'raise', interactionId: 'i1', channel: 'voice', message: 'help' } });
    expect(raised.ok).to.equal(true);
    await b.execute(sue, { id: 'c2', command: { type: 'acknowledge', flagId: 'c1' } });
    await a.execute(ann, { id: 'c3', command: { type: 'send-message', flagId: 'c1', text: 'thanks' } });
    await b.execute(sue, { id: 'c4', command: { type: 'lower', flagId: 'c1' } });
    expect(seenOnB.map((pe) => [pe.pos, pe.event.type])).to.deep.equal([[1, 'raised'], [2, 'acknowledged'], [3, 'message'], [4, 'lowered']]);
    expect(a.flag('c1')).to.deep.equal(b.flag('c1'));
    expect(log.events.map((pe) => pe.pos)).to.deep.equal([1, 2, 3, 4]);
  });

  it('lets exactly one of two supervisors on two processes acknowledge', async () => {
    const log = new SharedMemoryLog();
    const [a, b] = [await open(log), await open(log)];
    await a.execute(ann, { id: 'f', command: { type: 'raise', interactionId: 'i1', channel: 'voice', message: 'help' } });
    const [x, y] = await Promise.all([
      a.execute(sue, { id: 'ack-sue', command: { type: 'acknowledge', flagId: 'f' } }),
      b.execute(sam, { id: 'ack-sam', command: { type: 'acknowledge', flagId: 'f' } }),
    ]);
    const outcomes = [x, y];
    expect(outcomes.filter((o) => o.ok).length).to.equal(1);
    const loser = outcomes.find((o) => !o.ok)!;
    expect(!loser.ok && loser.error.code).to.equal('already-acknowledged');
    expect(log.events.filter((pe) => pe.event.type === 'acknowledged').length).to.equal(1);
  });

  it('answers a retry that lands on another process with the original outcome and no new event', async () => {
    const log = new SharedMemoryLog();
    const [a, b] = [await open(log), await open(log)];
    const envelope = { id: 'raise-1', command: { type: 'raise', interactionId: 'i1', channel: 'voice', message: 'help' } } as const;
    const first = await a.execute(ann, envelope);
    const retried = await b.execute(ann, envelope);
    expect(retried).to.deep.equal(first);
    expect(log.events.length).to.equal(1);
    const stolen = await b.execute(sue, { id: 'raise-1', command: { type: 'acknowledge', flagId: 'raise-1' } });
    expect(!stolen.ok && stolen.error.code).to.equal('not-allowed');
  });

  it('escalates once per level however many processes tick', async () => {
    const log = new SharedMemoryLog();
    const [a, b, c] = [await open(log), await open(log), await open(log)];
    await a.execute(ann, { id: 'f', command: { type: 'raise', interactionId: 'i1', channel: 'voice', message: 'help' } });
    clock += 1000;
    await Promise.all([a.tick(), b.tick(), c.tick()]);
    clock += 1000;
    await Promise.all([c.tick(), b.tick(), a.tick()]);
    expect(log.events.map((pe) => pe.event.type)).to.deep.equal(['raised', 'escalated', 'escalated']);
    for (const x of [a, b, c]) expect(x.flag('f')!.escalation).to.equal(2);
  });

  it('rebuilds a replacement process from the log: nothing acknowledged is lost', async () => {
    const log = new SharedMemoryLog();
    const a = await open(log);
    for (let i = 0; i < 20; i++) await a.execute(ann, { id: `r${i}`, command: { type: 'raise', interactionId: `i${i}`, channel: 'voice', message: `m${i}` } });
    await a.close();
    const b = await open(log);
    expect(b.pos).to.equal(20);
    expect(b.snapshot(sue).events.length).to.equal(20);
    const again = await b.execute(ann, { id: 'r3', command: { type: 'raise', interactionId: 'i3', channel: 'voice', message: 'm3' } });
    expect(again.ok && again.flagId).to.equal('r3');
    expect(log.events.length).to.equal(20);
  });
});
