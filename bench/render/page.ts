/**
 * The render benchmark's page (bundled by bench/render/render.mjs, driven with playwright-core).
 * An in-page MemoryHub is the source of truth. Open flags (or chat messages) are written to it
 * BEFORE the supervisor's client connects, so the client loads them from one snapshot; then a
 * view is mounted and timed. The same hub and client feed every kind of view, so the only
 * difference between two kinds is the view.
 */
import { CHANNELS, createFlagClient, MemoryHub, type Command, type FlagClient, type Participant } from '@flagline/core';
import type { Authority } from '@flagline/core/authority';
import '@flagline/elements/define-raised-flags-widget.js';
import '@flagline/elements/define-supervisor-chat.js';
import { PlainChat, PlainFlagList } from './plain-list.js';

customElements.define('plain-flag-list', PlainFlagList);
customElements.define('plain-chat', PlainChat);

/** widget/chat: Flagline's element; plain/plain-chat: the Lit `repeat` baseline; client-only: no view at all. */
export type ViewKind = 'widget' | 'plain' | 'client-only' | 'chat' | 'plain-chat';

const supervisor: Participant = { id: 'sup-1', name: 'Sam Supervisor', role: 'supervisor', teams: ['blue'] };
const agentNo = (i: number): Participant => ({ id: `agent-${i}`, name: `Agent ${i}`, role: 'agent', teams: ['blue'] });
/** Raises and lowers the flags whose updates are timed. */
const benchAgent: Participant = { id: 'agent-bench', name: 'Bench Agent', role: 'agent', teams: ['blue'] };

let hub: MemoryHub;
let authority: Authority;
let client: FlagClient;
let view: HTMLElement | null = null;
let kind: ViewKind;
const CHAT_FLAG = 'chat-flag';
/** An update not on screen after this long means the view stopped showing updates: the loop stops and says so. */
const STALL_MS = 5_000;

async function run(actor: Participant, id: string, command: Command): Promise<void> {
  const outcome = await authority.execute(actor, { id, command });
  if (!outcome.ok) throw new Error(`${command.type} ${id}: ${outcome.error.code} ${outcome.error.message}`);
}

/** Resolves after the browser has painted the current DOM: the frame after the next rAF. */
const afterPaint = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

/** Resolves once `test()` holds, checked at every animation frame. */
function frameUntil(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (test()) return resolve();
      if (performance.now() - started > timeoutMs) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      requestAnimationFrame(check);
    };
    check();
  });
}

/**
 * Resolves with the element that shows `marker` once a mutation inside `root` adds or changes
 * text containing it (a recycled virtualized row changes text in place; a fresh row is added).
 * Only the mutated nodes are read, so detection costs the same for 10 rows and 10,000.
 */
function textAppears(root: Node, marker: string, timeoutMs: number): Promise<Element> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`"${marker}" was not rendered within ${timeoutMs} ms`));
    }, timeoutMs);
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        const node =
          r.type === 'characterData'
            ? (r.target as CharacterData).data.includes(marker) && r.target
            : [...r.addedNodes].find((n) => n.textContent?.includes(marker));
        const element = node && (node instanceof Element ? node : node.parentElement);
        if (element) {
          clearTimeout(timer);
          observer.disconnect();
          return resolve(element);
        }
      }
    });
    observer.observe(root, { subtree: true, childList: true, characterData: true });
  });
}

/** Whether any part of `el` is inside the visible area of `scroller` (rendered off-screen does not count). */
function inView(el: Element, scroller: Element): boolean {
  const a = el.getBoundingClientRect();
  const b = scroller.getBoundingClientRect();
  return a.height > 0 && a.bottom > b.top && a.top < b.bottom;
}

/** Resolves after the element showing `marker` is rendered inside the scroller's visible area and painted. */
async function shownOnScreen(marker: string, scrollerSelector: string, timeoutMs: number): Promise<void> {
  const started = performance.now();
  // Only the list itself: the same text may also go to a live region for screen readers.
  const scroller = root().querySelector(scrollerSelector)!;
  let el = await textAppears(scroller, marker, timeoutMs);
  // A virtualizer may move the item to another (recycled) element: then look for it again.
  const current = () => (el.isConnected && el.textContent!.includes(marker) ? el : (el = findText(scroller, marker) ?? el));
  await frameUntil(() => inView(current(), scroller) && current().textContent!.includes(marker), timeoutMs - (performance.now() - started), `"${marker}" in view`);
  await afterPaint();
}

function findText(root: Node, marker: string): Element | undefined {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) if ((node as Text).data.includes(marker)) return node.parentElement ?? undefined;
  return undefined;
}

