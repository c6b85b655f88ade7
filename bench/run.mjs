// `npm run bench`: every benchmark, its comparison and ratio, as tables; full figures in
// bench/results.json. `npm run bench:smoke` (or --smoke): the same code at a tiny scale, in
// seconds, and a non-zero exit if any benchmark failed to produce its numbers or a bundle is over
// its size budget (bench/size.mjs BUDGETS). Timings are never
// asserted: these are figures, not tests. `--only=size,client,render,relay,restart,automation` runs a subset;
// `--only=storm` runs the relay's reconnect storms alone (not part of the default set: `relay` ends with them).
// For the relay section, `--relay-rates=300,600`, `--relay-sides=flagline` (Socket.IO always
// runs too) and `--relay-storms=` (none) narrow the plan, to iterate on one part (issue 18);
// `--storm-load-ms=40000` makes the storms' load step longer (a bigger state in memory at the crash).
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { relayBench, stormBench } from './relay/relay.mjs';
import { automationBench, printAutomation } from './automation.mjs';
import { hasRedisServer } from './relay/servers.mjs';
import { renderBench } from './render/render.mjs';
import { printClientShift, printRelay, printRender, printRestart, printStorms } from './report.mjs';
import { restartBench } from './restart/restart.mjs';
import { checkBudgets, printSizes, sizes } from './size.mjs';

const smoke = process.argv.includes('--smoke');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',') ?? ['size', 'client', 'render', 'relay', 'restart', 'automation'];

