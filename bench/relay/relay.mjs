// Relay throughput and latency — the Flagline relay on SQLite, two relays sharing Redis, and a
// minimal Socket.IO server side by side — then the reconnect storm. The load generator runs in
// forked processes (bench/relay/loadgen.mjs) speaking each server's protocol; every side gets the
// same clients, workload and rates in the same run. Server CPU/RSS come from /proc; the
// generator reports its own CPU.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SignJWT } from 'jose';
import { summarize } from '../lib/stats.mjs';
import { freePort, machineBusySeconds, processCounters, rssBytes, startRedis, startRelay, startSocketIo, stop } from './servers.mjs';

const root = resolve(import.meta.dirname, '../..');
const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Per agent cycle: 4 agent commands (raise, 2 messages, lower) and 2 supervisor ones (acknowledge, answer). */
const AGENT_SHARE = 4 / 6;

/** A relay token (HS256, 2 h) for a participant. */
export function signToken(p, secret) {
  return new SignJWT({ name: p.name, role: p.role, teams: p.teams })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(p.id)
    .setIssuer('flagline')
    .setAudience('flagline')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
}

/** The participants: agents a0…, supervisors s0…, spread over teams t0…; each with a signed token. */
export async function participants({ agents, supervisors, teams }, secret) {
  const perTeam = supervisors / teams;
  const list = [
    ...Array.from({ length: agents }, (_, i) => ({ id: `a${i}`, name: `Agent ${i}`, role: 'agent', teams: [`t${i % teams}`] })),
    ...Array.from({ length: supervisors }, (_, j) => ({ id: `s${j}`, name: `Supervisor ${j}`, role: 'supervisor', teams: [`t${j % teams}`], perTeam, indexInTeam: Math.floor(j / teams) })),
  ];
  for (const p of list) p.token = await signToken(p, secret);
  return list;
}

/** Forked generators; `ask` sends a message to all and resolves with each one's first reply of `type`. */
export function generators(count) {
  const children = Array.from({ length: count }, (_, i) =>
    fork(resolve(import.meta.dirname, 'loadgen.mjs'), {
      cwd: root,
      execArgv: ['--conditions=source', '--import', 'tsx'],
      env: { ...process.env, LOADGEN_ID: `g${i}` },
    }),
  );
  const ask = (msgFor, type, timeoutMs = 120_000) =>
    Promise.all(
      children.map(
        (child, i) =>
          new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`load generator ${i}: no ${type} within ${timeoutMs} ms`)), timeoutMs);
            const on = (msg) => {
              if (msg.type !== type && msg.type !== 'failed') return;
              child.off('message', on);
              clearTimeout(timer);
              if (msg.type === 'failed') fail(new Error(`load generator ${i}: ${msg.error}`));
              else ok(msg);
            };
            child.on('message', on);
            child.send(msgFor(i));
          }),
      ),
    );
  const close = async () => {
    await Promise.all(children.map((c) => new Promise((ok) => (c.exitCode !== null ? ok() : (c.once('exit', ok), c.send({ type: 'close' }))))));
  };
  return { children, ask, close };
}

/** The generators' figures of one step, with the servers' counters over it (`server`: CPU and system seconds, system calls). */
function merge(parts, rate, server) {
  const sum = (k) => parts.reduce((n, p) => n + p[k], 0);
  const windowS = Math.max(...parts.map((p) => p.windowMs)) / 1000;
  const errors = {};
  for (const p of parts) for (const [code, n] of Object.entries(p.errors)) errors[code] = (errors[code] ?? 0) + n;
  return {
    offered: rate,
    achieved: Math.round(sum('inWindow') / windowS),
    rtt: summarize(parts.flatMap((p) => p.rtt)),
    raiseDelivery: summarize(parts.flatMap((p) => p.raiseDelivery)),
    messageDelivery: summarize(parts.flatMap((p) => p.messageDelivery)),
    serverCpuPct: Math.round((server.cpuS / windowS) * 100),
    serverSystemPct: Math.round((server.systemS / windowS) * 100),
    syscallsPerCommand: sum('inWindow') > 0 ? server.syscalls / sum('inWindow') : null,
    loadgenCpuPct: Math.round((sum('cpuMs') / 1000 / windowS) * 100),
    errors,
    unmetPerSec: Math.round(sum('unmet') / windowS),
    unansweredAfterDrain: sum('stillPending'),
  };
}

