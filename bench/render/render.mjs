// Render scale in Debian's Chromium: <raised-flags-widget> and <supervisor-chat> against the
// same rows rendered by a plain Lit `repeat` list, plus a client-only run (no view) that shows
// what the in-page source of truth and client cost on their own. Every scenario gets a fresh
// browser context; both sides of a comparison run back to back in the same browser.
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { browserBuild } from '../lib/esbuild.mjs';
import { summarize } from '../lib/stats.mjs';


export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function bundlePage(entry = resolve(import.meta.dirname, 'page.ts')) {
  const result = await build({ ...browserBuild, entryPoints: [entry] });
  return result.outputFiles[0].text;
}

/** Serves the page on loopback (a secure context, so crypto.randomUUID exists). */
export async function serve(script) {
  const html = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Flagline render bench</title></head><body><script type="module" src="/page.js"></script></body></html>';
  const server = createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

export async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/**
 * One scenario in a fresh context: setup (timed first render), heap after a forced GC, then the
 * update loop with CDP's cumulative Script/Layout/RecalcStyle durations read around it.
 */
async function scenario(browser, url, { setup, loop }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  try {
    await page.goto(url);
    await page.waitForFunction(() => 'flaglineBench' in window);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const { firstRenderMs } = await page.evaluate(setup.fn, setup.args);
    await cdp.send('HeapProfiler.collectGarbage');
    const settled = await metrics(cdp);
    const { stalled, ...out } = await page.evaluate(loop.fn, loop.args);
    const after = await metrics(cdp);
    const updates = Object.values(out).reduce((n, list) => n + list.length, 0);
    const per = (name) => ((after[name] - settled[name]) * 1000) / updates;
    if (errors.length) throw new Error(errors[0]);
    return {
      firstRenderMs: Math.round(firstRenderMs * 10) / 10,
      heapBytes: settled.JSHeapUsedSize,
      domNodes: settled.Nodes,
      ...Object.fromEntries(Object.entries(out).map(([k, list]) => [k, summarize(list)])),
      scriptMsPerUpdate: updates ? Math.round(per('ScriptDuration') * 100) / 100 : undefined,
      layoutStyleMsPerUpdate: updates ? Math.round((per('LayoutDuration') + per('RecalcStyleDuration')) * 100) / 100 : undefined,
      ...(stalled ? { stalled } : {}),
    };
  } catch (err) {
    return { error: (errors[0] ?? err.message).split('\n')[0] };
  } finally {
    await context.close();
  }
}

/**
 * @param {{ sizes: number[], events: number, chatMessages: number, appends: number, budgetMs: number }} plan
 */
export async function renderBench(plan, log = () => {}) {
  const script = await bundlePage();
  const server = await serve(script);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const version = browser.version();
  try {
    const wallboard = [];
    for (const n of plan.sizes) {
      const row = { flags: n };
      for (const kind of ['client-only', 'widget', 'plain']) {
        log(`render: ${kind} with ${n} flags`);
        row[kind] = await scenario(browser, server.url, {
          setup: { fn: ([k, count]) => window.flaglineBench.setupWallboard(k, count), args: [kind, n] },
          loop: { fn: ([count, budget]) => window.flaglineBench.wallboardEvents(count, budget), args: [plan.events, plan.budgetMs] },
        });
      }
      wallboard.push(row);
    }
    const chat = { messages: plan.chatMessages };
    for (const kind of ['chat', 'plain-chat']) {
      log(`render: ${kind} with ${plan.chatMessages} messages`);
      chat[kind] = await scenario(browser, server.url, {
        setup: { fn: ([k, count]) => window.flaglineBench.setupChat(k, count), args: [kind, plan.chatMessages] },
        loop: { fn: ([count, budget]) => window.flaglineBench.chatAppends(count, budget), args: [plan.appends, plan.budgetMs] },
      });
    }
    return { chromium: version, wallboard, chat };
  } finally {
    await browser.close();
    await server.close();
  }
}

