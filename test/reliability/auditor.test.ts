/**
 * The auditor must be able to fail: a hand-made store and ledger with one of each defect (a lost
 * message, a duplicated one, a reordered flag log, an unexplained event, a client view that
 * diverged, a transcript with a repeated entry) must each be counted.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toTranscriptEntry, type FlagEvent, type ParticipantRef } from '@flagline/core';
import { Auditor, type StoreLog } from './support/auditor.js';
import { Ledger, type Acked, type Sim } from './support/workload.js';

const ann: ParticipantRef = { id: 'ann', name: 'Ann', role: 'agent' };
const sam: ParticipantRef = { id: 'sam', name: 'Sam', role: 'supervisor' };
const raised = (flagId: string): FlagEvent => ({ type: 'raised', flagId, seq: 1, at: 1, actor: ann, interactionId: `i-${flagId}`, channel: 'voice', customerLabel: '', team: 't', message: 'help', severity: 'normal' });
const msg = (flagId: string, seq: number, clientId: string, text: string, actor = ann): FlagEvent => ({ type: 'message', flagId, seq, at: seq, actor, text, clientId });

function storeOf(events: FlagEvent[], outcomes: [string, string][]): StoreLog {
  return { events: events.map((event, i) => ({ pos: i + 1, event })), outcomes: new Map(outcomes) };
}
function ledgerOf(acked: Acked[]): Ledger {
  const ledger = new Ledger();
  ledger.acked.push(...acked);
  return ledger;
}
const raiseAck = (flagId: string): Acked => ({ commandId: flagId, type: 'raise', actor: 'ann', flagId, changed: true });
const msgAck = (flagId: string, commandId: string, text: string): Acked => ({ commandId, type: 'send-message', actor: 'ann', flagId, changed: true, text });

describe('auditor: it counts what it is there to find', () => {
  it('a clean history has no findings', () => {
    const a = new Auditor(storeOf([raised('f'), msg('f', 2, 'm1', 'hi')], [['f', 'ann'], ['m1', 'ann']]), ledgerOf([raiseAck('f'), msgAck('f', 'm1', 'hi')]));
    a.commands();
    assert.deepEqual(a.result, { acknowledged: 2, lost: 0, duplicated: 0, reordered: 0, diverged: 0, findings: [] });
  });

  it('an acknowledged message missing from the store is lost', () => {
    const a = new Auditor(storeOf([raised('f')], [['f', 'ann'], ['m1', 'ann']]), ledgerOf([raiseAck('f'), msgAck('f', 'm1', 'hi')]));
    a.commands();
    assert.equal(a.result.lost, 1);
  });

  it('a message stored twice is duplicated; an acknowledge nobody sent is diverged', () => {
    const ack: FlagEvent = { type: 'acknowledged', flagId: 'f', seq: 4, at: 4, actor: sam };
    const a = new Auditor(storeOf([raised('f'), msg('f', 2, 'm1', 'hi'), msg('f', 3, 'm1', 'hi'), ack], [['f', 'ann'], ['m1', 'ann']]), ledgerOf([raiseAck('f'), msgAck('f', 'm1', 'hi')]));
    a.commands();
    assert.equal(a.result.duplicated, 1);
    assert.equal(a.result.diverged, 1);
  });

  it('a flag log out of order is reordered; one sender’s messages swapped are reordered', () => {
    const gap = new Auditor(storeOf([raised('f'), msg('f', 3, 'm2', 'b')], [['f', 'ann']]), ledgerOf([raiseAck('f')]));
    assert.equal(gap.result.reordered, 1);
    const swapped = new Auditor(storeOf([raised('f'), msg('f', 2, 'm2', 'b'), msg('f', 3, 'm1', 'a')], [['f', 'ann'], ['m1', 'ann'], ['m2', 'ann']]), ledgerOf([raiseAck('f'), msgAck('f', 'm1', 'a'), msgAck('f', 'm2', 'b')]));
    swapped.commands();
    assert.equal(swapped.result.reordered, 1);
  });

  it('a client view missing an event, a foreign flag in view, and a transcript entry twice are found', () => {
    const events = [raised('f'), msg('f', 2, 'm1', 'hi')];
    const a = new Auditor(storeOf([...events, raised('g')], [['f', 'ann'], ['m1', 'ann']]), ledgerOf([raiseAck('f'), msgAck('f', 'm1', 'hi')]));
    const view = (flagEvents: FlagEvent[], foreign: string[] = []) =>
      ({
        me: { id: 'ann', name: 'Ann', role: 'agent', teams: ['t'] },
        client: {
          $flags: { get: () => new Map([['f', {}], ...foreign.map((id) => [id, {}] as const)]) },
          timeline: () => ({ get: () => flagEvents.map((event) => ({ event, state: 'sent' })) }),
        },
        transcript: [...flagEvents, flagEvents[0]!].map((e) => toTranscriptEntry(e, 'i-f')),
      }) as unknown as Sim;
    // Flag g is Ann's too (raised by her), so a view without it has lost it.
    assert.match(a.viewDiff(view([events[0]!])).join(), /lost: ann view of f has 1\/2/);
    const other = new Auditor(storeOf(events, [['f', 'ann']]), ledgerOf([]));
    assert.match(other.viewDiff(view(events, ['zzz'])).join(), /diverged: ann sees zzz/);
    assert.match(other.sinkDiff(view(events)).join(), /duplicated: ann sink transcript of f/);
  });
});