/**
 * How each side under test is started. `start()` (re)starts its server processes and returns
 * them; `extra` are processes whose CPU counts but whose memory is not per connection (Redis).
 */
async function sideSpec(name, secret, dir) {
  if (name === 'flagline') {
    const port = await freePort();
    const store = `sqlite:${join(dir, 'relay.db')}`;
    return {
      urls: [`ws://127.0.0.1:${port}/ws`],
      metricsUrl: `http://127.0.0.1:${port}/metrics`,
      extra: [],
      start: async () => [await startRelay({ port, store, secret })],
    };
  }
  if (name === 'flagline-redis') {
    // Two relay processes sharing one Redis: half the clients on each, so fan-out crosses processes.
    const redis = await startRedis({ port: await freePort(), dir });
    const ports = [await freePort(), await freePort()];
    const store = `redis://127.0.0.1:${redis.port}`;
    return {
      urls: ports.map((port) => `ws://127.0.0.1:${port}/ws`),
      extra: [redis],
      start: () => Promise.all(ports.map((port) => startRelay({ port, store, secret }))),
    };
  }
  const port = await freePort();
  return { urls: [`http://127.0.0.1:${port}`], extra: [], start: async () => [await startSocketIo({ port, secret })] };
}

const rssOf = (procs) => procs.reduce((n, p) => n + rssBytes(p.pid), 0);
/** The processes' counters summed: user and system CPU seconds, read/write system calls. */
const countersOf = (procs) =>
  procs.map((p) => processCounters(p.pid)).reduce((a, b) => ({ userS: a.userS + b.userS, systemS: a.systemS + b.systemS, syscalls: a.syscalls + b.syscalls }));
/** The processes' CPU seconds (user + system). */
const cpuOf = (procs) => {
  const { userS, systemS } = countersOf(procs);
  return userS + systemS;
};

/** A side under test with its own load generators, every client connected and authenticated. */
async function bringUp(name, plan, people, secret, log) {
  const dir = mkdtempSync(join(tmpdir(), 'flagline-bench-'));
  const side = { name, steps: [], procs: [], extra: [], gens: null };
  side.close = async () => {
    await side.gens?.close();
    for (const p of [...side.procs, ...side.extra]) await stop(p);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const spec = await sideSpec(name, secret, dir);
    side.extra = spec.extra;
    side.start = spec.start;
    side.urls = spec.urls;
    side.metricsUrl = spec.metricsUrl;
    side.procs = await spec.start();
    side.gens = generators(plan.loadgens);
    await sleep(500);
    const rssBefore = rssOf(side.procs);
    log(`relay bench: ${name}: connecting ${people.length} clients`);
    const clients = people.map((p, k) => ({ ...p, url: spec.urls[k % spec.urls.length] }));
    const protocol = name === 'socketio' ? 'socketio' : 'flagline';
    const ready = await side.gens.ask((i) => ({ type: 'init', protocol, clients: clients.filter((_, k) => k % plan.loadgens === i) }), 'ready');
    await sleep(1000);
    const rssAfter = rssOf(side.procs);
    side.result = {
      processes: side.procs.length,
      connections: people.length,
      connectMs: Math.round(Math.max(...ready.map((r) => r.connectMs))),
      rssBeforeBytes: rssBefore,
      rssConnectedBytes: rssAfter,
      bytesPerConnection: Math.round((rssAfter - rssBefore) / people.length),
      steps: side.steps,
    };
    return side;
  } catch (err) {
    await side.close();
    throw err;
  }
}

/** The SQLite relay's group commits so far (its /metrics): transactions and the command batches they wrote. */
async function groupCommits(metricsUrl) {
  const text = await (await fetch(metricsUrl)).text();
  const total = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { transactions: total('flagline_storage_transactions_total'), batches: total('flagline_storage_batches_total') };
}

