/**
 * The soak's wallboard (bundled by bench/soak/soak.mjs, driven with playwright-core): a supervisor
 * who sees every team, connected to the real relay with the real WebSocket transport, showing a
 * <raised-flags-widget> and a <supervisor-chat> that follows the newest urgent flag.
 * Urgent flags sort first, so each one lands on screen: new flag → painted is timed for those,
 * from the send time the generator wrote into the message to the frame after its row is in view.
 */
import { createFlagClient, createWebSocketTransport, type FlagClient, type Participant } from '@flagline/core';
import '@flagline/elements/define-raised-flags-widget.js';
import '@flagline/elements/define-supervisor-chat.js';

const wall = () => performance.timeOrigin + performance.now();
/** Frames the relay sent this page since the last `take()`: the updates the page had to handle. */
let frames = 0;
const paints: number[] = [];
/** Urgent flags whose row was first painted below the visible part of the list (more urgent flags open than fit). */
let offscreen = 0;
/** Urgent flags already timed (the oldest forgotten: this page must not grow either). */
const timed = new Set<string>();

class CountingWebSocket extends WebSocket {
  constructor(url: string) {
    super(url);
    this.addEventListener('message', () => frames++);
  }
}

const afterPaint = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

function inView(el: Element, scroller: Element): boolean {
  const a = el.getBoundingClientRect();
  const b = scroller.getBoundingClientRect();
  return a.height > 0 && a.bottom > b.top && a.top < b.bottom;
}

/** The rows a mutation touched: added rows, rows whose text changed, recycled rows given another flag. */
function rowsOf(record: MutationRecord): Element[] {
  if (record.type !== 'childList') return [(record.target instanceof Element ? record.target : record.target.parentElement)?.closest('[data-flag-id]')].filter((r): r is Element => !!r);
  return [...record.addedNodes].flatMap((n) => (n instanceof Element ? (n.matches('[data-flag-id]') ? [n] : [...n.querySelectorAll('[data-flag-id]')]) : []));
}

async function timeRow(row: Element, list: Element, chat: HTMLElement): Promise<void> {
  const id = row.getAttribute('data-flag-id')!;
  const text = row.querySelector('.preview')?.textContent ?? '';
  const at = text.lastIndexOf('t=');
  if (at < 0) return;
  timed.add(id);
  if (timed.size > 500) timed.delete(timed.values().next().value!);
  await afterPaint();
  if (row.getAttribute('data-flag-id') !== id) return;
  if (inView(row, list)) paints.push(wall() - Number(text.slice(at + 2)));
  else offscreen++;
  chat.setAttribute('flag-id', id);
}

async function start(url: string, token: string, me: Participant): Promise<void> {
  const client: FlagClient = createFlagClient({ transport: createWebSocketTransport({ url, token: () => token, WebSocket: CountingWebSocket }), me });
  const widget = Object.assign(document.createElement('raised-flags-widget'), { client });
  const chat = Object.assign(document.createElement('supervisor-chat'), { client });
  document.body.append(widget, chat);
  await new Promise<void>((resolve) => client.$status.subscribe((s) => s === 'online' && resolve()));
  await widget.updateComplete;
  const list = widget.shadowRoot!.querySelector('.list')!;
  new MutationObserver((records) => {
    for (const record of records)
      for (const row of rowsOf(record))
        if (row.getAttribute('data-severity') === 'urgent' && !timed.has(row.getAttribute('data-flag-id')!)) void timeRow(row, list, chat);
  }).observe(list, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-flag-id'] });
}

/** What happened since the last call: the paint times, the urgent rows painted off screen, the frames received. */
function take(): { paints: number[]; offscreen: number; frames: number } {
  const out = { paints: paints.splice(0), offscreen, frames };
  frames = 0;
  offscreen = 0;
  return out;
}

Object.assign(window, { flaglineSoak: { start, take } });
