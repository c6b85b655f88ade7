import { expect } from '@esm-bundle/chai';
import fc from 'fast-check';
import { FlagError } from '../errors.js';
import { ConversationStore } from './conversation-store.js';
import { RuleEngine, type Clock, type RuleTrigger } from './rule-engine.js';
import type { RuleInput } from './rule-schema.js';

/** Time that moves only when the test says so; due timers run in time order. */
class FakeClock implements Clock {
  time = 1_000_000;
  #timers: { at: number; fn: () => void; id: number }[] = [];
  #next = 0;
  now = () => this.time;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.#next;
    this.#timers.push({ at: this.time + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.#timers = this.#timers.filter((t) => t.id !== id);
  };
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = until;
  }
  get pending(): number {
    return this.#timers.length;
  }
}

const rule = (id: string, when: RuleInput['when'], extra: Partial<RuleInput> = {}): RuleInput => ({
  id,
  name: `Rule ${id}`,
  when,
  action: 'suggest',
  raise: { message: `flag from ${id}` },
  ...extra,
});

function setup(rules: RuleInput[], options: { isFlagOpen?: (id: string) => boolean } = {}) {
  const clock = new FakeClock();
  const conversations = new ConversationStore({ now: clock.now });
  const triggers: RuleTrigger[] = [];
  const engine = new RuleEngine({ rules, conversations, clock, onTrigger: (t) => triggers.push(t), ...options });
  let channel: 'voice' | 'enhanced-chat' = 'voice';
  const say = (interactionId: string, text: string, from: 'customer' | 'agent' = 'customer') => {
    if (conversations.turns(interactionId).length === 0 && !started.has(interactionId)) {
      conversations.observeConversation(interactionId, { channel });
      started.add(interactionId);
    }
    conversations.appendTurn(interactionId, { from, text, at: clock.now() });
  };
  const started = new Set<string>();
  const fired = () => triggers.map((t) => `${t.interactionId}:${t.ruleId}`);
  return { clock, conversations, engine, triggers, say, fired, useChannel: (c: typeof channel) => (channel = c) };
}

const CANCEL = rule('cancel', { type: 'keywords', any: ['cancel', 'résilier', 'dar de baja', 'close my account'] });

describe('automation rules engine: keywords', () => {
  it('fires on inflected, accented and differently cased forms in en, es and fr', () => {
    const { say, fired } = setup([CANCEL]);
    say('i1', "I'm CANCELLING this today");
    say('i2', 'Je veux résilier.');
    say('i3', 'je veux RESILIER mon abonnement');
    say('i4', 'Quiero dar de baja la línea');
    say('i5', 'Please, closing my account is all I ask');
    say('i6', 'La cancelación, por favor');
    expect(fired()).to.deep.equal(['i1:cancel', 'i2:cancel', 'i3:cancel', 'i4:cancel', 'i5:cancel', 'i6:cancel']);
  });

  it('stays quiet on other words, on the agent’s turns, and on a phrase split apart', () => {
    const { say, fired } = setup([CANCEL]);
    say('i1', 'Can you check my balance?');
    say('i1', 'Would you like to cancel?', 'agent');
    say('i1', 'I want to close the account of my son');
    expect(fired()).to.deep.equal([]);
  });

  it('gives a ready suggestion: text, prefilled raise and evidence', () => {
    const { say, triggers, clock } = setup([{ ...CANCEL, suggestion: 'Customer mentions cancelling — raise a flag?', raise: { message: 'Wants to cancel', reason: 'retention', severity: 'urgent' } }]);
    say('call-7', 'I want to cancel everything');
    expect(triggers).to.deep.equal([
      {
        id: 'call-7:cancel:1',
        ruleId: 'cancel',
        ruleName: 'Rule cancel',
        action: 'suggest',
        interactionId: 'call-7',
        suggestion: 'Customer mentions cancelling — raise a flag?',
        raise: { interactionId: 'call-7', channel: 'voice', message: 'Wants to cancel', reason: 'retention', severity: 'urgent' },
        evidence: 'cancel',
        at: clock.time,
      },
    ]);
  });

  it("marks an auto-raise's ready raise as automatic, with the rule's id and name (a suggestion's is not)", () => {
    const { say, triggers } = setup([{ ...CANCEL, action: 'auto-raise' }, rule('manager', { type: 'keywords', any: ['manager'] })]);
    say('call-7', 'I want to cancel, get me a manager');
    expect(triggers.map((t) => [t.ruleId, t.raise.automatic])).to.deep.equal([
      ['cancel', { ruleId: 'cancel', ruleName: 'Rule cancel' }],
      ['manager', undefined],
    ]);
  });
});

