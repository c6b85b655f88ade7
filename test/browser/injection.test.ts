/**
 * Injection: hostile text in messages, participant names, reasons and customer labels, rendered
 * by all three elements in real Chromium. Nothing may run (every payload tries to set
 * `window.__pwned`), no element may be injected (payload tags carry `data-pwn`), the text must
 * show as text, and a 10,000-character word must not push an element out of its container.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { createFlagClient, MemoryHub, type FlagClient, type Participant } from '@flagline/core';
import '@flagline/elements/define.js';
import '@flagline/elements/define-flag-history.js';
import '@flagline/elements/define-flag-metrics.js';

const LONG_WORD = 'W'.repeat(10_000);
const PAYLOADS: string[] = [
  `<img data-pwn src=x onerror="window.__pwned='img'">`,
  `<script data-pwn>window.__pwned='script'</script>`,
  `<svg data-pwn onload="window.__pwned='svg'"><circle r="40"/></svg>`,
  `<svg data-pwn><script>window.__pwned='svg-script'</script></svg>`,
  `<math data-pwn><mtext><table><mglyph><style><img src=x onerror="window.__pwned='mxss'">`,
  `<a data-pwn href="javascript:window.__pwned='a'">click me</a>`,
  `javascript:window.__pwned='url'`,
  `"><img data-pwn src=x onerror=window.__pwned='attr-break'>`,
  `'><iframe data-pwn src="javascript:parent.__pwned='iframe'"></iframe>`,
  `<iframe data-pwn srcdoc="<script>parent.__pwned='srcdoc'</script>"></iframe>`,
  `<details data-pwn open ontoggle="window.__pwned='details'"><summary>x</summary></details>`,
  `<object data-pwn data="javascript:window.__pwned='object'"></object>`,
  `<style data-pwn>*{display:none!important}</style>`,
  `<img data-pwn src=x onerror=window.__pwned='unclosed'`,
  `<<script data-pwn>script>window.__pwned='double'<</script>/script>`,
  `</textarea><img data-pwn src=x onerror=window.__pwned='textarea'>`,
  `</p></div><img data-pwn src=x onerror=window.__pwned='close-tags'>`,
  `<!--<img data-pwn src=x onerror=window.__pwned='comment'>-->`,
  `\${window.__pwned='template'}`,
  `<?lit$123$><!--?lit$123$--><img data-pwn src=x onerror=window.__pwned='lit-marker'>`,
  `{{constructor.constructor('window.__pwned=1')()}}`,
  `&lt;img data-pwn src=x onerror=window.__pwned='entity'&gt; &amp;amp; &#x3C;b&#x3E;`,
  `\u202Egnp.exe\u202C evil\u2066right-to-left\u2069 \u200F\u061C`,
  `zero\u200Bwidth\u200C\u200Djoiners\uFEFF\u2060here`,
  `e\u0301\u0301\u0301\u0301\u0301\u0301 combining marks, emoji 👩‍👩‍👧‍👦 and \uD83D lone surrogate`,
  LONG_WORD,
];
const WAIT = { timeout: 5_000 };
const FIELDS = ['message', 'name', 'reason', 'customer label'] as const;

declare global {
  interface Window {
    __pwned?: unknown;
  }
}

/** Every element under `root` (its shadow root included), through open shadow roots. */
function deepAll(root: ParentNode): Element[] {
  const out: Element[] = root instanceof Element && root.shadowRoot ? deepAll(root.shadowRoot) : [];
  for (const el of root.querySelectorAll('*')) {
    out.push(el);
    if (el.shadowRoot) out.push(...deepAll(el.shadowRoot));
  }
  return out;
}
function deepText(root: Element): string {
  return deepAll(root)
    .filter((el) => !el.shadowRoot)
    .map((el) => [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join(''))
    .join('\n');
}
/**
 * Virtualized lists render only what is on screen: scroll `selector` in `host`'s shadow root from
 * top to bottom a screenful at a time (at most 40 steps), running `visit` at each; returns all text seen.
 */
async function scrollThrough(host: Element, selector: string, visit: () => void): Promise<string> {
  const scroller = host.shadowRoot!.querySelector<HTMLElement>(selector)!;
  host.scrollIntoView();
  let text = '';
  for (let top = 0; ; top += Math.max(1, scroller.clientHeight, scroller.scrollHeight / 40)) {
    scroller.scrollTop = top;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    text += deepText(host);
    visit();
    if (top >= scroller.scrollHeight - scroller.clientHeight) return text;
  }
}
const INJECTED = 'script, iframe, object, embed, math, [data-pwn], [onerror], [onload], [ontoggle], [srcdoc], a[href^="javascript:" i], img[src="x"]';

describe('injection: hostile text renders as text in every element', () => {
  const hubs: MemoryHub[] = [];
  const clients: FlagClient[] = [];
  const violations: string[] = [];
  const onViolation = (e: SecurityPolicyViolationEvent) => violations.push(`${e.violatedDirective}: ${e.sample}`);
  const onError = (e: ErrorEvent) => violations.push(`error: ${e.message}`);
  before(() => {
    document.addEventListener('securitypolicyviolation', onViolation);
    window.addEventListener('error', onError);
  });
  after(async () => {
    document.removeEventListener('securitypolicyviolation', onViolation);
    window.removeEventListener('error', onError);
    for (const c of clients) c.close();
    for (const h of hubs) await h.close();
  });

  it(`${PAYLOADS.length} payloads × ${FIELDS.length} fields × 3 elements: no script runs, no element is injected, layout holds`, async function () {
    this.timeout(60_000);
    const limits = { messageLength: 20_000, reasonLength: 20_000, labelLength: 20_000 };
    const hub = new MemoryHub({ tickMs: 0, config: { limits } });
    hubs.push(hub);
    const client = (me: Participant) => {
      const c = createFlagClient({ transport: hub.transport(me), me, config: { limits } });
      clients.push(c);
      return c;
    };
    const viewer = client({ id: 'viewer', name: 'Vera Viewer', role: 'supervisor', teams: ['inj'] });
    const stories = await Promise.all(
      PAYLOADS.map(async (payload, i) => {
        const agent = client({ id: `agent-${i}`, name: payload, role: 'agent', teams: ['inj'] });
        const supervisor = client({ id: `sup-${i}`, name: payload, role: 'supervisor', teams: ['inj'] });
        const interactionId = `inj-${i}`;
        const { flagId } = await agent.raise({ interactionId, channel: 'enhanced-chat', message: payload, reason: payload, customerLabel: payload });
        await waitUntil(() => supervisor.$flags.get().has(flagId!), 'the supervisor sees the flag', WAIT);
        await supervisor.acknowledge(flagId!);
        await agent.sendMessage(flagId!, payload);
        await supervisor.sendMessage(flagId!, payload);
        await agent.requestJoin(flagId!);
        await supervisor.declineJoin(flagId!, payload);
        return { payload, agent, flagId: flagId!, interactionId };
      }),
    );
    await waitUntil(() => viewer.$openFlags.get().length === PAYLOADS.length, 'the viewer sees every flag', WAIT);

    const box = 'display:block;width:400px;height:320px;overflow:visible;margin:4px';
    const page = await fixture<HTMLElement>(html`
      <div>
        <div class="box" style=${box}><raised-flags-widget .client=${viewer} style="height:300px"></raised-flags-widget></div>
        ${stories.map(
          (s) => html`
            <div class="box" style=${box}><supervisor-chat .client=${viewer} flag-id=${s.flagId} style="height:300px"></supervisor-chat></div>
            <div class="box" style=${box}><flag-button .client=${s.agent} interaction-id=${s.interactionId} customer-label=${s.payload} channel="enhanced-chat"></flag-button></div>
          `,
        )}
      </div>
    `);
    const buttons = [...page.querySelectorAll('flag-button')];
    const chats = [...page.querySelectorAll('supervisor-chat')];
    const injected: string[] = [];
    const overflowing: string[] = [];
    const check = (box: HTMLElement, what: string) => {
      injected.push(...deepAll(box).filter((el) => el.matches(INJECTED)).map((el) => `${what}: ${el.outerHTML.slice(0, 100)}`));
      const width = box.firstElementChild!.getBoundingClientRect().width;
      if (width > box.clientWidth + 1 || box.scrollWidth > box.clientWidth + 1) overflowing.push(`${what}: ${Math.round(width)}px wide, box scrolls ${box.scrollWidth}px`);
    };

    const widget = page.querySelector('raised-flags-widget')!;
    await waitUntil(() => widget.shadowRoot!.querySelectorAll('[role="listitem"]').length > 0, 'the widget lists flags', WAIT);
    const widgetText = await scrollThrough(widget, '.list', () => check(widget.parentElement!, 'raised-flags-widget'));
    for (const p of PAYLOADS.filter((x) => x !== LONG_WORD)) expect(widgetText.includes(p), `widget shows ${JSON.stringify(p).slice(0, 60)} as text`).to.equal(true);
    for (const [i, s] of stories.entries()) {
      chats[i]!.scrollIntoView();
      await waitUntil(() => chats[i]!.shadowRoot?.querySelector('.item'), `chat ${i} renders`, WAIT);
      const chatText = await scrollThrough(chats[i]!, '.log', () => check(chats[i]!.parentElement!, `supervisor-chat ${i}`));
      expect(chatText.includes(s.payload), `chat ${i} shows the message as text`).to.equal(true);
      // The flag button's panel (one open at a time: it is an auto popover) shows who acknowledged, and the chat.
      const button = buttons[i]!;
      await waitUntil(() => button.shadowRoot?.querySelector('.trigger')?.getAttribute('data-state') === 'acknowledged', 'flag-button shows the acknowledged flag', WAIT);
      button.scrollIntoView();
      button.shadowRoot!.querySelector<HTMLButtonElement>('.trigger')!.click();
      await waitUntil(() => button.shadowRoot!.querySelector('supervisor-chat'), `flag-button ${i}'s panel opens with the chat`, WAIT);
      const panelChat = button.shadowRoot!.querySelector('supervisor-chat')!;
      panelChat.scrollIntoView();
      await waitUntil(() => panelChat.shadowRoot?.querySelector('.item'), `flag-button ${i}'s chat renders`, WAIT);
      const panelText = deepText(button) + (await scrollThrough(panelChat, '.log', () => check(button.parentElement!, `flag-button ${i}`)));
      expect(panelText.includes(s.payload), `flag-button ${i} shows the payload as text`).to.equal(true);
    }
    // Give anything injected its chance to run: a failed image load answers after a round trip to the server.
    await fetch('/__flagline_no_such_file__').catch(() => {});
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));

    expect(window.__pwned, 'a payload ran script').to.equal(undefined);
    expect(violations).to.deep.equal([]);
    expect(injected).to.deep.equal([]);
    expect(overflowing).to.deep.equal([]);

    console.log(`[injection] payloads=${PAYLOADS.length} fields=${FIELDS.length} elements=3 payloads tried=${PAYLOADS.length * FIELDS.length * 3} injected=0 scripts run=0 overflowing=0`);
  });

  it(`${PAYLOADS.length} payloads in the history (every chat expanded) and the metrics: shown as text, nothing injected, nothing runs`, async function () {
    this.timeout(60_000);
    const limits = { messageLength: 20_000, reasonLength: 20_000, labelLength: 20_000 };
    const hub = new MemoryHub({ tickMs: 0, config: { limits } });
    hubs.push(hub);
    const client = (me: Participant) => {
      const c = createFlagClient({ transport: hub.transport(me), me, config: { limits } });
      clients.push(c);
      return c;
    };
    const viewer = client({ id: 'viewer', name: 'Vera Viewer', role: 'supervisor', teams: ['inj'] });
    for (const [i, payload] of PAYLOADS.entries()) {
      const agent = client({ id: `agent-${i}`, name: payload, role: 'agent', teams: ['inj'] });
      const supervisor = client({ id: `sup-${i}`, name: payload, role: 'supervisor', teams: ['inj'] });
      const { flagId } = await agent.raise({ interactionId: `inj-${i}`, channel: 'enhanced-chat', message: payload, reason: payload, customerLabel: payload });
      await waitUntil(() => supervisor.$flags.get().has(flagId!), 'the supervisor sees the flag', WAIT);
      await supervisor.acknowledge(flagId!);
      await supervisor.sendMessage(flagId!, payload);
      await supervisor.lower(flagId!, payload);
    }
    const box = 'display:block;width:400px;overflow:visible;margin:4px';
    const page = await fixture<HTMLElement>(html`
      <div>
        <div class="box" style=${box}><flag-history .client=${viewer}></flag-history></div>
        <div class="box" style=${box}><flag-metrics .client=${viewer}></flag-metrics></div>
      </div>
    `);
    const history = page.querySelector('flag-history')!;
    const rows = () => history.shadowRoot!.querySelectorAll('.row').length;
    await waitUntil(() => rows() > 0 && !history.shadowRoot!.querySelector<HTMLButtonElement>('.more')?.disabled, 'the first page', WAIT);
    history.shadowRoot!.querySelector<HTMLButtonElement>('.more')!.click();
    await waitUntil(() => rows() === PAYLOADS.length, 'the history lists every flag', WAIT);
    for (const toggle of history.shadowRoot!.querySelectorAll<HTMLButtonElement>('.toggle-chat')) toggle.click();
    await waitUntil(() => history.shadowRoot!.querySelectorAll('.chat:not([hidden]) .said').length === PAYLOADS.length, 'every chat is open', WAIT);
    const metrics = page.querySelector('flag-metrics')!;
    await waitUntil(() => metrics.shadowRoot!.querySelectorAll('.reasons li').length > 0, 'the metrics show the reasons', WAIT);
    for (const details of metrics.shadowRoot!.querySelectorAll('details')) details.open = true;
    await metrics.updateComplete;
    const historyText = deepText(history);
    const metricsText = deepText(metrics);
    for (const p of PAYLOADS) {
      expect(historyText.includes(p), `history shows ${JSON.stringify(p).slice(0, 60)} as text`).to.equal(true);
      expect(metricsText.includes(p), `metrics show the reason ${JSON.stringify(p).slice(0, 60)} as text`).to.equal(true);
    }
    await fetch('/__flagline_no_such_file__').catch(() => {});
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    expect(window.__pwned, 'a payload ran script').to.equal(undefined);
    expect(violations).to.deep.equal([]);
    expect(deepAll(page).filter((el) => el.matches(INJECTED)).map((el) => el.outerHTML.slice(0, 100))).to.deep.equal([]);
    const overflowing = [...page.querySelectorAll<HTMLElement>('.box')].filter((b) => b.scrollWidth > b.clientWidth + 1).map((b) => `${b.firstElementChild!.localName} scrolls ${b.scrollWidth}px`);
    expect(overflowing).to.deep.equal([]);
  });
});
