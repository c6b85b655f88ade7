import { expect } from '@esm-bundle/chai';
import fc from 'fast-check';
import { FlagError } from '../errors.js';
import { OUTAGE, UNRELATED } from './fixtures/flags.js';
import { groupSimilarFlags, tokenSetSimilarity } from './similarity.js';

const outageIds = OUTAGE.map((f) => f.id);

describe('automation similarity: grouping similar flags', () => {
  it('groups the six outage flags into one group, labelled with the words they share', () => {
    const groups = groupSimilarFlags([...UNRELATED, ...OUTAGE]);
    expect(groups[0]!.ids).to.have.members(outageIds);
    expect(groups[0]!.label).to.equal('payment page down');
  });

  it('keeps unrelated flags apart, even those sharing a word with the outage or each other', () => {
    const groups = groupSimilarFlags([...UNRELATED, ...OUTAGE]);
    const grouped = groups.flatMap((g) => g.ids);
    for (const f of UNRELATED) expect(grouped, f.id).to.not.include(f.id);
    expect(groups).to.have.length(1);
    expect(groupSimilarFlags(UNRELATED)).to.deep.equal([]);
  });

  it('groups the outage whichever variant is raised first', () => {
    for (const first of OUTAGE) {
      const outage = OUTAGE.map((f) => (f === first ? { ...f, raisedAt: OUTAGE[0]!.raisedAt - 1_000 } : f));
      const groups = groupSimilarFlags([...UNRELATED, ...outage]);
      expect(groups.map((g) => g.ids.length), first.id).to.deep.equal([6]);
    }
  });

  it('does not chain: a flag like only the edge of a group stays out of it', () => {
    const flag = (id: string, message: string, raisedAt: number) => ({ id, message, raisedAt });
    const flags = [
      flag('a', 'payment page down', 0),
      flag('b', 'payment page down, card refused', 1),
      flag('c', 'card refused at checkout', 2),
      flag('d', 'refused at checkout again', 3), // like c only
      flag('x', 'abusive caller', 4),
    ];
    expect(groupSimilarFlags(flags).map((g) => g.ids)).to.deep.equal([['a', 'b', 'c']]);
  });

  it('groups identical flags, and never flags without content words', () => {
    const same = Array.from({ length: 4 }, (_, i) => ({ id: `s${i}`, message: 'Payment page DOWN', raisedAt: i }));
    const empty = Array.from({ length: 3 }, (_, i) => ({ id: `e${i}`, message: '?!', raisedAt: i }));
    expect(groupSimilarFlags([...same, ...empty])).to.deep.equal([{ ids: ['s0', 's1', 's2', 's3'], label: 'payment page down' }]);
  });

  it('finds the same groups in any input order and with any order of flags raised in the same second', () => {
    const all = [...UNRELATED, ...OUTAGE];
    const expected = groupSimilarFlags(all);
    fc.assert(
      fc.property(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), fc.array(fc.integer({ min: 0, max: 999 }), { minLength: all.length, maxLength: all.length }), (shuffled, jitter) => {
        const moved = shuffled.map((f, i) => ({ ...f, raisedAt: f.raisedAt + jitter[i]! }));
        expect(groupSimilarFlags(moved).map((g) => [...g.ids].sort())).to.deep.equal(expected.map((g) => [...g.ids].sort()));
      }),
      { numRuns: 100 },
    );
  });

  it('lists ids in raise order whatever the input order', () => {
    const [group] = groupSimilarFlags([...OUTAGE].reverse());
    expect(group!.ids).to.deep.equal(outageIds);
  });

  it('follows the configured threshold, window and minimum size', () => {
    expect(groupSimilarFlags(OUTAGE, { threshold: 0.99 }).flatMap((g) => g.ids)).to.not.have.members(outageIds);
    expect(groupSimilarFlags([...UNRELATED, ...OUTAGE], { threshold: 0.3 })[0]!.ids).to.include('other-5');
    const spread = OUTAGE.map((f, i) => ({ ...f, raisedAt: f.raisedAt + i * 3_600_000 }));
    expect(groupSimilarFlags(spread)).to.deep.equal([]);
    expect(groupSimilarFlags(spread, { windowMs: 24 * 3_600_000 })[0]!.ids).to.have.length(6);
    expect(groupSimilarFlags(OUTAGE, { minSize: 7 })).to.deep.equal([]);
  });

  it('never links two flags on one shared word, however low the threshold', () => {
    const flags = [
      { id: 'a', message: 'Customer cannot log in', raisedAt: 0 },
      { id: 'b', message: 'Customer wants to cancel', raisedAt: 1 },
      { id: 'c', message: 'Customer wants to cancel too', raisedAt: 2 },
    ];
    expect(groupSimilarFlags(flags, { threshold: 0.01 })).to.deep.equal([{ ids: ['b', 'c'], label: 'customer wants cancel' }]);
  });

  it('refuses options out of range with a typed error', () => {
    expect(() => groupSimilarFlags(OUTAGE, { threshold: 0 })).to.throw(FlagError, /^Invalid similarity options at threshold: /);
    expect(() => groupSimilarFlags(OUTAGE, { windowMs: 0 })).to.throw(FlagError, /^Invalid similarity options at windowMs: /);
    expect(() => groupSimilarFlags(OUTAGE, { minSize: 1.5 })).to.throw(FlagError, /^Invalid similarity options at minSize: /);
  });

  it('measures token-set overlap across inflections and accents', () => {
    expect(tokenSetSimilarity('I want to cancel!', 'i WANTED to cancel')).to.equal(1);
    expect(tokenSetSimilarity('Résilier le contrat', 'resilier contrat')).to.equal(1);
    expect(tokenSetSimilarity('payment page down', 'payment failed')).to.equal(1 / 4);
    expect(tokenSetSimilarity('the', 'payment')).to.equal(0);
  });
});