describe('automation rules engine: listeners', () => {
  it('tells every subscriber each trigger until it stops, and lists the suggestions still open per interaction', () => {
    const { say, engine, triggers } = setup([CANCEL, rule('manager', { type: 'keywords', any: ['manager'] })]);
    const heard: string[] = [];
    const stop = engine.subscribe((t) => heard.push(t.id));
    say('i1', 'cancel it');
    say('i2', 'get me a manager');
    stop();
    say('i2', 'cancel it too');
    expect(heard).to.deep.equal(['i1:cancel:1', 'i2:manager:2']);
    expect(triggers.map((t) => t.id)).to.deep.equal(['i1:cancel:1', 'i2:manager:2', 'i2:cancel:3']);
    expect(engine.pendingSuggestions('i2').map((t) => t.id)).to.deep.equal(['i2:manager:2', 'i2:cancel:3']);
    engine.accept('i2:manager:2');
    engine.dismiss('i1:cancel:1');
    expect(engine.pendingSuggestions('i2')).to.deep.equal([triggers[2]]);
    expect(engine.pendingSuggestions('i1')).to.deep.equal([]);
  });
});

describe('automation rules engine: noise control', () => {
  it('never suggests twice for the same rule on the same interaction, even after the cooldown', () => {
    const { say, fired, clock, engine } = setup([{ ...CANCEL, cooldownMs: 1_000 }]);
    say('i1', 'I want to cancel');
    clock.advance(60_000);
    say('i1', 'I said CANCEL');
    engine.dismiss('i1:cancel:1');
    say('i1', 'cancel cancel cancel');
    say('i2', 'cancel it');
    expect(fired()).to.deep.equal(['i1:cancel', 'i2:cancel']);
  });

  it('keeps an auto-raise rule quiet for its cooldown on that interaction only', () => {
    const { say, fired, clock } = setup([{ ...CANCEL, action: 'auto-raise', cooldownMs: 10_000 }]);
    say('i1', 'cancel');
    clock.advance(9_999);
    say('i1', 'cancel');
    say('i2', 'cancel');
    clock.advance(1);
    say('i1', 'cancel');
    expect(fired()).to.deep.equal(['i1:cancel', 'i2:cancel', 'i1:cancel']);
  });

  it('fires nothing while the interaction has an open flag', () => {
    const open = new Set(['i1']);
    const { say, fired, engine } = setup([{ ...CANCEL, action: 'auto-raise', cooldownMs: 0 }], { isFlagOpen: (id) => open.has(id) });
    say('i1', 'cancel');
    say('i1', 'cancel');
    expect(fired()).to.deep.equal([]);
    open.delete('i1');
    say('i1', 'cancel');
    expect(fired()).to.deep.equal(['i1:cancel']);
    expect(engine.counters().cancel!.autoRaised).to.equal(1);
  });

  it('counts suggestions shown, accepted and dismissed, and auto-raises, per rule', () => {
    const { say, engine, triggers } = setup([CANCEL, rule('manager', { type: 'keywords', any: ['manager'] }, { action: 'auto-raise', cooldownMs: 0 })]);
    say('i1', 'cancel');
    say('i2', 'cancel');
    say('i3', 'cancel');
    say('i1', 'get me a manager');
    say('i1', 'a MANAGER now');
    engine.accept(triggers[0]!.id);
    engine.dismiss(triggers[1]!.id);
    expect(engine.counters()).to.deep.equal({
      cancel: { shown: 3, accepted: 1, dismissed: 1, autoRaised: 0 },
      manager: { shown: 0, accepted: 0, dismissed: 0, autoRaised: 2 },
    });
  });

  it('refuses to settle a suggestion twice, an unknown one, or one whose interaction ended', () => {
    const { say, engine, triggers, conversations } = setup([CANCEL]);
    say('i1', 'cancel');
    say('i2', 'cancel');
    engine.accept(triggers[0]!.id);
    const code = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        expect(err).to.be.instanceOf(FlagError);
        return (err as FlagError).code;
      }
      return 'no error';
    };
    expect(code(() => engine.dismiss(triggers[0]!.id))).to.equal('not-found');
    expect(code(() => engine.accept('nope'))).to.equal('not-found');
    conversations.endConversation('i2');
    expect(code(() => engine.accept(triggers[1]!.id))).to.equal('not-found');
    expect(engine.counters().cancel).to.deep.equal({ shown: 2, accepted: 1, dismissed: 0, autoRaised: 0 });
  });
});

