/**
 * A raise may carry the conversation the agent shares (`context`) and the rule that raised it by
 * itself (`automatic`): both are decided, carried on the `raised` event, folded into the Flag,
 * framed and written to the transcript as part of the one raise entry (client.test.ts: delivered).
 */
import { expect } from '@esm-bundle/chai';
import type { Command } from './commands.js';
import { resolveConfig } from './config.js';
import { MAX_CONTEXT_LENGTH, MAX_CONTEXT_TEXT, MAX_CONTEXT_TURNS, MAX_SUMMARY_SENTENCES, type FlagContext } from './context.js';
import { FlagError } from './errors.js';
import { applyEvent, decide } from './machine.js';
import type { Participant } from './model.js';
import { decodeClientFrame, decodeServerFrame, encodeFrame, MAX_FRAME_LENGTH } from './protocol.js';
import { describeEvent, toTranscriptEntry } from './transcript.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['blue'] };
const sue: Participant = { id: 'sue', name: 'Sue Super', role: 'supervisor', teams: ['blue'] };
const config = resolveConfig({});
const none = { flag: () => undefined, openFlagFor: () => undefined, interactionAgent: () => undefined };

const context: FlagContext = {
  turns: [
    { from: 'customer', text: 'I was charged twice this month.', at: 1_000 },
    { from: 'agent', text: 'I can see both charges.', at: 2_000 },
    { from: 'customer', text: 'I want to cancel everything.', at: 3_000 },
  ],
  summary: ['I want to cancel everything.'],
};
const automatic = { ruleId: 'cancel', ruleName: 'Customer mentions cancelling' };
type Raise = Extract<Command, { type: 'raise' }>;
const raise = (extra: Partial<Raise>): Raise => ({ type: 'raise', interactionId: 'call-1', channel: 'voice', message: 'Wants to cancel', ...extra });

function decideRaise(extra: Partial<Raise>) {
  return decide(none, ann, { id: 'f-1', command: raise(extra) }, 5_000, config);
}

/** Refused where commands enter: the frame is `invalid-frame`, its message names where (the relay answers the command's id with it). */
function refusedAtTheBoundary(extra: Partial<Raise>, mentions: string): void {
  const frame = encodeFrame({ t: 'cmd', id: 'c-1', cmd: raise(extra) });
  expect(() => decodeClientFrame(frame)).to.throw(FlagError, mentions);
  try {
    decodeClientFrame(frame);
  } catch (err) {
    expect((err as FlagError).code).to.equal('invalid-frame');
  }
}

const long = (n: number) => 'x'.repeat(n);

describe('flag context and automatic mark: the state machine', () => {
  it('carries the context and the rule onto the raised event and the flag', () => {
    const decision = decideRaise({ context, automatic });
    if (decision instanceof FlagError) throw decision;
    const [event] = decision.events;
    expect(event).to.include({ type: 'raised' });
    expect(event).to.have.deep.property('context', context);
    expect(event).to.have.deep.property('automatic', automatic);
    const flag = applyEvent(undefined, event!);
    expect(flag.context).to.deep.equal(context);
    expect(flag.automatic).to.deep.equal(automatic);
  });

  it('raises without either, and stores an empty context as none', () => {
    for (const extra of [{}, { context: { turns: [], summary: [] } }]) {
      const decision = decideRaise(extra);
      if (decision instanceof FlagError) throw decision;
      const flag = applyEvent(undefined, decision.events[0]!);
      expect(flag).not.to.have.property('context');
      expect(flag).not.to.have.property('automatic');
    }
  });

  it('a bad context is refused where the command enters, naming where', () => {
    const turn = context.turns[0]!;
    refusedAtTheBoundary({ context: { ...context, turns: Array.from({ length: MAX_CONTEXT_TURNS + 1 }, () => turn) } }, 'cmd.context.turns');
    refusedAtTheBoundary({ context: { ...context, turns: [{ ...turn, text: long(MAX_CONTEXT_TEXT + 1) }] } }, 'cmd.context.turns.0.text');
    refusedAtTheBoundary({ context: { ...context, summary: Array.from({ length: MAX_SUMMARY_SENTENCES + 1 }, () => 'a') } }, 'cmd.context.summary');
    refusedAtTheBoundary({ context: { ...context, turns: [{ ...turn, from: 'supervisor' as 'agent' }] } }, 'cmd.context.turns.0.from');
    refusedAtTheBoundary({ context: { ...context, turns: [{ ...turn, at: -1 }] } }, 'cmd.context.turns.0.at');
    refusedAtTheBoundary({ context: { ...context, extra: 1 } as FlagContext }, 'cmd.context.extra');
    const full = long(MAX_CONTEXT_TEXT);
    refusedAtTheBoundary(
      { context: { turns: Array.from({ length: Math.ceil(MAX_CONTEXT_LENGTH / MAX_CONTEXT_TEXT) + 1 }, () => ({ ...turn, text: full })), summary: [] } },
      `at most ${MAX_CONTEXT_LENGTH} characters of text in all`,
    );
  });

  it('carries the rule whose suggestion the agent accepted, and refuses a flag both automatic and suggested', () => {
    const decision = decideRaise({ suggested: automatic });
    if (decision instanceof FlagError) throw decision;
    expect(applyEvent(undefined, decision.events[0]!).suggested).to.deep.equal(automatic);
    expect(describeEvent(decision.events[0]!)).to.equal('Ann Agent raised a flag: "Wants to cancel" (suggested by the rule "Customer mentions cancelling")');
    const both = decideRaise({ automatic, suggested: automatic });
    expect(both).to.be.instanceOf(FlagError);
    expect((both as FlagError).code).to.equal('invalid-input');
    expect((both as FlagError).message).to.contain('not both');
    refusedAtTheBoundary({ suggested: { ruleId: 'ok', ruleName: '' } }, 'cmd.suggested.ruleName');
  });

  it('a bad automatic mark is refused where the command enters', () => {
    refusedAtTheBoundary({ automatic: { ruleId: 'has space', ruleName: 'x' } }, 'cmd.automatic.ruleId');
    refusedAtTheBoundary({ automatic: { ruleId: 'ok', ruleName: '' } }, 'cmd.automatic.ruleName');
    refusedAtTheBoundary({ automatic: { ruleId: 'ok', ruleName: long(81) } }, 'cmd.automatic.ruleName');
  });

  it('only an agent raises, with or without a context', () => {
    const decision = decide(none, sue, { id: 'f-1', command: raise({ context }) }, 5_000, config);
    expect(decision).to.be.instanceOf(FlagError);
    expect((decision as FlagError).code).to.equal('not-allowed');
  });
});

