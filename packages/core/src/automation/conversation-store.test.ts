import { expect } from '@esm-bundle/chai';
import { FlagError } from '../errors.js';
import type { Turn } from '../context.js';
import { MAX_CONTEXT_LENGTH, MAX_CONTEXT_TURNS } from '../context.js';
import { ConversationStore, parseFlagContext, type ConversationEvent } from './conversation-store.js';
import { SUMMARY_CASES } from './fixtures/conversations.js';

const cancelCase = SUMMARY_CASES.find((c) => c.name === 'en: cancel everything')!;
const turn = (i: number, from: Turn['from'] = 'customer'): Turn => ({ from, text: `turn ${i}`, at: i });

function failure(fn: () => unknown): FlagError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(FlagError);
    return err as FlagError;
  }
  throw new Error('expected a FlagError');
}

describe('automation conversation store: context for a flag', () => {
  it('gives the last 6 turns and a 2-sentence summary by default', () => {
    const store = new ConversationStore();
    store.observeConversation('call-1', { channel: 'voice', turns: cancelCase.turns.slice(0, 3) });
    for (const t of cancelCase.turns.slice(3)) store.appendTurn('call-1', t);
    for (let i = 0; i < 3; i++) store.appendTurn('call-1', { from: 'agent', text: `Let me check ${i}.`, at: 10_000 + i });
    const context = store.contextFor('call-1')!;
    expect(context.turns).to.deep.equal([...cancelCase.turns.slice(2), ...store.turns('call-1').slice(-3)]);
    expect(context.turns).to.have.length(6);
    expect(context.summary).to.deep.equal(['I want to cancel everything, the phone line and the internet.', 'Please just close my account today.']);
    expect(parseFlagContext(context)).to.deep.equal(context);
  });

  it('cuts long turns and summary sentences to maxTurnLength with an ellipsis, and honours the counts', () => {
    const store = new ConversationStore();
    const long = `I want to cancel ${'really '.repeat(100)}everything.`;
    store.observeConversation('i', { channel: 'enhanced-chat', turns: [turn(1), { from: 'customer', text: long, at: 2 }] });
    const context = store.contextFor('i', { turns: 1, maxTurnLength: 40, summarySentences: 1 })!;
    expect(context.turns).to.have.length(1);
    expect(context.turns[0]!.text).to.have.length(40);
    expect(context.turns[0]!.text.endsWith('…')).to.equal(true);
    expect(context.summary).to.deep.equal([context.turns[0]!.text]);
    expect(store.contextFor('i', { summarySentences: 0 })!.summary).to.deep.equal([]);
  });

  it('drops the oldest turns rather than share more than MAX_CONTEXT_LENGTH characters in all', () => {
    const store = new ConversationStore();
    const said = (i: number): Turn => ({ from: 'customer', text: `I want to cancel ${i} ${'x'.repeat(490)}`, at: i });
    store.observeConversation('i', { channel: 'voice', turns: Array.from({ length: MAX_CONTEXT_TURNS }, (_, i) => said(i)) });
    const context = store.contextFor('i', { turns: MAX_CONTEXT_TURNS, maxTurnLength: 500, summarySentences: 5 })!;
    const length = [...context.turns.map((t) => t.text), ...context.summary].reduce((n, t) => n + t.length, 0);
    expect(length).to.be.at.most(MAX_CONTEXT_LENGTH);
    expect(context.summary, 'the summary is kept whole').to.have.length(5);
    expect(context.turns.at(-1)!.at, 'the newest turns are kept').to.equal(MAX_CONTEXT_TURNS - 1);
    expect(context.turns.length).to.be.below(MAX_CONTEXT_TURNS);
    expect(parseFlagContext(context)).to.deep.equal(context);
  });

  it('masks card numbers in what it shares, and only card numbers, unless told not to', () => {
    const store = new ConversationStore();
    const said = 'My card is 4111 1111 1111 1111, order 1234567890123, amex 3782-822463-10005, call 0612345678.';
    store.observeConversation('i', { channel: 'voice', turns: [{ from: 'customer', text: said, at: 1 }] });
    const context = store.contextFor('i')!;
    expect(context.turns[0]!.text).to.equal('My card is •••• 1111, order 1234567890123, amex •••• 0005, call 0612345678.');
    expect(context.summary).to.deep.equal([context.turns[0]!.text]);
    store.appendTurn('i', { from: 'customer', text: 'Both: 4111 1111 1111 1111 5500 0000 0000 0004.', at: 2 });
    expect(store.contextFor('i')!.turns[1]!.text).to.equal('Both: •••• 0004.');
    expect(store.turns('i')[0]!.text).to.equal(said);
    expect(store.contextFor('i', { maskCardNumbers: false })!.turns[0]!.text).to.equal(said);
  });

  it('shares nothing on a disabled channel, for an unknown interaction, or without turns', () => {
    const store = new ConversationStore({ disabledChannels: ['voice'] });
    store.observeConversation('call', { channel: 'voice', turns: [turn(1)] });
    store.observeConversation('chat', { channel: 'enhanced-chat' });
    expect(store.contextFor('call')).to.equal(null);
    expect(store.contextFor('chat')).to.equal(null);
    expect(store.contextFor('nobody')).to.equal(null);
    store.appendTurn('chat', turn(2));
    expect(store.contextFor('chat')!.turns).to.deep.equal([turn(2)]);
  });

  it('refuses bad input with a typed error that says what and where', () => {
    const store = new ConversationStore();
    expect(failure(() => store.appendTurn('nobody', turn(1))).code).to.equal('not-found');
    expect(failure(() => store.observeConversation('', { channel: 'voice' })).message).to.match(/^Invalid interaction id: /);
    expect(failure(() => store.observeConversation('i', { channel: 'fax' as 'voice' })).message).to.match(/^Invalid conversation at channel: /);
    store.observeConversation('i', { channel: 'voice' });
    expect(failure(() => store.observeConversation('i', { channel: 'voice' })).code).to.equal('invalid-state');
    const bad = failure(() => store.appendTurn('i', { from: 'bot', text: 'x', at: 1 } as unknown as Turn));
    expect(bad.code).to.equal('invalid-input');
    expect(bad.message).to.match(/^Invalid turn at from: /);
    expect(failure(() => store.contextFor('i', { turns: MAX_CONTEXT_TURNS + 1 })).message).to.match(/^Invalid context options at turns: /);
    expect(failure(() => store.reportSilence('i', -1)).code).to.equal('invalid-input');
    expect(store.turns('i')).to.deep.equal([]);
    expect(failure(() => new ConversationStore({ maxTurns: 0 })).message).to.match(/^Invalid conversation store options at maxTurns: /);
    expect(failure(() => new ConversationStore({ disabledChannels: ['fax' as 'voice'] })).message).to.match(/^Invalid conversation store options at disabledChannels\.0: /);
  });

  it('validates a context edited by the agent or received from elsewhere', () => {
    const tooMany = { turns: Array.from({ length: MAX_CONTEXT_TURNS + 1 }, (_, i) => turn(i)), summary: [] };
    expect(failure(() => parseFlagContext(tooMany)).message).to.match(/^Invalid context at turns: /);
    expect(failure(() => parseFlagContext({ turns: [], summary: ['x'.repeat(501)] })).message).to.match(/^Invalid context at summary\.0: /);
    expect(parseFlagContext({ turns: [], summary: [] })).to.deep.equal({ turns: [], summary: [] });
  });

  it('stays bounded: keeps the last maxTurns turns, cuts stored turns, forgets an ended interaction', () => {
    const store = new ConversationStore({ maxTurns: 3 });
    store.observeConversation('i', { channel: 'voice' });
    for (let i = 1; i <= 5; i++) store.appendTurn('i', turn(i));
    expect(store.turns('i').map((t) => t.at)).to.deep.equal([3, 4, 5]);
    store.appendTurn('i', { from: 'customer', text: 'y'.repeat(10_000), at: 6 });
    expect(store.turns('i').at(-1)!.text).to.have.length(4_000);
    store.endConversation('i');
    store.endConversation('i');
    expect(store.turns('i')).to.deep.equal([]);
    store.observeConversation('i', { channel: 'voice' });
  });

  it('tells subscribers every change, with the start time from the host, the first turn or the clock', () => {
    const store = new ConversationStore({ now: () => 42 });
    const events: ConversationEvent[] = [];
    const stop = store.subscribe((e) => events.push(e));
    store.observeConversation('a', { channel: 'voice', startedAt: 7, turns: [turn(9)] });
    store.observeConversation('b', { channel: 'voice', turns: [turn(9)] });
    store.observeConversation('c', { channel: 'legacy-chat' });
    store.reportSilence('a', 5_000);
    store.endConversation('a');
    stop();
    store.endConversation('b');
    expect(events).to.deep.equal([
      { type: 'started', interactionId: 'a', channel: 'voice', startedAt: 7 },
      { type: 'turn', interactionId: 'a', channel: 'voice', turn: turn(9) },
      { type: 'started', interactionId: 'b', channel: 'voice', startedAt: 9 },
      { type: 'turn', interactionId: 'b', channel: 'voice', turn: turn(9) },
      { type: 'started', interactionId: 'c', channel: 'legacy-chat', startedAt: 42 },
      { type: 'silence', interactionId: 'a', channel: 'voice', durationMs: 5_000 },
      { type: 'ended', interactionId: 'a' },
    ]);
  });
});
