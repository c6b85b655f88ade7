/**
 * examples/html with the CDN bundle, in Chromium: a plain page with one `<script type="module">`
 * raises a flag through the button, the wallboard shows it and the host's own listener logs the
 * `flag-raised` events. Served from a loopback static server; nothing else may be fetched.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { launch } from '../e2e/stack.js';
import { Wallboard } from '../e2e/pages.js';
import { raiseFlag, serveStatic } from '../examples/harness.js';

const root = resolve(import.meta.dirname, '../..');
const SERVED = ['examples/html/', 'packages/elements/dist/cdn/'];
let server: Server;
let base: string;
let browser: Browser;

before(async () => {
  await promisify(execFile)('npm', ['run', 'build:cdn', '-w', '@flagline/elements'], { cwd: root });
  // The example and the bundle at their repository paths (the page imports the bundle relatively).
  server = await serveStatic(root, (path) => SERVED.some((dir) => path.startsWith(dir)));
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

  await raiseFlag(page, 'Caller disputes a charge');

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
