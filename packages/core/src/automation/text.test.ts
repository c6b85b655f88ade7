import { expect } from '@esm-bundle/chai';
import { compilePhrase, contentStems, fold, indexOfPhrase, sentences, stem, stems, words } from './text.js';

const keysOf = (list: string) => new Set(list.split(' ').map((w) => stem(fold(w))));

describe('automation text: folding and stems', () => {
  it('folds case, accents and typographic apostrophes', () => {
    expect(fold('Résilier ÇA’S Año')).to.equal("resilier ca's ano");
    expect(words("I can't, l’abonnement")).to.deep.equal(['i', 'ca', 'not', 'l', 'abonnement']);
  });

  it('maps the inflections of a word to one stem in en, es and fr', () => {
    expect(keysOf('cancel cancelling cancelled cancellation cancels cancelar cancelo canceló cancelación cancelando')).to.deep.equal(new Set(['cancel']));
    expect(keysOf('annuler annulé annulée annulation annulez annulons')).to.deep.equal(new Set(['annul']));
    expect(keysOf('refund refunds refunded refunding')).to.deep.equal(new Set(['refund']));
    expect(keysOf('reembolso reembolsar')).to.have.property('size', 1);
    expect(keysOf('rembourser remboursement remboursé')).to.have.property('size', 1);
    expect(keysOf('order ordered orders ordering')).to.deep.equal(new Set(['order']));
  });

  it('keeps short stems apart (mess/mes, cansado/can)', () => {
    expect(stem('mess')).to.not.equal(stem('mes'));
    expect(stem('cansado')).to.not.equal(stem('can'));
    expect(stem('4432')).to.equal('4432');
  });

  it('drops stop words for content and keeps them for phrases', () => {
    expect(contentStems('I want to cancel my subscription')).to.deep.equal(['want', 'cancel', 'subscription'].map(stem));
    const tokens = stems('Please close my account today');
    expect(indexOfPhrase(tokens, compilePhrase('closing my ACCOUNT'))).to.equal(1);
    expect(indexOfPhrase(tokens, compilePhrase('close the account'))).to.equal(-1);
    expect(indexOfPhrase(tokens, compilePhrase('...'))).to.equal(-1);
  });

  it('splits sentences after . ! ? … and line breaks, dropping empty pieces', () => {
    expect(sentences('Hi. I want to cancel!! Why?\nThanks… ...')).to.deep.equal(['Hi.', 'I want to cancel!!', 'Why?', 'Thanks…']);
    expect(sentences('¿Me ayuda? Sí.')).to.deep.equal(['¿Me ayuda?', 'Sí.']);
  });
});
