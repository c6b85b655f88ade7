import { expect } from '@esm-bundle/chai';
import { ConversationStore } from './conversation-store.js';
import { EXAMPLE_RULES } from './example-rules.js';
import { RuleEngine, type RuleTrigger } from './rule-engine.js';
import { parseRules } from './rule-schema.js';

describe('automation: the example rule set', () => {
  it('is valid and uses every condition type', () => {
    const rules = parseRules(JSON.stringify(EXAMPLE_RULES));
    expect(new Set(rules.map((r) => r.when.type))).to.deep.equal(new Set(['keywords', 'regex', 'sentiment-shift', 'repeated', 'silence', 'handle-time']));
  });

  it('suggests a flag when the customer wants to cancel, in en, es and fr, and auto-raises on legal threats', () => {
    const conversations = new ConversationStore();
    const triggers: RuleTrigger[] = [];
    new RuleEngine({ rules: EXAMPLE_RULES, conversations, onTrigger: (t) => triggers.push(t) });
    const lines = ['I want to cancel everything', 'Quiero darme de baja de todo', 'Je veux tout résilier', 'Mi abogado va a denunciarles'];
    lines.forEach((text, i) => {
      conversations.observeConversation(`i${i}`, { channel: 'enhanced-chat' });
      conversations.appendTurn(`i${i}`, { from: 'customer', text, at: i });
    });
    expect(triggers.map((t) => [t.interactionId, t.ruleId, t.action])).to.deep.equal([
      ['i0', 'cancel', 'suggest'],
      ['i1', 'cancel', 'suggest'],
      ['i2', 'cancel', 'suggest'],
      ['i3', 'legal', 'auto-raise'],
    ]);
    expect(triggers[0]!.suggestion).to.equal('Customer mentions cancelling — raise a flag?');
    expect(triggers[0]!.raise).to.deep.equal({ interactionId: 'i0', channel: 'enhanced-chat', message: 'Customer wants to cancel', reason: 'retention', severity: 'normal' });
  });
});
