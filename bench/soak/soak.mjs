// `npm run soak` (issue 13): a compressed contact-center day against the real relay on SQLite.
// 500 agents and 20 supervisors in forked load generators (bench/relay/loadgen.mjs with joins,
// urgent flags and unacknowledged flags that escalate), a supervisor who sees every team in
// Chromium (<raised-flags-widget> + <supervisor-chat>, bench/soak/page.ts) and another in a Node
// process (watcher.mjs). The run is cut in tenths; after each one the figures below are read,
// and the table puts the first tenth beside the last. `--smoke`: the same code in seconds; exits
// non-zero only if it produced no figures.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { printTable, summarize } from '../lib/stats.mjs';
import { generators, participants, signToken } from '../relay/relay.mjs';
import { freePort, machineBusySeconds, rssBytes, startRelay, stop } from '../relay/servers.mjs';
import { bundlePage, CHROMIUM_ARGS, metrics, serve } from '../render/render.mjs';

const smoke = process.argv.includes('--smoke');
const PLANS = {
  // 60 flags/s for 6 minutes: ~21,600 flags; a flag is 5 agent commands (raise, message, request-join, message, lower).
  // The day is compressed for the relay's memory as for the clients': lowered flags leave clients after recentMs and the
  // relay's memory historyMarginMs later (5 min by default, 18,000 flags at this rate: the relay would fill for most of the run).
  full: { agents: 500, supervisors: 20, teams: 10, loadgens: 2, runMs: 360_000, flagsPerSec: 60, recentMs: 10_000, historyMarginMs: 20_000, escalationAfterMs: 1_500, urgentEvery: 40 },
  smoke: { agents: 30, supervisors: 4, teams: 2, loadgens: 1, runMs: 15_000, flagsPerSec: 5, recentMs: 2_000, historyMarginMs: 2_000, escalationAfterMs: 1_000, urgentEvery: 4 },
};
const plan = smoke ? PLANS.smoke : PLANS.full;
const WORKLOAD = { joins: true, urgentEvery: plan.urgentEvery, unacknowledgedEvery: 10 };
const root = resolve(import.meta.dirname, '../..');
const started = performance.now();
const log = (msg) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${msg}\n`);

async function scrape(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (series) => Number(text.split('\n').find((l) => l.startsWith(series + ' '))?.slice(series.length + 1));
  return { lagP99Ms: value('flagline_event_loop_lag_seconds{quantile="0.99"}') * 1000, raises: value('flagline_commands_total{type="raise",result="ok"}') || 0 };
}

function watcher() {
  const child = fork(resolve(import.meta.dirname, 'watcher.mjs'), { cwd: root, execArgv: ['--expose-gc', '--conditions=source', '--import', 'tsx'], env: { ...process.env, NODE_ENV: 'production' } });
  const ask = (msg, type) => new Promise((ok) => (child.once('message', (m) => m.type === type && ok(m)), child.send(msg)));
  return { child, ask };
}

async function soak() {
  const dir = mkdtempSync(join(tmpdir(), 'flagline-soak-'));
  const secret = randomBytes(32).toString('hex');
  const port = await freePort();
  const store = `sqlite:${join(dir, 'relay.db')}`;
  const everyTeam = Array.from({ length: plan.teams }, (_, i) => `t${i}`);
  const wallboard = { id: 'wall', name: 'Wallboard Supervisor', role: 'supervisor', teams: everyTeam };
  const nodeSup = { id: 'node-sup', name: 'Node Supervisor', role: 'supervisor', teams: everyTeam };
  const url = `ws://127.0.0.1:${port}/ws`;
  const page = await serve(await bundlePage(resolve(import.meta.dirname, 'page.ts')));
  const relayArgs = ['--escalation-after-ms', String(plan.escalationAfterMs), '--recent-ms', String(plan.recentMs), '--history-margin-ms', String(plan.historyMarginMs), '--origins', new URL(page.url).origin];
  let relay = await startRelay({ port, store, secret, extra: relayArgs });
  const gens = generators(plan.loadgens);
  const node = watcher();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const people = (await participants(plan, secret)).map((p) => ({ ...p, url }));
    log(`soak: connecting ${people.length} clients, the wallboard and the Node supervisor`);
    await gens.ask((i) => ({ type: 'init', protocol: 'flagline', soak: WORKLOAD, clients: people.filter((_, k) => k % plan.loadgens === i) }), 'ready');
    await node.ask({ type: 'start', url, token: await signToken(nodeSup, secret), me: nodeSup }, 'started');
    const tab = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const pageErrors = [];
    tab.on('pageerror', (err) => pageErrors.push(err.message));
    await tab.goto(page.url);
    await tab.waitForFunction(() => 'flaglineSoak' in window);
    await tab.evaluate(([u, t, me]) => window.flaglineSoak.start(u, t, me), [url, await signToken(wallboard, secret), wallboard]);
    const cdp = await tab.context().newCDPSession(tab);
    await cdp.send('Performance.enable');

    const tenthMs = plan.runMs / 10;
    const agentRate = plan.flagsPerSec * 5;
    const tenths = [];
    let before = await scrape(port);
    await tab.evaluate(() => window.flaglineSoak.take());
    for (let i = 0; i < 10; i++) {
      const chrome0 = await metrics(cdp);
      const machine0 = machineBusySeconds();
      const parts = await gens.ask(() => ({ type: 'step', rate: agentRate / plan.loadgens, durationMs: tenthMs }), 'stepDone', tenthMs + 60_000);
      const machineS = machineBusySeconds() - machine0;
      const { paints, offscreen, frames } = await tab.evaluate(() => window.flaglineSoak.take());
      const chrome1 = await metrics(cdp);
      const script = chrome1.ScriptDuration - chrome0.ScriptDuration;
      // Style and layout: what the page's renders cost beyond their JavaScript (forced by measuring, or at each frame).
      const layout = chrome1.LayoutDuration + chrome1.RecalcStyleDuration - chrome0.LayoutDuration - chrome0.RecalcStyleDuration;
      await cdp.send('HeapProfiler.collectGarbage');
      const chrome = await metrics(cdp);
      const nodeSample = await node.ask({ type: 'sample' }, 'sample');
      const after = await scrape(port);
      const windowS = Math.max(...parts.map((p) => p.windowMs)) / 1000;
      tenths.push({
        flags: after.raises - before.raises,
        paint: summarize(paints),
        offscreen,
        scriptMsPerUpdate: frames ? (script * 1000) / frames : undefined,
        layoutMsPerUpdate: frames ? (layout * 1000) / frames : undefined,
        updates: frames,
        browserHeapBytes: chrome.JSHeapUsedSize,
        domNodes: chrome.Nodes,
        nodeHeapBytes: nodeSample.heapBytes,
        nodeFlagsHeld: nodeSample.flagsHeld,
        relayRssBytes: rssBytes(relay.pid),
        lagP99Ms: after.lagP99Ms,
        rtt: summarize(parts.flatMap((p) => p.rtt)),
        errors: parts.reduce((n, p) => n + Object.values(p.errors).reduce((a, b) => a + b, 0), 0),
        errorCodes: Object.fromEntries(Object.keys(Object.assign({}, ...parts.map((p) => p.errors))).map((code) => [code, parts.reduce((n, p) => n + (p.errors[code] ?? 0), 0)])),
        unmetPerSec: parts.reduce((n, p) => n + p.unmet, 0) / windowS,
        machineCpuPct: (machineS / windowS) * 100,
      });
      before = after;
      const t = tenths.at(-1);
      log(`soak: tenth ${i + 1}: ${t.flags} flags, paint p95 ${t.paint.p95} ms (n=${t.paint.n}), rtt p99 ${t.rtt.p99} ms, relay RSS ${(t.relayRssBytes / 2 ** 20).toFixed(0)} MB, errors ${t.errors}`);
    }
    if (pageErrors.length) throw new Error(`the wallboard page failed: ${pageErrors[0]}`);

    log('soak: relay restart (SIGTERM → start → /readyz)');
    const t0 = performance.now();
    await stop(relay);
    const downMs = performance.now() - t0;
    relay = await startRelay({ port, store, secret, extra: relayArgs });
    const restart = { stopMs: downMs, totalMs: performance.now() - t0 };
    return { plan, workload: WORKLOAD, flags: tenths.reduce((n, t) => n + t.flags, 0), tenths, restart };
  } finally {
    await browser.close();
    await gens.close();
    if (node.child.connected) node.child.send({ type: 'close' });
    await stop(relay);
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const FIGURES = [
  ['wallboard new flag → painted p95 (ms)', (t) => t.paint.p95],
  ['wallboard scripting per update (ms)', (t) => t.scriptMsPerUpdate],
  ['wallboard style + layout per update (ms)', (t) => t.layoutMsPerUpdate],
  ['wallboard JS heap after GC (MB)', (t) => t.browserHeapBytes / 2 ** 20],
  ['wallboard DOM nodes', (t) => t.domNodes],
  ['Node client heap after GC (MB)', (t) => t.nodeHeapBytes / 2 ** 20],
  ['relay RSS (MB)', (t) => t.relayRssBytes / 2 ** 20],
  ['relay event-loop lag p99 (ms)', (t) => t.lagP99Ms],
  ['command round trip p99 (ms)', (t) => t.rtt.p99],
];
const CONTEXT = [
  ['flags raised', (t) => t.flags],
  ['updates the wallboard received', (t) => t.updates],
  ['urgent flags timed (n)', (t) => t.paint.n],
  ['urgent flags painted off screen (not timed)', (t) => t.offscreen],
  ['flags the Node client holds', (t) => t.nodeFlagsHeld],
  ['command errors', (t) => t.errors],
  ['unmet commands/s (agents all busy)', (t) => t.unmetPerSec],
  ['machine CPU (200% = 2 cores)', (t) => t.machineCpuPct],
];

function print(r) {
  const fmt = (x) => (typeof x === 'number' && Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2)) : '–');
  const first = r.tenths[0];
  const last = r.tenths.at(-1);
  const row = ([name, get]) => [name, fmt(get(first)), fmt(get(last)), fmt(get(last) / get(first)) + '×', r.tenths.map((t) => fmt(get(t))).join(' ')];
  printTable(
    `Soak: ${r.flags.toLocaleString('en-US')} flags over ${(r.plan.runMs / 60_000).toFixed(1)} min, ${r.plan.agents} agents, ${r.plan.supervisors} supervisors (goal: every ratio ≤ 1.2)`,
    ['figure', 'first tenth', 'last tenth', 'last / first', 'every tenth'],
    [...FIGURES.map(row), ...CONTEXT.map((c) => [...row(c).slice(0, 3), '', row(c)[4]])],
    [
      `command errors by tenth, command and code: ${r.tenths.map((t, i) => (t.errors ? `${i + 1}: ${JSON.stringify(t.errorCodes)}` : '')).filter(Boolean).join('; ') || 'none'}`,
      `relay restart: SIGTERM → exited ${fmt(r.restart.stopMs)} ms, → /readyz again ${fmt(r.restart.totalMs)} ms`,
    ],
  );
}

/** Every figure was measured in some tenth, flags were raised and the restart was timed (no timing is judged). */
function missing(r) {
  const num = (x) => typeof x === 'number' && Number.isFinite(x);
  const problems = FIGURES.filter(([, get]) => !r.tenths.some((t) => num(get(t)))).map(([name]) => name);
  if (!num(r.restart.totalMs)) problems.push('relay restart');
  if (!(r.flags > 0)) problems.push('flags raised');
  return problems;
}

try {
  const result = await soak();
  print(result);
  const problems = missing(result);
  console.log(`\nSoak ${smoke ? 'smoke run ' : ''}finished in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  if (problems.length) {
    console.log(`No figures for: ${problems.join(', ')}`);
    process.exitCode = 1;
  }
} catch (err) {
  console.log(`soak: FAILED: ${err?.stack ?? err}`);
  process.exitCode = 1;
}