/** Resolves when no row carries `flagId` any more (checked on each batch of mutations). */
function rowGone(root: ParentNode & Node, flagId: string, timeoutMs: number): Promise<void> {
  const selector = `[data-flag-id="${CSS.escape(flagId)}"]`;
  if (!root.querySelector(selector)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${flagId} to leave the screen`));
    }, timeoutMs);
    const observer = new MutationObserver(() => {
      if (root.querySelector(selector)) return;
      clearTimeout(timer);
      observer.disconnect();
      resolve();
    });
    observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-flag-id'] });
  });
}

/** Resolves once the store holds a value passing `test` (nanostores call back at once with the current value). */
function storeHas<T>(store: { subscribe(fn: (v: T) => void): () => void }, test: (v: T) => boolean): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    let stop: (() => void) | undefined = undefined;
    stop = store.subscribe((value) => {
      if (done || !test(value)) return;
      done = true;
      queueMicrotask(() => stop?.());
      resolve();
    });
  });
}

async function openHub(): Promise<void> {
  hub = new MemoryHub({ tickMs: 0 });
  authority = await hub.ready;
}

/** The supervisor's client connects: it loads everything from one snapshot. */
function connect(): void {
  client = createFlagClient({ transport: hub.transport(supervisor), me: supervisor });
}

const root = () => (kind === 'client-only' ? document.body : view!.shadowRoot!);

/** N open flags from N agents, written to the source of truth before the supervisor connects. */
async function setupWallboard(viewKind: ViewKind, n: number): Promise<{ firstRenderMs: number }> {
  kind = viewKind;
  await openHub();
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      run(agentNo(i), `seed-${i}`, {
        type: 'raise',
        interactionId: `int-${i}`,
        channel: CHANNELS[i % 3]!,
        customerLabel: `Customer ${i}`,
        message: `Customer ${i} asks about a refund on order ${100000 + i}`,
      }),
    ),
  );
  const started = performance.now();
  connect();
  if (kind === 'client-only') {
    await storeHas(client.$openFlags, (flags) => flags.length === n);
    return { firstRenderMs: performance.now() - started };
  }
  const tag = kind === 'widget' ? 'raised-flags-widget' : 'plain-flag-list';
  view = document.createElement(tag);
  (view as HTMLElement & { client: FlagClient }).client = client;
  document.body.append(view);
  await frameUntil(() => client.$openFlags.get().length === n && !!root().querySelector('[data-flag-id]'), 120_000, 'the first rows');
  await (view as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
  await afterPaint();
  return { firstRenderMs: performance.now() - started };
}

/**
 * `count` rounds of: an agent raises an urgent flag (it sorts first, so it is on screen in
 * every view) → time until painted; then it is lowered → time until it is gone. Stops early
 * when `budgetMs` is spent. Client-only measures until the client's store has the change.
 */
async function wallboardEvents(count: number, budgetMs: number): Promise<{ raise: number[]; lower: number[]; stalled?: string }> {
  const raise: number[] = [];
  const lower: number[] = [];
  const deadline = performance.now() + budgetMs;
  let stalled: string | undefined;
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const flagId = `bench-${i}`;
    const marker = `Bench flag ${i} needs help`;
    const shown =
      kind === 'client-only'
        ? storeHas(client.$openFlags, (flags) => flags.some((f) => f.id === flagId))
        : shownOnScreen(marker, '.list', STALL_MS);
    let t0 = performance.now();
    void run(benchAgent, flagId, { type: 'raise', interactionId: `bench-int-${i}`, channel: 'voice', severity: 'urgent', message: marker });
    try {
      await shown;
    } catch (err) {
      stalled = `stopped after ${i} raises: ${(err as Error).message}`;
      break;
    }
    raise.push(performance.now() - t0);

    const gone =
      kind === 'client-only'
        ? storeHas(client.$openFlags, (flags) => !flags.some((f) => f.id === flagId))
        : rowGone(root(), flagId, 30_000).then(afterPaint);
    t0 = performance.now();
    void run(benchAgent, `bench-lower-${i}`, { type: 'lower', flagId });
    await gone;
    lower.push(performance.now() - t0);
  }
  return { raise, lower, ...(stalled ? { stalled } : {}) };
}

/** One flag with `n` chat messages (agent and supervisor taking turns), then the chat is mounted. */
async function setupChat(viewKind: ViewKind, n: number): Promise<{ firstRenderMs: number }> {
  kind = viewKind;
  await openHub();
  const agent = agentNo(0);
  await run(agent, CHAT_FLAG, { type: 'raise', interactionId: 'chat-int', channel: 'enhanced-chat', message: 'Customer wants a manager' });
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      run(i % 2 ? supervisor : agent, `msg-${i}`, { type: 'send-message', flagId: CHAT_FLAG, text: `Message ${i}: the customer says the parcel never arrived` }),
    ),
  );
  const started = performance.now();
  connect();
  view = document.createElement(kind === 'chat' ? 'supervisor-chat' : 'plain-chat');
  (view as HTMLElement & { client: FlagClient }).client = client;
  view.setAttribute('flag-id', CHAT_FLAG);
  document.body.append(view);
  const last = `Message ${n - 1}:`;
  await frameUntil(() => [...root().querySelectorAll('.text')].some((p) => p.textContent?.startsWith(last)), 120_000, 'the newest message');
  await (view as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
  await afterPaint();
  return { firstRenderMs: performance.now() - started };
}

/** The agent sends `count` messages, one at a time: time from send until painted in the supervisor's chat. */
async function chatAppends(count: number, budgetMs: number): Promise<{ append: number[]; stalled?: string }> {
  const append: number[] = [];
  const deadline = performance.now() + budgetMs;
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const text = `Appended ${i}: are you still there?`;
    const shown = shownOnScreen(text, '.log', STALL_MS);
    const t0 = performance.now();
    void run(agentNo(0), `append-${i}`, { type: 'send-message', flagId: CHAT_FLAG, text });
    try {
      await shown;
    } catch (err) {
      return { append, stalled: `stopped after ${i} appends: ${(err as Error).message}` };
    }
    append.push(performance.now() - t0);
  }
  return { append };
}

Object.assign(window, { flaglineBench: { setupWallboard, wallboardEvents, setupChat, chatAppends } });