describe('automation rules engine: conditions', () => {
  it('matches a regex case-insensitively, on the first 2,000 characters of a turn', () => {
    const { say, triggers } = setup([rule('card', { type: 'regex', pattern: '\\b\\d{4}[- ]?\\d{4}[- ]?\\d{4}[- ]?\\d{4}\\b' }), rule('ref', { type: 'regex', pattern: 'ref-[a-z]{3}' })]);
    say('i1', 'my card is 4111 1111 1111 1111 ok');
    say('i2', `${'x '.repeat(1_000)} 4111-1111-1111-1111`);
    say('i3', 'REF-ABC');
    expect(triggers.map((t) => [t.interactionId, t.evidence])).to.deep.equal([['i1', '4111 1111 1111 1111'], ['i3', 'REF-ABC']]);
  });

  it('fires on a negative sentiment shift at the turn the customer sours', () => {
    const { say, fired, triggers } = setup([rule('sour', { type: 'sentiment-shift', delta: 0.8 })]);
    say('i1', 'Hi, thanks for taking my call, you are very kind.');
    say('i1', 'Sure, the number is 5520.');
    say('i1', 'Let me look.', 'agent');
    say('i1', 'What? That is ridiculous.');
    expect(fired()).to.deep.equal([]);
    say('i1', 'This is unacceptable, I am furious.');
    expect(fired()).to.deep.equal(['i1:sour']);
    expect(triggers[0]!.evidence).to.match(/^sentiment 0\.\d\d → -0\.\d\d$/);
  });

  it('does not fire on a conversation that is negative all along, nor on a positive shift for a negative rule', () => {
    const { say, fired } = setup([rule('sour', { type: 'sentiment-shift', delta: 0.6 }), rule('better', { type: 'sentiment-shift', direction: 'positive', delta: 0.6, window: 1 })]);
    say('i1', 'This is terrible.');
    say('i1', 'Still terrible, honestly.');
    say('i1', 'Your service is awful.');
    say('i1', 'Useless, really bad.');
    expect(fired()).to.deep.equal([]);
    say('i1', 'Oh wonderful, thank you so much, that is perfect!');
    expect(fired()).to.deep.equal(['i1:better']);
  });

  it('fires when the customer repeats the same message the configured number of times', () => {
    const { say, fired } = setup([rule('again', { type: 'repeated', count: 3 })]);
    say('i1', 'Where is my refund?');
    say('i1', 'When will I get my money?');
    say('i1', 'where is my REFUND??');
    expect(fired()).to.deep.equal([]);
    say('i1', 'Where is my refund!');
    expect(fired()).to.deep.equal(['i1:again']);
  });

  it('remembers the customer’s last 20 messages for repeats', () => {
    const { say, fired } = setup([rule('again', { type: 'repeated', count: 3 })]);
    say('i1', 'Where is my refund?');
    for (let i = 0; i < 19; i++) say('i1', `Unrelated message number ${i} about item ${i}`);
    say('i1', 'Where is my refund?');
    expect(fired()).to.deep.equal([]); // the first one is now 21 messages back
    say('i1', 'Where is my refund?');
    expect(fired()).to.deep.equal([]);
    say('i1', 'Where is my refund?');
    expect(fired()).to.deep.equal(['i1:again']);
  });

  it('fires on a long silence on voice only, when the host reports it', () => {
    const { say, conversations, fired, useChannel } = setup([rule('quiet', { type: 'silence', overMs: 30_000 })]);
    say('call', 'hello?');
    useChannel('enhanced-chat');
    say('chat', 'hello?');
    conversations.reportSilence('call', 29_999);
    conversations.reportSilence('chat', 120_000);
    expect(fired()).to.deep.equal([]);
    conversations.reportSilence('call', 30_000);
    expect(fired()).to.deep.equal(['call:quiet']);
  });

  it('fires when the handle time passes its threshold, counted from the interaction’s start', () => {
    const { clock, conversations, fired, triggers } = setup([rule('long', { type: 'handle-time', overMs: 600_000 }, { action: 'auto-raise' })]);
    conversations.observeConversation('i1', { channel: 'voice', startedAt: clock.time - 300_000 });
    conversations.observeConversation('i2', { channel: 'voice' });
    clock.advance(299_999);
    expect(fired()).to.deep.equal([]);
    clock.advance(1);
    expect(fired()).to.deep.equal(['i1:long']);
    expect(triggers[0]!.evidence).to.equal('handle time over 10 min');
    conversations.endConversation('i2');
    clock.advance(600_000);
    expect(fired()).to.deep.equal(['i1:long']);
    expect(clock.pending).to.equal(0);
  });

  it('runs a rule only on its channels, and never a disabled one', () => {
    const { say, fired, useChannel } = setup([
      { ...CANCEL, channels: ['enhanced-chat'] },
      rule('off', { type: 'keywords', any: ['cancel'] }, { enabled: false }),
    ]);
    say('call', 'cancel');
    useChannel('enhanced-chat');
    say('chat', 'cancel');
    expect(fired()).to.deep.equal(['chat:cancel']);
  });

  it('takes new rules at once and keeps the counters of the rules that stay', () => {
    const { say, fired, engine } = setup([CANCEL]);
    say('i1', 'cancel');
    engine.setRules(JSON.stringify([rule('refund', { type: 'keywords', any: ['refund'] })]));
    say('i2', 'cancel and refund');
    expect(fired()).to.deep.equal(['i1:cancel', 'i2:refund']);
    expect(Object.keys(engine.counters())).to.deep.equal(['cancel', 'refund']);
  });

  it('validates its rules: a bad set is refused and the rules in force stay', () => {
    const { say, fired, engine, conversations } = setup([CANCEL]);
    let error: unknown;
    try {
      engine.setRules([{ ...CANCEL, when: { type: 'regex', pattern: '(a+)+' } }]);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(FlagError).and.have.property('code', 'invalid-input');
    expect(() => new RuleEngine({ rules: '[{}]', conversations, onTrigger: () => {} })).to.throw(FlagError, /^Invalid rules at 0\.id: /);
    say('i1', 'cancel');
    expect(fired()).to.deep.equal(['i1:cancel']);
  });

  it('follows conversations observed before it was created, from their next turn', () => {
    const clock = new FakeClock();
    const conversations = new ConversationStore({ now: clock.now });
    conversations.observeConversation('early', { channel: 'voice', turns: [{ from: 'customer', text: 'I want to cancel', at: 1 }] });
    const triggers: RuleTrigger[] = [];
    new RuleEngine({ rules: [CANCEL, rule('long', { type: 'handle-time', overMs: 1_000 })], conversations, clock, onTrigger: (t) => triggers.push(t) });
    expect(triggers).to.deep.equal([]);
    conversations.appendTurn('early', { from: 'customer', text: 'cancel it, please', at: 2 });
    clock.advance(10_000);
    expect(triggers.map((t) => t.ruleId)).to.deep.equal(['cancel']);
  });

  it('a handle-time timer set before the rules changed fires only if its rule is still in force', () => {
    const { clock, conversations, fired, engine, triggers } = setup([rule('long', { type: 'handle-time', overMs: 30_000 }), rule('longer', { type: 'handle-time', overMs: 40_000 })]);
    conversations.observeConversation('i1', { channel: 'voice' });
    engine.setRules([rule('long', { type: 'handle-time', overMs: 30_000 }, { raise: { message: 'updated' } })]);
    clock.advance(60_000);
    expect(fired()).to.deep.equal(['i1:long']);
    expect(triggers[0]!.raise.message).to.equal('updated');
    expect(triggers[0]!.evidence).to.equal('handle time over 30 s');
  });

  it('stops listening and clears its timers when disposed', () => {
    const { say, fired, engine, clock, conversations } = setup([CANCEL, rule('long', { type: 'handle-time', overMs: 1_000 })]);
    conversations.observeConversation('i1', { channel: 'voice' });
    engine.dispose();
    say('i2', 'cancel');
    clock.advance(5_000);
    expect(fired()).to.deep.equal([]);
    expect(clock.pending).to.equal(0);
  });
});

describe('automation rules engine: noise invariants over random conversations', () => {
  const TEXTS = ['I want to cancel', 'cancelar todo', 'Je veux résilier', 'hello', 'where is my refund?', 'thanks', 'get me a manager'];
  const step = fc.record({ interaction: fc.integer({ min: 0, max: 2 }), text: fc.constantFrom(...TEXTS), from: fc.constantFrom('customer' as const, 'agent' as const), waitMs: fc.integer({ min: 0, max: 90_000 }) });

  it('a suggest rule fires at most once per interaction; an auto-raise rule never within its cooldown', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const { say, clock, triggers } = setup([CANCEL, rule('manager', { type: 'keywords', any: ['manager'] }, { action: 'auto-raise', cooldownMs: 60_000 })]);
        for (const s of steps) {
          clock.advance(s.waitMs);
          say(`i${s.interaction}`, s.text, s.from);
        }
        const suggested = triggers.filter((t) => t.ruleId === 'cancel').map((t) => t.interactionId);
        expect(new Set(suggested).size).to.equal(suggested.length);
        const raisedAt = new Map<string, number>();
        for (const t of triggers.filter((x) => x.ruleId === 'manager')) {
          const last = raisedAt.get(t.interactionId);
          if (last !== undefined) expect(t.at - last).to.be.at.least(60_000);
          raisedAt.set(t.interactionId, t.at);
        }
        // And each fires as soon as it may: the first customer "cancel" of an interaction is suggested.
        const firstCancel = new Set(steps.filter((s) => s.from === 'customer' && /cancel|résilier/i.test(s.text)).map((s) => `i${s.interaction}`));
        expect(new Set(suggested)).to.deep.equal(firstCancel);
      }),
      { numRuns: 200 },
    );
  });
});
