/**
 * Builds an example app with Vite (into a temporary folder), serves it from node:http on a
 * loopback port and opens it in headless Chromium, recording console errors and page errors.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { launch } from '../e2e/stack.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export interface ExamplePage {
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
  close(): Promise<void>;
}

export async function openExample(name: 'react' | 'vue'): Promise<ExamplePage> {
  const root = fileURLToPath(new URL(`../../examples/${name}/`, import.meta.url));
  const outDir = await mkdtemp(join(tmpdir(), `flagline-example-${name}-`));
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server = await serveStatic(outDir);
  const browser = await launch();
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} (${m.location().url})`));
  page.on('pageerror', (e) => errors.push(e.message));
  const { port } = server.address() as { port: number };
  await page.goto(`http://127.0.0.1:${port}/`);
  return {
    page,
    errors,
    async close() {
      await browser.close();
      await new Promise((done) => server.close(done));
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

/** Serves the files under `dir` on a loopback port (`/…/` → `index.html`); `allowed` narrows which paths. */
export function serveStatic(dir: string, allowed: (path: string) => boolean = () => true): Promise<Server> {
  const server = createServer(async (req, res) => {
    let path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (path.endsWith('/')) path += 'index.html';
    const file = join(dir, path);
    if (!file.startsWith(dir) || !allowed(path.slice(1))) return void res.writeHead(404).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ready) => server.listen(0, '127.0.0.1', () => ready(server)));
}

/** What a person does: click the flag button, type a message, press Enter. */
export async function raiseFlag(page: Page, message: string): Promise<void> {
  await page.locator('flag-button button.trigger').click();
  await page.getByLabel('Message to your supervisor').pressSequentially(message);
  await page.keyboard.press('Enter');
}
