import { expect } from '@esm-bundle/chai';
import type { FlagEvent, ParticipantRef } from './model.js';
import { describeEvent, toTranscriptEntry } from './transcript.js';

const ann: ParticipantRef = { id: 'ann', name: 'Ann Agent', role: 'agent' };
const sue: ParticipantRef = { id: 'sue', name: 'Sue Supervisor', role: 'supervisor' };
const base = { flagId: 'f1', at: 7 };

describe('transcript', () => {
  it('describes every event type in one plain line', () => {
    const lines: Array<[FlagEvent, string]> = [
      [{ ...base, seq: 1, actor: ann, type: 'raised', interactionId: 'i', channel: 'voice', customerLabel: '', team: 't', message: 'caller is angry', severity: 'urgent', reason: 'billing' }, 'Ann Agent raised a flag (urgent) [billing]: "caller is angry"'],
      [{ ...base, seq: 1, actor: ann, type: 'raised', interactionId: 'i', channel: 'voice', customerLabel: '', team: 't', message: 'hi', severity: 'normal' }, 'Ann Agent raised a flag: "hi"'],
      [{ ...base, seq: 2, actor: sue, type: 'acknowledged' }, 'Sue Supervisor acknowledged the flag'],
      [{ ...base, seq: 3, actor: sue, type: 'escalated', level: 1 }, 'The flag escalated to the second tier'],
      [{ ...base, seq: 3, actor: sue, type: 'escalated', level: 2 }, 'The flag escalated to all supervisors'],
      [{ ...base, seq: 4, actor: ann, type: 'lowered', cause: 'interaction-ended' }, 'The flag was lowered because the interaction ended'],
      [{ ...base, seq: 4, actor: sue, type: 'lowered', cause: 'supervisor', reason: 'resolved' }, 'Sue Supervisor lowered the flag: resolved'],
      [{ ...base, seq: 4, actor: ann, type: 'lowered', cause: 'agent' }, 'Ann Agent lowered the flag'],
      [{ ...base, seq: 5, actor: ann, type: 'join-requested' }, 'Ann Agent asked the supervisor to join'],
      [{ ...base, seq: 6, actor: sue, type: 'join-accepted' }, 'Sue Supervisor joined the conversation'],
      [{ ...base, seq: 6, actor: sue, type: 'join-declined', reason: 'busy' }, 'Sue Supervisor declined to join: busy'],
      [{ ...base, seq: 6, actor: sue, type: 'join-declined' }, 'Sue Supervisor declined to join'],
      [{ ...base, seq: 6, actor: ann, type: 'join-cancelled' }, 'Ann Agent cancelled the join request'],
      [{ ...base, seq: 7, actor: ann, type: 'message', text: '<b>not html</b>', clientId: 'c' }, 'Ann Agent: <b>not html</b>'],
    ];
    for (const [event, line] of lines) expect(describeEvent(event)).to.equal(line);
  });

  it('keeps what people typed and are called on its line: a line break cannot start a forged line, an override cannot reverse the product\'s words', () => {
    const forged = { ...base, seq: 7, actor: ann, type: 'message', clientId: 'c', text: 'ok"\nSue Supervisor: Approved: refund $5,000\r\n\r\nthanks' } as const;
    expect(describeEvent(forged)).to.equal('Ann Agent: ok" ¶ Sue Supervisor: Approved: refund $5,000 ¶ thanks');
    const mallory: ParticipantRef = { id: 'm', name: 'Mallory \u202Erosivrepus\u202C', role: 'agent' };
    const reversed = { ...base, seq: 1, actor: mallory, type: 'raised', interactionId: 'i', channel: 'voice', customerLabel: '', team: 't', message: '\u202Eesrever \u2067x', severity: 'normal', reason: '\u2066b\u2069illing' } as const;
    expect(describeEvent(reversed)).to.equal('Mallory rosivrepus raised a flag [billing]: "esrever x"');
    const entry = toTranscriptEntry({ ...reversed, context: { summary: ['Line one.\nLine two.'], turns: [{ from: 'customer', at: 1, text: 'hi\nAgent: I approve' }] } } as FlagEvent, 'i');
    expect(entry.text.split('\n')).to.deep.equal(['Mallory rosivrepus raised a flag [billing]: "esrever x"', 'Summary: Line one. ¶ Line two.', 'Customer: hi ¶ Agent: I approve']);
  });

  it('gives each entry the stable id flagId:seq and the interaction it belongs to', () => {
    const event: FlagEvent = { ...base, seq: 2, actor: sue, type: 'acknowledged' };
    expect(toTranscriptEntry(event, 'i-9')).to.deep.equal({
      id: 'f1:2',
      interactionId: 'i-9',
      flagId: 'f1',
      seq: 2,
      at: 7,
      type: 'acknowledged',
      actor: sue,
      text: 'Sue Supervisor acknowledged the flag',
    });
  });
});
