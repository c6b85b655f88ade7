import { expect } from '@esm-bundle/chai';
import { FlagError } from '../errors.js';
import { parseRules, unsafePatternReason } from './rule-schema.js';

const minimal = { id: 'cancel', name: 'Customer mentions cancelling', when: { type: 'keywords', any: ['cancel'] }, action: 'suggest', raise: { message: 'Customer wants to cancel' } };

function refusal(input: unknown): string {
  try {
    parseRules(input);
  } catch (err) {
    expect(err).to.be.instanceOf(FlagError);
    expect((err as FlagError).code).to.equal('invalid-input');
    return (err as FlagError).message;
  }
  throw new Error('expected the rules to be refused');
}

describe('automation rules: schema', () => {
  it('fills the documented defaults', () => {
    expect(parseRules([minimal])).to.deep.equal([
      { ...minimal, enabled: true, when: { type: 'keywords', any: ['cancel'], from: 'customer' }, raise: { message: 'Customer wants to cancel', severity: 'normal' }, cooldownMs: 300_000 },
    ]);
    const [shift] = parseRules([{ ...minimal, when: { type: 'sentiment-shift', delta: 0.6 } }]);
    expect(shift!.when).to.deep.equal({ type: 'sentiment-shift', delta: 0.6, direction: 'negative', window: 2 });
    const [repeated] = parseRules([{ ...minimal, when: { type: 'repeated' } }]);
    expect(repeated!.when).to.deep.equal({ type: 'repeated', count: 3, similarity: 0.8 });
  });

  it('reads JSON text and refuses text that is not JSON', () => {
    expect(parseRules(JSON.stringify([minimal]))).to.have.length(1);
    expect(refusal('[{')).to.equal('Invalid rules: not valid JSON.');
  });

  it('names the first problem and where it is', () => {
    expect(refusal([{ ...minimal, colour: 'red' }])).to.match(/^Invalid rules at 0\.colour: /);
    expect(refusal([{ ...minimal, action: 'shout' }])).to.match(/^Invalid rules at 0\.action: /);
    expect(refusal([{ ...minimal, when: { type: 'keywords', any: [] } }])).to.match(/^Invalid rules at 0\.when\.any: /);
    expect(refusal([{ ...minimal, when: { type: 'keywords', any: ['  '] } }])).to.match(/^Invalid rules at 0\.when\.any\.0: /);
    expect(refusal([{ ...minimal, channels: ['fax'] }])).to.match(/^Invalid rules at 0\.channels\.0: /);
    expect(refusal([{ ...minimal, when: { type: 'silence', overMs: 10 } }])).to.match(/^Invalid rules at 0\.when\.overMs: /);
    expect(refusal([{ ...minimal, id: 'has space' }])).to.contain('ids use 1 to 64 letters');
    expect(refusal([minimal, minimal])).to.contain('rule ids must be unique');
    expect(refusal({ rules: [] })).to.match(/^Invalid rules: /);
  });

  it('refuses regular expressions that do not compile or could backtrack for long', () => {
    const regex = (pattern: string) => [{ ...minimal, when: { type: 'regex', pattern } }];
    expect(parseRules(regex('\\b\\d{4}[- ]?\\d{4}[- ]?\\d{4}[- ]?\\d{4}\\b'))[0]!.when).to.deep.equal({ type: 'regex', pattern: '\\b\\d{4}[- ]?\\d{4}[- ]?\\d{4}[- ]?\\d{4}\\b', from: 'customer' });
    expect(refusal(regex('(unclosed'))).to.contain('not a valid regular expression');
    expect(refusal(regex('(a+)+$'))).to.contain('unsafe pattern: a repeated group must not contain a quantifier');
    expect(refusal(regex('x'.repeat(201)))).to.match(/^Invalid rules at 0\.when\.pattern: /);
  });
});

describe('automation rules: pattern safety', () => {
  const accepted = ['a+b', 'x?y?a+b', 'cancel.{0,40}account', '\\bcard\\s?(number|no)\\b', '(?:refund|chargeback)', '[a-z+]+x', 'order\\s{0,3}#?\\d{1,12}', '(ab){0,5}c'];
  const refused: Array<[string, RegExp]> = [
    ['a*a*b', /too much backtracking/],
    ['order\\s*#?\\d+', /too much backtracking/],
    ['\\s{0,50}\\s{0,50}\\s{0,50}x', /too much backtracking/],
    ['x{2,}y{2,}', /too much backtracking/],
    ['(a+)+', /repeated group/],
    ['(a|ab)*', /repeated group/],
    ['((ab)+)+', /repeated group/],
    ['(\\w)\\1', /back-references/],
    ['(?<n>a)\\k<n>', /back-references/],
    ['(a', /unbalanced/],
    ['a)', /unbalanced/],
  ];
  for (const pattern of accepted) it(`accepts ${pattern}`, () => expect(unsafePatternReason(pattern)).to.equal(null));
  for (const [pattern, reason] of refused) it(`refuses ${pattern}`, () => expect(unsafePatternReason(pattern)).to.match(reason));
});
