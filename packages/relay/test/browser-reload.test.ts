/**
 * The WebSocket transport in real Chromium against a real relay: offline → send → reload →
 * online → the message is delivered exactly once. The page is served by a separate static
 * server (so it can reload while the relay is down); its outbox is IndexedDB.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { RawClient } from './helpers/raw-client.js';
import { ann } from './helpers/people.js';

/** The page's script: the transport and outbox on `window`, driven by page.evaluate. */
const ENTRY = `
import { createWebSocketTransport } from './packages/core/src/transports/websocket.ts';
import { IndexedDbOutbox } from './packages/core/src/transports/indexeddb-outbox.ts';
window.start = (url, token) => {
  const outbox = new IndexedDbOutbox('flagline-outbox:ann');
  const emptied = [];
  const written = new Map();
  const put = outbox.put.bind(outbox);
  outbox.put = (e) => {
    const p = put(e);
    written.set(e.id, p);
    return p;
  };
  const original = outbox.delete.bind(outbox);
  outbox.delete = async (id) => {
    await original(id);
    if ((await outbox.load()).length === 0) emptied.splice(0).forEach((done) => done());
  };
  const transport = createWebSocketTransport({ url, token: () => token, outbox, backoff: { initialMs: 20, maxMs: 200 } });
  const statuses = [];
  transport.connect({ resumePoint: () => null, welcome() {}, event() {}, error() {}, status: (s) => statuses.push(s) });
  window.flagline = { transport, outbox, statuses, written: (id) => written.get(id), whenEmpty: () => outbox.load().then((l) => l.length === 0 ? undefined : new Promise((r) => emptied.push(r))) };
};
`;

describe('WebSocket transport in Chromium', () => {
  let browser: Browser;
  let site: Server;
  let siteUrl: string;
  const relays: RelayProcess[] = [];

  before(async () => {
    const root = resolve(import.meta.dirname, '../../..');
    const bundle = await build({
      stdin: { contents: ENTRY, resolveDir: root, loader: 'js' },
      bundle: true,
      format: 'esm',
      write: false,
      conditions: ['source'],
      tsconfig: resolve(root, 'tsconfig.json'),
    });
    const script = bundle.outputFiles[0]!.text;
    site = createServer((req, res) => {
      if (req.url === '/app.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>t</title><script type="module" src="/app.js"></script>');
    });
    await new Promise<void>((ok) => site.listen(0, '127.0.0.1', ok));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
    site?.close();
    for (const r of relays.reverse()) await r.dispose();
  });

  async function open(page: Page, relay: RelayProcess): Promise<void> {
    await page.goto(siteUrl);
    await page.waitForFunction(() => 'start' in window);
    await page.evaluate(([url, token]) => (window as unknown as { start(u: string, t: string): void }).start(url!, token!), [relay.wsUrl, await tokenFor(ann)]);
  }

  it('offline → send → reload → online → delivered once', async () => {
    const relay = await RelayProcess.start({ args: ['--origins', siteUrl] });
    relays.push(relay);
    const page = await (await browser.newContext()).newPage();
    await open(page, relay);
    type W = { flagline: { transport: { execute(e: unknown): Promise<{ ok: boolean; flagId?: string }> }; statuses: string[]; written(id: string): Promise<void>; whenEmpty(): Promise<void>; outbox: { load(): Promise<{ id: string }[]> } } };
    const flagId = await page.evaluate(async () => {
      const r = await (window as unknown as W).flagline.transport.execute({ id: 'br-raise', command: { type: 'raise', interactionId: 'i-browser', channel: 'voice', message: 'from chromium' } });
      return r.flagId!;
    });

    await relay.stop();
    await page.waitForFunction(() => (window as unknown as W).flagline.statuses.at(-1) === 'reconnecting');
    const queued = await page.evaluate(async (id) => {
      const f = (window as unknown as W).flagline;
      void f.transport.execute({ id: 'br-offline', command: { type: 'send-message', flagId: id, text: 'typed while offline' } }).catch(() => {});
      await f.written('br-offline');
      return (await f.outbox.load()).map((e) => e.id);
    }, flagId);
    assert.deepEqual(queued, ['br-offline']);

    await page.reload();
    const again = await RelayProcess.start({ db: relay.db, port: relay.port, args: ['--origins', siteUrl] });
    relays.push(again);
    await open(page, again);
    await page.evaluate(() => (window as unknown as W).flagline.whenEmpty());

    const c = await RawClient.connect(again.wsUrl, await tokenFor(ann));
    const events = await c.history(flagId);
    assert.deepEqual(events.map((e) => (e.type === 'message' ? `${e.clientId}: ${e.text}` : e.type)), ['raised', 'br-offline: typed while offline']);
    c.close();
  });
});
