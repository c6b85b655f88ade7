import { expect } from '@esm-bundle/chai';
import { FlagError } from '../errors.js';
import { SUMMARY_CASES, type SummaryCase } from './fixtures/conversations.js';
import { summarize } from './summary.js';
import { sentences } from './text.js';

describe('automation summary: the customer’s intent sentences', () => {
  it('has at least 20 written conversations in en, es and fr', () => {
    expect(SUMMARY_CASES.length).to.be.at.least(20);
    for (const lang of ['en', 'es', 'fr']) expect(SUMMARY_CASES.filter((c) => c.name.startsWith(`${lang}:`)).length).to.be.at.least(6);
    for (const c of SUMMARY_CASES) expect(c.intent.length, c.name).to.be.within(1, 2);
  });

  for (const c of SUMMARY_CASES) {
    it(`picks the intent sentences: ${c.name}`, () => {
      const picked = summarize(c.turns).map((s) => s.text);
      expect(picked).to.have.length(2);
      for (const sentence of c.intent) expect(picked).to.include(sentence);
    });
  }

  it('prints its recall on the set, beside two naive pickers it must beat', () => {
    const recall = (pick: (c: SummaryCase) => string[]) => SUMMARY_CASES.filter((c) => c.intent.every((s) => pick(c).includes(s))).length;
    const customerSentences = (c: SummaryCase) => c.turns.filter((t) => t.from === 'customer').flatMap((t) => sentences(t.text));
    const hits = recall((c) => summarize(c.turns).map((p) => p.text));
    const firstTwo = recall((c) => customerSentences(c).slice(0, 2));
    const longestTwo = recall((c) => [...customerSentences(c)].sort((a, b) => b.length - a.length).slice(0, 2));
    const n = SUMMARY_CASES.length;
    console.log(`summary: intent sentences picked in ${hits}/${n} conversations; first two customer sentences ${firstTwo}/${n}, two longest ${longestTwo}/${n}`);
    expect(hits).to.equal(n);
    expect(longestTwo).to.be.below(n);
  });

  it('returns customer sentences only, never a lone greeting, in conversation order, with their turn', () => {
    const turns = [
      { from: 'agent' as const, text: 'Do you want to cancel the refund?', at: 0 },
      { from: 'customer' as const, text: 'Hello. My bill is wrong since March.', at: 1 },
      { from: 'customer' as const, text: 'I want a refund for the wrong bill.', at: 2 },
    ];
    const picked = summarize(turns, { sentences: 3 });
    expect(picked.map((s) => s.turn)).to.deep.equal([1, 2]);
    expect(picked.map((s) => s.text)).to.deep.equal(['My bill is wrong since March.', 'I want a refund for the wrong bill.']);
  });

  it('does not pick the same thing twice when the customer repeats it', () => {
    const turns = [
      { from: 'customer' as const, text: 'I want to cancel.', at: 0 },
      { from: 'customer' as const, text: 'I want to cancel.', at: 1 },
      { from: 'customer' as const, text: 'The new price is too high for me.', at: 2 },
    ];
    expect(summarize(turns).map((s) => s.turn)).to.deep.equal([0, 2]);
  });

  it('refuses a sentence count that is not 0 to 20', () => {
    for (const sentences of [-1, 1.5, 21, Number.NaN])
      expect(() => summarize(SUMMARY_CASES[0]!.turns, { sentences })).to.throw(FlagError, /^Invalid summary options at sentences: /);
    expect(summarize(SUMMARY_CASES[0]!.turns, { sentences: 0 })).to.deep.equal([]);
  });

  it('gives nothing for a conversation without customer words', () => {
    expect(summarize([])).to.deep.equal([]);
    expect(summarize([{ from: 'agent', text: 'Hello, how can I help?', at: 0 }])).to.deep.equal([]);
  });
});