const PLANS = {
  full: {
    // budgetMs caps each update loop: the plain list at 10,000 rows needs ~0.6 s per raise + lower.
    render: { sizes: [100, 1000, 10_000], events: 200, chatMessages: 10_000, appends: 200, budgetMs: 130_000 },
    // 2,000 connections as in the issue; rates step up until the 2-core machine saturates.
    relay: { agents: 1800, supervisors: 200, teams: 20, loadgens: 2, rates: [300, 600, 1200, 2400, 4800], stepMs: 8000, warmupMs: 2000, storms: ['restart', 'crash'] },
    // The relay's storms alone: the same clients, one load step writing about the log the rate steps write (~50k events).
    storm: { agents: 1800, supervisors: 200, teams: 20, loadgens: 2, loadRate: 2400, loadMs: 20_000, storms: ['restart', 'crash'] },
    // The issue's measurement: cost per cycle at the start of a shift and after 8,000 flags.
    client: { flags: 8000, window: 500 },
    // Issue 13's figure: relay start-up after 10^6 events, before and after a checkpoint.
    restart: { events: 1_000_000 },
    automation: { groupSizes: [100, 1000, 8000], runs: 5, turns: 200, rules: 50, interactions: 100, engineTurns: 10_000 },
  },
  smoke: {
    render: { sizes: [100], events: 5, chatMessages: 200, appends: 5, budgetMs: 10_000 },
    relay: { agents: 36, supervisors: 4, teams: 2, loadgens: 2, rates: [60], stepMs: 1000, warmupMs: 300, storms: ['crash'] },
    storm: { agents: 36, supervisors: 4, teams: 2, loadgens: 2, loadRate: 60, loadMs: 1000, storms: ['restart', 'crash'] },
    client: { flags: 300, window: 100 },
    restart: { events: 10_000 },
    automation: { groupSizes: [100], runs: 2, turns: 50, rules: 10, interactions: 5, engineTurns: 100 },
  },
};
const plan = smoke ? PLANS.smoke : PLANS.full;
const listArg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3).split(',').filter(Boolean);
plan.relay.rates = listArg('relay-rates')?.map(Number) ?? plan.relay.rates;
plan.relay.storms = listArg('relay-storms') ?? plan.relay.storms;
plan.storm.loadMs = Number(listArg('storm-load-ms')?.[0] ?? plan.storm.loadMs);
const log = (msg) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${msg}\n`);

const started = performance.now();
const results = {
  startedAt: new Date().toISOString(),
  smoke,
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
  plan,
};

async function section(name, fn) {
  if (!only.includes(name)) return;
  try {
    results[name] = await fn();
  } catch (err) {
    results[name] = { error: String(err?.stack ?? err) };
    console.log(`\n${name}: FAILED: ${err?.message ?? err}`);
  }
}

await section('size', async () => {
  log('sizes');
  const rows = await sizes();
  printSizes(rows);
  return rows;
});
await section('client', async () => {
  log('client over a shift');
  const client = await clientShift(plan.client);
  printClientShift(client);
  return client;
});
await section('render', async () => {
  const render = await renderBench(plan.render, log);
  printRender(render);
  return render;
});
await section('relay', async () => {
  // The Redis side needs Debian's redis-server (apt-get install -y redis-server).
  plan.relay.redis = await hasRedisServer();
  // Socket.IO always runs: every figure is read against it.
  plan.relay.sides = [...(listArg('relay-sides') ?? ['flagline', 'flagline-redis']).filter((name) => name !== 'socketio' && (name !== 'flagline-redis' || plan.relay.redis)), 'socketio'];
  const relay = await relayBench(plan.relay, log);
  printRelay(relay);
  return relay;
});
await section('storm', async () => {
  const storm = await stormBench(plan.storm, log);
  if (storm.error) console.log(`\nStorm benchmark failed: ${storm.error}`);
  else printStorms(storm.flagline.storms);
  return storm;
});
await section('restart', async () => {
  const restart = await restartBench(plan.restart, log);
  printRestart(restart);
  return restart;
});
await section('automation', async () => {
  const automation = await automationBench(plan.automation, log);
  printAutomation(automation);
  return automation;
});

results.durationMs = Math.round(performance.now() - started);
const out = resolve(import.meta.dirname, 'results.json');
writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
console.log(`\n${smoke ? 'Smoke run' : 'Benchmarks'} finished in ${(results.durationMs / 1000).toFixed(0)} s on ${results.machine.cpus} × ${results.machine.cpu}, Node ${process.version}; figures in ${out}`);

/** bench/client-shift.mjs in its own process (TypeScript sources through tsx, production stores). */
function clientShift(p) {
  return new Promise((ok, fail) => {
    const child = fork(resolve(import.meta.dirname, 'client-shift.mjs'), [`--flags=${p.flags}`, `--window=${p.window}`], {
      execArgv: ['--conditions=source', '--import', 'tsx'],
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result;
    child.on('message', (m) => m.type === 'result' && (result = m.result));
    child.on('exit', (code) => (result ? ok(result) : fail(new Error(`client-shift exited with ${code} and no figures`))));
  });
}

/** Every benchmark that should have run produced its numbers (no timing is judged). */
function missing() {
  const problems = [];
  const num = (x) => typeof x === 'number' && Number.isFinite(x);
  if (only.includes('size')) {
    if (!Array.isArray(results.size)) problems.push(`size: ${results.size?.error}`);
    else for (const r of results.size) if (!num(r.gzip)) problems.push(`size ${r.name}: ${r.error}`);
    // Sizes do not depend on the machine's load, so their budgets are judged here (issue 18).
    if (Array.isArray(results.size))
      for (const b of checkBudgets(results.size)) if (b.over) problems.push(`size ceiling: ${b.entry}, ${b.measure} ${((b.bytes ?? NaN) / 1024).toFixed(1)} KB gzip > ${b.ceiling} KB${b.goal === undefined ? '' : ` (goal ${b.goal} KB)`}`);
  }
  if (only.includes('client')) {
    const c = results.client;
    if (c?.error || !num(c?.firstMsPerCycle) || !num(c?.lastMsPerCycle) || !num(c?.supervisorHolds)) problems.push(`client: ${c?.error ?? 'no figures'}`);
  }
  if (only.includes('render')) {
    const r = results.render;
    if (r?.error) problems.push(`render: ${r.error}`);
    else {
      for (const row of r.wallboard)
        for (const kind of ['client-only', 'widget', 'plain']) {
          const x = row[kind];
          if (x.error || !num(x.firstRenderMs) || !(x.raise.n > 0) || !num(x.heapBytes)) problems.push(`render ${kind} ${row.flags}: ${x.error ?? 'no figures'}`);
        }
      for (const kind of ['chat', 'plain-chat']) {
        const x = r.chat[kind];
        if (x.error || !num(x.firstRenderMs) || !(x.append.n > 0)) problems.push(`render ${kind}: ${x.error ?? 'no figures'}`);
      }
    }
  }
  if (only.includes('relay')) {
    const r = results.relay;
    if (r?.error) problems.push(`relay: ${r.error}`);
    else
      for (const name of r.plan.sides) {
        const x = r[name];
        if (x.error) problems.push(`relay ${name}: ${x.error}`);
        else {
          if (!num(x.bytesPerConnection)) problems.push(`relay ${name}: no memory figure`);
          for (const step of x.steps) if (!(step.achieved > 0) || !(step.rtt.n > 0) || !(step.raiseDelivery.n > 0)) problems.push(`relay ${name} at ${step.offered}/s: no figures`);
          for (const storm of x.storms ?? []) if (storm.error || storm.resumed + storm.snapshots !== storm.clients) problems.push(`storm ${storm.kind}: ${storm.error ?? 'not everyone came back'}`);
        }
      }
  }
  if (only.includes('storm')) {
    const r = results.storm;
    if (r?.error) problems.push(`storm: ${r.error}`);
    else for (const storm of r.flagline.storms) if (storm.error || storm.resumed + storm.snapshots !== storm.clients) problems.push(`storm ${storm.kind}: ${storm.error ?? 'not everyone came back'}`);
  }
  if (only.includes('restart')) {
    const r = results.restart;
    if (r?.error) problems.push(`restart: ${r.error}`);
    else
      for (const side of ['before', 'after'])
        if (!num(r[side].open.ms) || !num(r[side].relay.readyMs) || !num(r[side].relay.rssBytes)) problems.push(`restart ${side}: no figures`);
  }
  if (only.includes('automation')) {
    const r = results.automation;
    if (r?.error) problems.push(`automation: ${r.error}`);
    else if (!r.grouping.every((g) => num(g.ms.p50)) || !num(r.summary.ms.p50) || !(r.engine.perTurnUs.n > 0)) problems.push('automation: no figures');
  }
  return problems;
}

const problems = missing();
if (problems.length) {
  console.log(`\n${problems.length} problem(s): a benchmark without figures or a size over budget:\n  ${problems.join('\n  ')}`);
  process.exitCode = 1;
}
