import { expect } from '@esm-bundle/chai';
import { LABELLED_UTTERANCES } from './fixtures/sentiment.js';
import { VALENCE } from './sentiment-lexicon.js';
import { compileLexicon, scoreSentiment, sentimentShift } from './sentiment.js';

describe('automation sentiment: lexicon scorer', () => {
  it('reaches at least 0.8 accuracy on the labelled set, in each language too (printed)', () => {
    const accuracy = (items: typeof LABELLED_UTTERANCES) => items.filter((u) => scoreSentiment(u.text).label === u.label).length / items.length;
    const byLang = (['en', 'es', 'fr'] as const).map((lang) => [lang, accuracy(LABELLED_UTTERANCES.filter((u) => u.lang === lang))] as const);
    const all = accuracy(LABELLED_UTTERANCES);
    console.log(
      `sentiment: accuracy ${all.toFixed(3)} on ${LABELLED_UTTERANCES.length} labelled utterances (` +
        byLang.map(([lang, a]) => `${lang} ${a.toFixed(3)}`).join(', ') + ')',
    );
    expect(LABELLED_UTTERANCES.length).to.be.at.least(60);
    expect(all).to.be.at.least(0.8);
    for (const [lang, a] of byLang) expect(a, lang).to.be.at.least(0.8);
  });

  it('has no two lexicon entries that compile to one stem with different values', () => {
    expect(compileLexicon(VALENCE).conflicts).to.deep.equal([]);
    expect(compileLexicon({ pleased: 2, please: 0 }).conflicts).to.deep.equal(['please → plea']);
  });

  it('flips a negated word (en, es, fr) and keeps negation inside its clause', () => {
    expect(scoreSentiment('I am happy').label).to.equal('positive');
    expect(scoreSentiment("I'm not happy").label).to.equal('negative');
    expect(scoreSentiment('No estoy contento').label).to.equal('negative');
    expect(scoreSentiment("Je ne suis pas content").label).to.equal('negative');
    expect(scoreSentiment('No, it is great').label).to.equal('positive');
    expect(scoreSentiment('no problem').label).to.equal('positive');
  });

  it('weighs intensifiers up and what comes before "but" down', () => {
    expect(scoreSentiment('very bad').score).to.be.below(scoreSentiment('bad').score);
    expect(scoreSentiment('The agent was nice but the product is awful').label).to.equal('negative');
    expect(scoreSentiment('The product is awful but the agent was wonderful').label).to.equal('positive');
  });

  it('is neutral for plain requests and bounded to -1…1', () => {
    expect(scoreSentiment('I want to change my address.')).to.deep.equal({ score: 0, label: 'neutral' });
    const furious = scoreSentiment('terrible awful horrible worst useless disgusting pathetic scam');
    expect(furious.score).to.be.within(-1, -0.9);
  });
});

describe('automation sentiment: shifts over turns', () => {
  const scores = (texts: string[]) => texts.map((t) => scoreSentiment(t).score);

  it('sees a customer turn sour and says from where to where', () => {
    const s = scores(['Hi, thanks for taking my call.', 'Sure, the number is 5520.', 'What? That is ridiculous.', 'This is unacceptable, I am furious.']);
    expect(sentimentShift(s.slice(0, 2), 2)).to.equal(null);
    const shift = sentimentShift(s, 2)!;
    expect(shift.delta).to.be.below(-0.8);
    expect(shift.from).to.be.above(0);
    expect(shift.to).to.be.below(-0.5);
  });

  it('sees no shift in a conversation that stays the same', () => {
    const s = scores(['This is terrible.', 'Still terrible, honestly.', 'Your service is awful.', 'Useless, really bad.']);
    expect(Math.abs(sentimentShift(s, 2)!.delta)).to.be.below(0.3);
  });

  it('compares the window with as many turns before it, or fewer at the start', () => {
    expect(sentimentShift([0.5, -0.5], 1)).to.deep.equal({ from: 0.5, to: -0.5, delta: -1 });
    expect(sentimentShift([1, 0, 0.5, -0.5], 1)).to.deep.equal({ from: 0.5, to: -0.5, delta: -1 });
    expect(sentimentShift([0.4, 0.2, -0.2, -0.4], 2)).to.deep.include({ delta: -0.6000000000000001 });
  });
});