describe('flag context: the wire', () => {
  it('a raise command and a raised event carry both through encode and decode', () => {
    const cmd = encodeFrame({ t: 'cmd', id: 'c-1', cmd: raise({ context, automatic }) });
    expect(decodeClientFrame(cmd)).to.deep.equal({ v: 1, t: 'cmd', id: 'c-1', cmd: raise({ context, automatic }) });
    const event = { type: 'raised' as const, flagId: 'f-1', seq: 1, at: 1, actor: { id: 'ann', name: 'Ann', role: 'agent' as const }, interactionId: 'call-1', channel: 'voice' as const, customerLabel: '', team: 'blue', message: 'm', severity: 'normal' as const, context, automatic };
    expect(decodeServerFrame(encodeFrame({ t: 'event', pos: 1, event }))).to.deep.equal({ v: 1, t: 'event', pos: 1, event });
  });

  it('a frame with a bad context is invalid-frame with the path', () => {
    const bad = encodeFrame({ t: 'cmd', id: 'c-1', cmd: raise({ context: { ...context, summary: [long(MAX_CONTEXT_TEXT + 1)] } }) });
    expect(() => decodeClientFrame(bad)).to.throw(FlagError, /cmd\.context\.summary\.0/);
  });

  it("the largest context, with the longest message, fits in one frame: core's 64 K characters and the relay's default 32 KiB", () => {
    // Every character JSON-escaped (\u0001: 6 bytes), the worst any script can do.
    const worst = (n: number) => '\u0001'.repeat(n);
    const biggest: FlagContext = {
      turns: Array.from({ length: MAX_CONTEXT_TURNS }, (_, i) => ({ from: 'customer' as const, text: worst(75), at: Number.MAX_SAFE_INTEGER - i })),
      summary: Array.from({ length: MAX_SUMMARY_SENTENCES }, () => worst(500)),
    };
    expect(biggest.turns.length * 75 + biggest.summary.length * 500).to.equal(MAX_CONTEXT_LENGTH);
    const frame = encodeFrame({ t: 'cmd', id: 'c-1', cmd: raise({ message: worst(config.limits.messageLength), context: biggest, automatic }) });
    expect(frame.length).to.be.below(MAX_FRAME_LENGTH);
    expect(new TextEncoder().encode(frame).length, 'the relay default --max-frame-bytes').to.be.at.most(32 * 1024);
    expect(decodeClientFrame(frame)).to.have.nested.property('cmd.context.turns.length', MAX_CONTEXT_TURNS);
  });
});

describe('flag context: the transcript', () => {
  it('is part of the one raised entry, after the raise line, with the rule that raised it', () => {
    const decision = decideRaise({ context, automatic, reason: 'retention' });
    if (decision instanceof FlagError) throw decision;
    const event = decision.events[0]!;
    expect(describeEvent(event), 'a chat system line has no context').to.equal(
      'Ann Agent raised a flag [retention]: "Wants to cancel" (raised automatically by the rule "Customer mentions cancelling")',
    );
    expect(toTranscriptEntry(event, 'call-1').text).to.equal(
      [
        'Ann Agent raised a flag [retention]: "Wants to cancel" (raised automatically by the rule "Customer mentions cancelling")',
        'Summary: I want to cancel everything.',
        'Customer: I was charged twice this month.',
        'Agent: I can see both charges.',
        'Customer: I want to cancel everything.',
      ].join('\n'),
    );
  });
});
