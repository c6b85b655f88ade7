/**
 * The elements in Spanish, French and Arabic: the words users see and hear, plurals, times and
 * waiting durations, right-to-left geometry, switching language live, and the English fallback.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { createFlagClient, type FlagClient, type FlagError } from '@flagline/core';
import './define.js';
import type { FlagButton } from './flag-button/flag-button.js';
import { LazyPart } from './internal/lazy-part.js';
import { registerLocale } from './internal/localize.js';
import { ar } from './locales/ar.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';
import type { SupervisorChat } from './supervisor-chat/supervisor-chat.js';
import { $, $maybe, ann, losingNextMessage, next, opened, sam, until, world, type World } from '../test/harness.js';

/** French and Intl put no-break spaces (U+00A0, U+202F) where a reader sees a space. */
const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();
const rect = (el: Element) => el.getBoundingClientRect();

describe('localization', () => {
  let w: World;
  let agent: FlagClient;
  let supervisor: FlagClient;
  before(() => {
    registerLocale('es', es);
    registerLocale('fr', fr);
    registerLocale('ar', ar);
  });
  beforeEach(() => {
    w = world();
    agent = w.client(ann);
    supervisor = w.client(sam);
  });
  afterEach(async () => {
    document.documentElement.removeAttribute('lang');
    await w.close();
  });

  async function inLang<K extends 'flag-button' | 'raised-flags-widget'>(lang: string, tag: K, dir: 'ltr' | 'rtl' = 'ltr'): Promise<HTMLElementTagNameMap[K]> {
    const box = await fixture<HTMLElement>(html`<div lang=${lang} dir=${dir} style="inline-size: 960px"></div>`);
    const el = document.createElement(tag);
    el.client = tag === 'flag-button' ? agent : supervisor;
    if (tag === 'flag-button') el.setAttribute('interaction-id', 'i-1');
    box.append(el);
    await el.updateComplete;
    return el;
  }
  const raise = (message = 'El cliente está enfadado') => agent.raise({ interactionId: 'i-1', channel: 'voice', message });
  const trigger = (el: FlagButton) => $<HTMLButtonElement>(el, '.trigger');

  describe('<flag-button>', () => {
    it('speaks Spanish: composer, states, unread plural, panel, and the chat inside it', async () => {
      const el = await inLang('es', 'flag-button');
      expect(text(trigger(el))).to.equal('Levantar bandera');
      trigger(el).click();
      await opened(el, 'dialog[open]');
      expect(text($(el, '#composer-title'))).to.equal('Levantar una bandera');
      expect(text($(el, 'label[for="message"]'))).to.equal('Mensaje para tu supervisor');
      expect(text($(el, 'label[for="reason"]'))).to.equal('Motivo (opcional)');
      expect([text($(el, '.cancel')), text($(el, '.submit'))]).to.deep.equal(['Cancelar', 'Levantar']);
      await sendKeys({ type: 'Hola' });
      expect(text($(el, '#counter'))).to.equal('4 / 1000');
      const raised = next(el, 'flag-raised');
      await sendKeys({ press: 'Enter' });
      const { flag } = await raised;
      await waitUntil(() => text(trigger(el)) === 'Bandera levantada', 'raised, in Spanish');
      await until(supervisor.$openFlags, (f) => f.length === 1);
      await supervisor.acknowledge(flag.id);
      await supervisor.sendMessage(flag.id, 'Voy');
      await supervisor.sendMessage(flag.id, '¿Qué pasa?');
      await waitUntil(() => text($maybe(el, '.badge')) === '2 sin leer', 'unread badge');
      expect(text(trigger(el))).to.equal('Atendida por Sam Supervisor 2 sin leer');
      trigger(el).click();
      await opened(el, '[popover]:popover-open');
      expect(text($(el, '#panel-title'))).to.equal('Tu bandera');
      expect([text($(el, '.join')), text($(el, '.lower')), text($(el, '.close'))]).to.deep.equal(['Pedir al supervisor que se una', 'Bajar bandera', 'Cerrar']);
      const chat = await waitUntil(() => $maybe<SupervisorChat>(el, 'supervisor-chat'), 'the chat in the panel').then(() => $<SupervisorChat>(el, 'supervisor-chat'));
      await chat.updateComplete;
      expect($(chat, '.log').getAttribute('aria-label')).to.equal('Chat privado con el supervisor');
      await waitUntil(() => chat.shadowRoot!.querySelectorAll('.system').length === 2, 'system lines');
      const lines = [...chat.shadowRoot!.querySelectorAll('.system')].map((l) => text(l).replace(/ · .*$/, ''));
      expect(lines).to.deep.equal(['Ann Agent levantó una bandera: «Hola»', 'Sam Supervisor atendió la bandera']);
      expect(text($(chat, '.send'))).to.equal('Enviar');
    });

    it('shows a failed command in French, while flag-error keeps the original error', async () => {
      const el = await inLang('fr', 'flag-button');
      agent.close();
      trigger(el).click();
      await opened(el, 'dialog[open]');
      await sendKeys({ type: 'Aidez-moi' });
      const failed = next(el, 'flag-error');
      await sendKeys({ press: 'Enter' });
      const { error } = await failed;
      expect(error.code).to.equal('transport-closed');
      await el.updateComplete;
      expect(text($(el, '[role="alert"]'))).to.equal('La connexion a été perdue.');
      expect(text($(el, '[role="alert"]'))).not.to.equal(error.message);
    });

    it('asks to try again, or to reload, in every language when a part of an element failed to load', async () => {
      const failureOf = (reason: string) =>
        new LazyPart('chat', () => Promise.reject(new TypeError(reason))).load().then(
          () => expect.fail('the load rejects'),
          (e: FlagError) => e.toJSON(),
        );
      // Named, the module is fetched afresh on the next try (the test page's own origin: nothing answers there).
      const retry = await failureOf(`Failed to fetch dynamically imported module: ${location.origin}/__no-such-chunk.js`);
      const reload = await failureOf('Importing a module script failed.');
      const said = (failure: typeof retry) => [es, fr, ar].map((m) => text({ textContent: m.error(failure) } as Element));
      expect(said(retry)).to.deep.equal([
        'No se pudo cargar una parte de la interfaz: vuelva a intentarlo y recargue la página si sigue fallando.',
        'Une partie de l’interface n’a pas pu être chargée : réessayez, et rechargez la page si l’erreur persiste.',
        'تعذّر تحميل جزء من الواجهة: حاول مرة أخرى، وأعد تحميل الصفحة إذا استمر الخطأ.',
      ]);
      expect(said(reload)).to.deep.equal([
        'No se pudo cargar una parte de la interfaz: recargue la página para volver a intentarlo.',
        'Une partie de l’interface n’a pas pu être chargée : rechargez la page pour réessayer.',
        'تعذّر تحميل جزء من الواجهة: أعد تحميل الصفحة للمحاولة مرة أخرى.',
      ]);
      expect(fr.error({ code: 'unavailable', message: 'The relay is unavailable.' }), 'any other unavailable').to.equal(
        'Le service est momentanément indisponible\u00a0: nouvel essai automatique.',
      );
    });

    it('mirrors in Arabic right-to-left: the icon before the words, on the right; axe clean with the panel open', async () => {
      const ltr = await inLang('en', 'flag-button');
      const el = await inLang('ar', 'flag-button', 'rtl');
      expect(text(trigger(el))).to.equal('رفع علم');
      const [icon, label] = [$(el, '.trigger .icon'), $(el, '.trigger span')];
      expect(rect(icon).left, 'icon to the right of the label').to.be.greaterThan(rect(label).right - 1);
      expect(rect($(ltr, '.trigger .icon')).right, 'and to its left in English').to.be.lessThan(rect($(ltr, '.trigger span')).left + 1);
      await raise('العميل غاضب');
      await waitUntil(() => text(trigger(el)) === 'تم رفع العلم', 'raised, in Arabic');
      trigger(el).click();
      await el.updateComplete;
      expect(text($(el, '.lower'))).to.equal('أنزل العلم');
      const chat = await waitUntil(() => $maybe<SupervisorChat>(el, 'supervisor-chat'), 'the chat in the panel').then(() => $<SupervisorChat>(el, 'supervisor-chat'));
      await chat.updateComplete;
      expect(rect($(chat, '.send')).right, 'Send left of the message box').to.be.lessThan(rect($(chat, 'textarea')).left + 1);
      await expect(el.parentElement).to.be.accessible();
    });
  });

  describe('<supervisor-chat>', () => {
    it('speaks French: system lines, times, a failed message with Retry, the read-only line', async () => {
      const flagId = (await raise('Le client veut un remboursement')).flagId!;
      const flaky = createFlagClient({ transport: losingNextMessage(w.hub.transport(ann)), me: ann });
      try {
        await until(flaky.$flags, (f) => f.has(flagId));
        const box = await fixture<HTMLElement>(html`<div lang="fr"><supervisor-chat .client=${flaky} flag-id=${flagId}></supervisor-chat></div>`);
        const el = box.firstElementChild as SupervisorChat;
        await waitUntil(() => $maybe(el, '.system'), 'raised line');
        expect(text($(el, '.system'))).to.match(/^Ann Agent a levé un drapeau : « Le client veut un remboursement » · \d{2}:\d{2}$/);
        expect(text($(el, '.log time'))).to.match(/^\d{2}:\d{2}$/, '24-hour clock, no AM/PM');
        $<HTMLTextAreaElement>(el, 'textarea').focus();
        await sendKeys({ type: 'allô ?' });
        expect(text($(el, '#counter'))).to.equal('6 / 1 000', 'French groups thousands');
        await sendKeys({ press: 'Enter' });
        await waitUntil(() => $maybe(el, '.retry'), 'retry button');
        expect(text($(el, '.delivery.failed'))).to.equal('Non envoyé : La connexion a été perdue. Réessayer Abandonner');
        await supervisor.lower(flagId);
        await waitUntil(() => $maybe(el, '.readonly'), 'read-only line');
        expect(text($(el, '.readonly'))).to.equal('Sam Supervisor a baissé le drapeau : cette conversation est en lecture seule.');
        expect(text(el.shadowRoot!.querySelectorAll('.system')[1]!)).to.match(/^Sam Supervisor a baissé le drapeau · /);
      } finally {
        flaky.close();
      }
    });
  });

  describe('<raised-flags-widget>', () => {
    it('speaks Arabic: plurals, channel, waiting time, marks, actions, announcement', async () => {
      const el = await inLang('ar', 'raised-flags-widget', 'rtl');
      expect(text($(el, '.count'))).to.equal('لا أعلام مفتوحة');
      expect(text($(el, '.empty'))).to.equal('لا توجد أعلام مرفوعة. عندما يرفع موظف علمًا يظهر هنا فورًا، والعاجلة أولًا.');
      await raise('العميل غاضب');
      await waitUntil(() => text($maybe(el, '.count')) === 'علم مفتوح واحد', 'one flag');
      const row = $(el, '[role="listitem"]');
      expect(text(row.querySelector('.channel'))).to.equal('صوت');
      expect(text(row.querySelector('.state'))).to.match(/^ينتظر منذ \d+ ث$/);
      expect(text($(el, '[role="status"][aria-live="polite"]'))).to.equal('علم جديد من Ann Agent: العميل غاضب');
      expect([...row.querySelectorAll('.actions button')].map(text)).to.deep.equal(['استلام', 'فتح المحادثة', 'إنزال']);
      expect($(el, '.list').getAttribute('aria-label')).to.equal('الأعلام المفتوحة، العاجلة أولًا ثم الأطول انتظارًا');
      await w.client({ id: 'bo', name: 'Bo Agent', role: 'agent', teams: ['blue'] }).raise({ interactionId: 'i-2', channel: 'enhanced-chat', message: 'مساعدة', severity: 'urgent' });
      await waitUntil(() => text($maybe(el, '.count')) === 'علمان مفتوحان', 'two flags: the dual form');
      expect(text($(el, '[data-severity="urgent"] .mark.urgent'))).to.equal('عاجل');
    });

    it('mirrors its columns in Arabic right-to-left, and is axe clean with the chat open', async () => {
      await raise('العميل غاضب');
      await until(supervisor.$openFlags, (f) => f.length === 1);
      const el = await inLang('ar', 'raised-flags-widget', 'rtl');
      await waitUntil(() => $maybe(el, '[role="listitem"]'), 'row');
      const row = $(el, '[role="listitem"]');
      expect(getComputedStyle(row).borderRightWidth, 'the severity edge is on the start (right) side').to.equal('4px');
      expect(rect(row.querySelector('.agent')!).left, 'agent first, on the right').to.be.greaterThan(rect(row.querySelector('.state')!).right);
      expect(rect($(el, 'h2')).right).to.be.greaterThan(rect($(el, '.team-filter')).right, 'title on the right of the header');
      $(el, '.open-chat').click();
      await waitUntil(() => $maybe(el, '.chat-panel'), 'chat panel');
      expect(text($(el, '#chat-title'))).to.equal('محادثة مع Ann Agent');
      expect(rect($(el, '.chat-panel')).right, 'the chat column is left of the list').to.be.lessThan(rect($(el, '.list')).left + 1);
      await expect(el.parentElement).to.be.accessible();
    });
  });

  describe('choosing the language', () => {
    it('re-renders when lang changes at runtime, on an ancestor or on the page', async () => {
      const el = await inLang('en', 'raised-flags-widget');
      const box = el.parentElement!;
      expect(text($(el, 'h2'))).to.equal('Raised flags 0 open flags');
      box.lang = 'es';
      await waitUntil(() => text($(el, 'h2')) === 'Banderas levantadas 0 banderas abiertas', 'Spanish');
      box.lang = 'fr';
      await waitUntil(() => text($(el, 'h2')) === 'Drapeaux levés 0 drapeau ouvert', 'French: zero is singular');
      box.removeAttribute('lang');
      document.documentElement.lang = 'ar';
      await waitUntil(() => text($(el, 'h2')) === 'الأعلام المرفوعة لا أعلام مفتوحة', 'the page’s language');
    });

    it('follows lang into a chat inside a shadow root', async () => {
      await raise();
      const el = await inLang('es', 'flag-button');
      await waitUntil(() => $maybe(el, '.trigger[data-state="raised"]'), 'raised');
      trigger(el).click();
      await el.updateComplete;
      const chat = await waitUntil(() => $maybe<SupervisorChat>(el, 'supervisor-chat'), 'the chat in the panel').then(() => $<SupervisorChat>(el, 'supervisor-chat'));
      await chat.updateComplete;
      expect(text($(chat, '.send'))).to.equal('Enviar');
      el.parentElement!.lang = 'fr';
      await waitUntil(() => text($(chat, '.send')) === 'Envoyer', 'the embedded chat switched too');
      el.lang = 'ar';
      await waitUntil(() => text($(chat, '.send')) === 'إرسال', 'lang on the element itself');
    });

    it('follows a lang change inside the host page’s own shadow root', async () => {
      const host = await fixture<HTMLElement>(html`<div></div>`);
      const wrapper = host.attachShadow({ mode: 'open' }).appendChild(document.createElement('div'));
      wrapper.lang = 'es';
      const el = wrapper.appendChild(document.createElement('flag-button'));
      el.client = agent;
      await el.updateComplete;
      expect(text(trigger(el))).to.equal('Levantar bandera');
      wrapper.lang = 'fr';
      await waitUntil(() => text(trigger(el)) === 'Lever un drapeau', 'French, though the change was inside a shadow root');
    });

    it('uses the base language for a regional tag, English for an unknown one, and strings over both', async () => {
      const mexican = await inLang('es-MX', 'flag-button');
      expect(text(trigger(mexican))).to.equal('Levantar bandera');
      const german = await inLang('de', 'flag-button');
      expect(text(trigger(german))).to.equal('Raise flag');
      const malformed = await inLang('en_US', 'flag-button');
      expect(text(trigger(malformed))).to.equal('Raise flag');
      mexican.strings = { raise: '¡Ayuda!' };
      await mexican.updateComplete;
      expect(text(trigger(mexican))).to.equal('¡Ayuda!');
    });
  });
});
