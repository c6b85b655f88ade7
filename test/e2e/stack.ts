/**
 * The real `npm start` stack for end-to-end tests: the relay on a free loopback port with a
 * temporary SQLite file, serving the built demo; Debian's Chromium driven by playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
export const ARTIFACTS = resolve(root, 'test-artifacts');

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

export class Stack {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'flagline-e2e-'));
  port = 0;
  #proc: ChildProcess | null = null;
  #built = false;

  get url(): string {
    return `http://localhost:${this.port}`;
  }

  /** Start (or restart on the same data) and wait until the relay answers /readyz. */
  async start(): Promise<void> {
    this.port ||= await freePort();
    const proc = spawn(process.execPath, [resolve(root, 'scripts/start.mjs')], {
      cwd: root,
      env: { ...process.env, PORT: String(this.port), FLAGLINE_DATA_DIR: this.dataDir, FLAGLINE_SKIP_BUILD: this.#built ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#proc = proc;
    let output = '';
    proc.stdout!.on('data', (d) => (output += d));
    proc.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`))));
    await Promise.race([this.#ready(), exited]);
    this.#built = true;
  }

  async #ready(): Promise<void> {
    for (;;) {
      try {
        const res = await fetch(`${this.url}/readyz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Stop like Ctrl-C does, and wait for it. */
  async stop(): Promise<void> {
    const proc = this.#proc;
    if (!proc || proc.exitCode !== null) return;
    const done = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGINT');
    await done;
    this.#proc = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A separate browser context per person: separate storage, as on two machines. */
export async function personPage(browser: Browser, url: string, viewport = { width: 1280, height: 720 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  await page.goto(url);
  return { context, page };
}

/**
 * The `npm start` stack and one Chromium for the enclosing describe: started before its tests,
 * stopped after. `open(path, viewport?)` is a person's page on the stack, in its own context.
 */
export function onStack(): { stack: Stack; open(path: string, viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> } {
  const stack = new Stack();
  let browser: Browser | undefined;
  before(async () => {
    await stack.start();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await stack.dispose();
  });
  return { stack, open: (path, viewport) => personPage(browser!, `${stack.url}${path}`, viewport) };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}