/** One rate step against one side; the servers' CPU and the whole machine's are read over the same window. */
async function runStep(side, rate, durationMs, plan) {
  const servers = [...side.procs, ...side.extra];
  const groups0 = side.metricsUrl && (await groupCommits(side.metricsUrl));
  const before = countersOf(servers);
  const machine0 = machineBusySeconds();
  const parts = side.gens.ask(() => ({ type: 'step', rate: (rate * AGENT_SHARE) / plan.loadgens, durationMs }), 'stepDone');
  await sleep(durationMs);
  const after = countersOf(servers);
  const machineS = machineBusySeconds() - machine0;
  const step = merge(await parts, rate, {
    cpuS: after.userS + after.systemS - before.userS - before.systemS,
    systemS: after.systemS - before.systemS,
    syscalls: after.syscalls - before.syscalls,
  });
  if (groups0) {
    const groups = await groupCommits(side.metricsUrl);
    step.commandsPerGroupCommit = (groups.batches - groups0.batches) / (groups.transactions - groups0.transactions);
  }
  step.machineCpuPct = Math.round((machineS / (durationMs / 1000)) * 100);
  side.result.rssAfterLoadBytes = rssOf(side.procs);
  return step;
}

/** A Prometheus gauge or counter of the relay at `wsUrl` (its /metrics), or undefined. */
async function relayMetric(wsUrl, name) {
  try {
    const text = await (await fetch(wsUrl.replace(/^ws/, 'http').replace(/\/ws$/, '/metrics'))).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(name.length + 1));
  } catch {
    return undefined;
  }
}

/** Most welcomes within any `windowMs`, per second: how hard the herd hit the new relay at its peak. */
function peakPerSecond(times, windowMs) {
  let best = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j] - times[i] > windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return Math.round((best * 1000) / windowMs);
}

/**
 * Every client dropped at once (SIGTERM: graceful, with bye frames; SIGKILL: a crash), relay
 * restarted on the same file. Besides the times, what the new relay went through: how fast it
 * welcomed clients (peak over 250 ms and on average), its CPU from spawn to everyone back, and
 * the connection attempts the clients made (refused while no relay listened, bye frames of
 * admission control).
 */
async function storm(side, kind, clients) {
  await side.gens.ask(() => ({ type: 'storm' }), 'stormArmed');
  const done = Promise.all(side.gens.children.map((c) => new Promise((ok) => c.on('message', (m) => m.type === 'stormDone' && ok(m)))));
  const killedAt = wall();
  await stop(side.procs[0], kind === 'crash' ? 'SIGKILL' : 'SIGTERM');
  const exitedAt = wall();
  const machine0 = machineBusySeconds();
  side.procs = await side.start();
  const listeningAt = wall();
  const relayCpuAtReadyS = cpuOf(side.procs);
  let timer;
  const reports = await Promise.race([done, new Promise((ok) => (timer = setTimeout(() => ok(null), 90_000)))]);
  clearTimeout(timer);
  const relayCpuS = cpuOf(side.procs);
  const machineS = machineBusySeconds() - machine0;
  if (!reports) return { kind, error: 'not every client was back within 90 s' };
  const lastAt = Math.max(...reports.map((r) => r.lastAt));
  const welcomes = reports.flatMap((r) => r.welcomes).sort((a, b) => a - b);
  const attempts = (k) => reports.reduce((n, r) => n + r.attempts[k], 0);
  const url = side.urls[0];
  return {
    kind,
    clients,
    shutdownMs: Math.round(exitedAt - killedAt),
    relayDownMs: Math.round(listeningAt - killedAt),
    readyAfterSpawnMs: Math.round(listeningAt - exitedAt),
    firstBackMs: Math.round(welcomes[0] - killedAt),
    allResumedMs: Math.round(lastAt - killedAt),
    backAfterReadyMs: Math.round(lastAt - listeningAt),
    resumed: reports.reduce((n, r) => n + r.resumed, 0),
    snapshots: reports.reduce((n, r) => n + r.snapshots, 0),
    acceptPeakPerSec: peakPerSecond(welcomes, 250),
    acceptMeanPerSec: Math.round((welcomes.length * 1000) / Math.max(1, welcomes.at(-1) - welcomes[0])),
    attempts: { opened: attempts('opened'), refused: attempts('refused'), bye: attempts('bye') },
    relayCpuMs: Math.round(relayCpuS * 1000),
    relayCpuToReadyMs: Math.round(relayCpuAtReadyS * 1000),
    relayCpuPct: Math.round((relayCpuS / ((lastAt - exitedAt) / 1000)) * 100),
    machineCpuPct: Math.round((machineS / ((lastAt - exitedAt) / 1000)) * 100),
    startDurationMs: Math.round((await relayMetric(url, 'flagline_start_duration_seconds')) * 1000),
    loadedEvents: await relayMetric(url, 'flagline_start_loaded_events'),
    admissionsDeferred: await relayMetric(url, 'flagline_admissions_deferred_total'),
  };
}

