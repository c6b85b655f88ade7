/**
 * examples/html with the CDN bundle, in Chromium: a plain page with one `<script type="module">`
 * raises a flag through the button, the wallboard shows it and the host's own listener logs the
 * `flag-raised` events. Served from a loopback static server; nothing else may be fetched.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { launch } from '../e2e/stack.js';
import { Wallboard } from '../e2e/pages.js';

const root = resolve(import.meta.dirname, '../..');
const SERVED = ['examples/html/', 'packages/elements/dist/cdn/'];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
let server: Server;
let base: string;
let browser: Browser;

/** Serves the example and the bundle, at their repository paths (the page imports the bundle relatively). */
function serve(): Promise<Server> {
  const srv = createServer((req, res) => {
    let path = normalize(decodeURIComponent(new URL(req.url!, 'http://x').pathname)).slice(1);
    if (path.endsWith('/') || path === '') path += 'index.html';
    if (!SERVED.some((dir) => path.startsWith(dir))) return res.writeHead(404).end();
    readFile(join(root, path)).then(
      (body) => res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  return new Promise((ok) => srv.listen(0, '127.0.0.1', () => ok(srv)));
}

before(async () => {
  await promisify(execFile)('npm', ['run', 'build:cdn', '-w', '@flagline/elements'], { cwd: root });
  server = await serve();
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => server?.close(ok));
});

test('examples/html: a flag raised with the button shows on the wallboard and reaches the host page, from one module', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${base}/examples/html/`);

  await page.locator('flag-button button.trigger').click();
  await page.getByLabel('Message to your supervisor').pressSequentially('Caller disputes a charge');
  await page.keyboard.press('Enter');

  const row = new Wallboard(page).row('Caller disputes a charge');
  await row.waitFor();
  assert.match(await row.innerText(), /Jordan Price/);
  const log = page.getByTestId('host-events').locator('li');
  await log.nth(1).waitFor();
  assert.deepEqual((await log.allInnerTexts()).sort(), [
    'flag-button: flag-raised (Jordan Price: Caller disputes a charge)',
    'raised-flags-widget: flag-raised (Jordan Price: Caller disputes a charge)',
  ]);

  assert.deepEqual(errors, []);
  assert.deepEqual(requests, [`${base}/examples/html/`, `${base}/packages/elements/dist/cdn/flagline.min.js`], 'the page and the bundle, nothing else');
  await page.close();
});
