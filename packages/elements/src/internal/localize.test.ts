import { expect } from '@open-wc/testing';
import { FlagError } from '@flagline/core';
import { ar } from '../locales/ar.js';
import { en } from '../locales/en.js';
import { es } from '../locales/es.js';
import { fr } from '../locales/fr.js';
import { formatWaiting, plural } from './format.js';
import { langOf, localize, registerLocale } from './localize.js';

/** French puts no-break spaces (U+00A0, U+202F, as CLDR has it this year) where English has spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('localize', () => {
  before(() => {
    registerLocale('es', es);
    registerLocale('fr', fr);
    registerLocale('ar', ar);
  });

  it('finds the exact language, else its base language, else English', () => {
    expect(localize('es')).to.deep.equal({ lang: 'es', messages: es });
    expect(localize('es-MX')).to.deep.equal({ lang: 'es-MX', messages: es }, 'Mexican Spanish: Spanish words, Mexican formats');
    expect(localize('FR-ca').lang).to.equal('fr-CA');
    expect(localize('ar-EG').messages).to.equal(ar);
    expect(localize('en-GB')).to.deep.equal({ lang: 'en-GB', messages: undefined }, 'built-in English words, British formats');
    for (const unknown of ['de', 'zh-Hant', '', 'en_US', 'not a tag'])
      expect(localize(unknown), JSON.stringify(unknown)).to.deep.equal({ lang: 'en', messages: undefined }, 'unknown or malformed: all English, formats too');
  });

  it('prefers a regional catalog registered for the exact tag', () => {
    const frCa = { ...fr, raisedFlagsWidget: { ...fr.raisedFlagsWidget, title: 'Drapeaux levés (Québec)' } };
    registerLocale('fr-CA', frCa);
    expect(localize('fr-CA').messages?.raisedFlagsWidget.title).to.equal('Drapeaux levés (Québec)');
    expect(localize('fr-FR').messages).to.equal(fr);
  });

  it('refuses a malformed language tag with a typed error', () => {
    expect(() => registerLocale('en_US', es)).to.throw(FlagError, /not a BCP 47 language tag/).with.property('code', 'invalid-input');
  });

  it('reads the nearest lang attribute, across shadow roots', () => {
    const outer = document.body.appendChild(document.createElement('div'));
    outer.lang = 'fr';
    const host = outer.appendChild(document.createElement('div'));
    const inner = host.attachShadow({ mode: 'open' }).appendChild(document.createElement('p'));
    try {
      expect(langOf(inner)).to.equal('fr');
      host.lang = 'ar';
      expect(langOf(inner)).to.equal('ar');
      expect(langOf(document.createElement('p')), 'detached, no lang').to.equal('');
    } finally {
      outer.remove();
    }
  });

  it('picks plural forms with Intl.PluralRules: Arabic six, French one for 0 and 1', () => {
    const count = (messages: typeof en, n: number) => messages.raisedFlagsWidget.count(n);
    expect([0, 1, 2, 3, 11, 100].map((n) => count(ar, n))).to.deep.equal([
      'لا أعلام مفتوحة',
      'علم مفتوح واحد',
      'علمان مفتوحان',
      '3 أعلام مفتوحة',
      '11 علمًا مفتوحًا',
      '100 علم مفتوح',
    ]);
    expect([0, 1, 2].map((n) => count(fr, n))).to.deep.equal(['0 drapeau ouvert', '1 drapeau ouvert', '2 drapeaux ouverts']);
    expect([0, 1, 2].map((n) => count(es, n))).to.deep.equal(['0 banderas abiertas', '1 bandera abierta', '2 banderas abiertas']);
    expect(es.supervisorChat.newMessages(1000)).to.equal('1000 mensajes nuevos');
    expect(plain(fr.supervisorChat.newMessages(1000))).to.equal('1 000 nouveaux messages', 'numbers grouped the French way');
    expect(plural('en', 1, { one: '# thing', other: '# things' })).to.equal('1 thing');
  });

  it('formats waiting durations with Intl in each language', () => {
    const ms = (h: number, m: number, s: number) => ((h * 60 + m) * 60 + s) * 1000;
    expect(formatWaiting(ms(0, 0, 45), 'en')).to.equal('45 sec');
    expect(formatWaiting(ms(0, 3, 5), 'en')).to.equal('3 min, 5 sec');
    expect(formatWaiting(ms(1, 12, 30), 'en')).to.equal('1 hr, 12 min');
    expect(formatWaiting(ms(0, 3, 5), 'es')).to.equal('3 min y 5 s');
    expect(plain(formatWaiting(ms(1, 12, 0), 'fr'))).to.equal('1 h et 12 min');
    expect(formatWaiting(ms(0, 3, 5), 'ar')).to.equal('3 د و5 ث');
    expect(formatWaiting(ms(0, 3, 5), 'ar-EG')).to.equal('٣ د و٥ ث', 'Egyptian Arabic digits');
    expect(formatWaiting(-5000, 'en'), 'a clock slightly ahead never shows a negative wait').to.equal('0 sec');
  });

  it('translates every error code shown to users, and keeps the detailed English message', () => {
    const error = new FlagError('already-acknowledged', 'Sue Supervisor acknowledged this flag first.');
    expect(en.error(error)).to.equal('Sue Supervisor acknowledged this flag first.');
    expect(es.error(error)).to.equal('Otro supervisor ya atendió esta bandera.');
    expect(fr.error(error)).to.equal('Un autre superviseur a déjà pris ce drapeau en charge.');
    expect(ar.error(error)).to.equal('استلم مشرف آخر هذا العلم بالفعل.');
  });
});