/**
 * The sides stay up together (an idle one costs next to nothing) and the rate steps alternate
 * between them, so each set of figures is measured moments apart on this noisy machine.
 * The reconnect storms run against the first side (the SQLite relay).
 * @param {{ agents: number, supervisors: number, teams: number, loadgens: number, rates: number[], stepMs: number, warmupMs: number, storms: string[], sides: string[] }} plan
 */
export async function relayBench(plan, log = () => {}) {
  const secret = randomBytes(32).toString('hex');
  const people = await participants(plan, secret);
  const names = plan.sides;
  const out = { plan };
  const sides = [];
  try {
    for (const name of names) sides.push(await bringUp(name, plan, people, secret, log));
    // Warm-up (JIT, page caches), not reported.
    for (const side of sides) await runStep(side, plan.rates[0], plan.warmupMs, plan);
    for (const rate of plan.rates) {
      for (const side of sides) {
        log(`relay bench: ${side.name}: ${rate} commands/s offered`);
        side.steps.push(await runStep(side, rate, plan.stepMs, plan));
      }
    }
    for (const side of sides) {
      // Sustained: the best step that kept up with its offered rate (≥ 95% answered, never short of idle agents).
      const kept = side.steps.filter((x) => x.achieved >= 0.95 * x.offered && x.unmetPerSec === 0);
      side.result.sustainedPerSec = kept.length ? Math.max(...kept.map((x) => x.achieved)) : 0;
    }
    const relay = sides[0];
    relay.result.storms = [];
    for (const kind of relay.name === 'flagline' ? plan.storms : []) {
      log(`relay bench: reconnect storm (${kind})`);
      relay.result.storms.push(await storm(relay, kind, people.length));
    }
    for (const side of sides) out[side.name] = side.result;
  } catch (err) {
    out.error = String(err?.stack ?? err).slice(0, 2000);
  } finally {
    for (const side of sides) await side.close();
  }
  return out;
}

/**
 * The reconnect storm alone (`node bench/run.mjs --only=storm`): the SQLite relay only, its
 * clients connected, one load step to fill the log about as the full run's rate steps do
 * (`loadRate` commands/s for `loadMs`), then the storms.
 * @param {{ agents: number, supervisors: number, teams: number, loadgens: number, loadRate: number, loadMs: number, storms: string[] }} plan
 */
export async function stormBench(plan, log = () => {}) {
  const secret = randomBytes(32).toString('hex');
  const people = await participants(plan, secret);
  const out = { plan };
  let side;
  try {
    side = await bringUp('flagline', plan, people, secret, log);
    log(`storm bench: filling the log: ${plan.loadRate} commands/s for ${plan.loadMs / 1000} s`);
    side.steps.push(await runStep(side, plan.loadRate, plan.loadMs, plan));
    side.result.storms = [];
    for (const kind of plan.storms) {
      log(`storm bench: reconnect storm (${kind})`);
      side.result.storms.push(await storm(side, kind, people.length));
    }
    out.flagline = side.result;
  } catch (err) {
    out.error = String(err?.stack ?? err).slice(0, 2000);
  } finally {
    await side?.close();
  }
  return out;
}
