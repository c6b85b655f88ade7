// Relay throughput and latency, side by side with a minimal Socket.IO server, then the reconnect
// storm. The load generator runs in forked processes (bench/relay/loadgen.mjs) speaking each
// server's protocol; both servers get the same clients, the same workload and the same rates in
// the same run. Server CPU/RSS come from /proc; the generator reports its own CPU.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SignJWT } from 'jose';
import { summarize } from '../lib/stats.mjs';
import { cpuSeconds, freePort, relayHasRedis, rssBytes, startRelay, startSocketIo, stop } from './servers.mjs';

const root = resolve(import.meta.dirname, '../..');
const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Per agent cycle: 4 agent commands (raise, 2 messages, lower) and 2 supervisor ones (acknowledge, answer). */
const AGENT_SHARE = 4 / 6;

/** The participants: agents a0…, supervisors s0…, spread over teams t0…; each with a signed token. */
async function participants({ agents, supervisors, teams }, secret) {
  const key = new TextEncoder().encode(secret);
  const perTeam = supervisors / teams;
  const list = [
    ...Array.from({ length: agents }, (_, i) => ({ id: `a${i}`, name: `Agent ${i}`, role: 'agent', teams: [`t${i % teams}`] })),
    ...Array.from({ length: supervisors }, (_, j) => ({ id: `s${j}`, name: `Supervisor ${j}`, role: 'supervisor', teams: [`t${j % teams}`], perTeam, indexInTeam: Math.floor(j / teams) })),
  ];
  for (const p of list) {
    p.token = await new SignJWT({ name: p.name, role: p.role, teams: p.teams })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(p.id)
      .setIssuer('flagline')
      .setAudience('flagline')
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(key);
  }
  return list;
}

/** Forked generators; `ask` sends a message to all and resolves with each one's first reply of `type`. */
function generators(count) {
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

function merge(parts, rate, serverCpuS) {
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
    serverCpuPct: Math.round((serverCpuS / windowS) * 100),
    loadgenCpuPct: Math.round((sum('cpuMs') / 1000 / windowS) * 100),
    errors,
    unmetPerSec: Math.round(sum('unmet') / windowS),
    unansweredAfterDrain: sum('stillPending'),
  };
}

/** One server: connect everyone, measure memory per connection, then run the rate steps. */
async function runServer(name, plan, people, secret, log) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'flagline-bench-'));
  const db = join(dir, 'relay.db');
  const start = () => (name === 'flagline' ? startRelay({ port, db, secret }) : startSocketIo({ port, secret }));
  let server = await start();
  const gens = generators(plan.loadgens);
  const url = name === 'flagline' ? `ws://127.0.0.1:${port}/ws` : `http://127.0.0.1:${port}`;
  try {
    await sleep(500);
    const rssBefore = rssBytes(server.pid);
    log(`relay bench: ${name}: connecting ${people.length} clients`);
    const ready = await gens.ask((i) => ({ type: 'init', protocol: name, url, clients: people.filter((_, k) => k % plan.loadgens === i) }), 'ready');
    await sleep(1000);
    const rssAfter = rssBytes(server.pid);
    const result = {
      connections: people.length,
      connectMs: Math.round(Math.max(...ready.map((r) => r.connectMs))),
      rssBeforeBytes: rssBefore,
      rssConnectedBytes: rssAfter,
      bytesPerConnection: Math.round((rssAfter - rssBefore) / people.length),
      steps: [],
    };
    // Warm-up (JIT, SQLite page cache), not reported.
    await gens.ask(() => ({ type: 'step', rate: (plan.rates[0] * AGENT_SHARE) / plan.loadgens, durationMs: plan.warmupMs }), 'stepDone');
    for (const rate of plan.rates) {
      log(`relay bench: ${name}: ${rate} commands/s offered`);
      const cpu0 = cpuSeconds(server.pid);
      const parts = gens.ask(() => ({ type: 'step', rate: (rate * AGENT_SHARE) / plan.loadgens, durationMs: plan.stepMs }), 'stepDone');
      await sleep(plan.stepMs);
      const serverCpuS = cpuSeconds(server.pid) - cpu0;
      result.steps.push(merge(await parts, rate, serverCpuS));
      result.rssAfterLoadBytes = rssBytes(server.pid);
    }
    if (name === 'flagline') {
      result.storms = [];
      for (const kind of plan.storms) {
        log(`relay bench: reconnect storm (${kind})`);
        const armed = gens.ask(() => ({ type: 'storm' }), 'stormArmed');
        await armed;
        const done = Promise.all(gens.children.map((c) => new Promise((ok) => c.on('message', (m) => m.type === 'stormDone' && ok(m)))));
        const killedAt = wall();
        await stop(server, kind === 'crash' ? 'SIGKILL' : 'SIGTERM');
        server = await start();
        const listeningAt = wall();
        let timer;
        const reports = await Promise.race([done, new Promise((ok) => (timer = setTimeout(() => ok(null), 90_000)))]);
        clearTimeout(timer);
        result.storms.push(
          reports
            ? {
                kind,
                clients: people.length,
                relayDownMs: Math.round(listeningAt - killedAt),
                allResumedMs: Math.round(Math.max(...reports.map((r) => r.lastAt)) - killedAt),
                resumed: reports.reduce((n, r) => n + r.resumed, 0),
                snapshots: reports.reduce((n, r) => n + r.snapshots, 0),
              }
            : { kind, error: 'not every client was back within 90 s' },
        );
      }
    }
    return result;
  } finally {
    await gens.close();
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * @param {{ agents: number, supervisors: number, teams: number, loadgens: number, rates: number[], stepMs: number, warmupMs: number, storms: string[] }} plan
 */
export async function relayBench(plan, log = () => {}) {
  const secret = randomBytes(32).toString('base64url');
  const people = await participants(plan, secret);
  const out = { plan, redis: (await relayHasRedis()) ? 'Redis mode exists but this benchmark does not drive it yet' : 'not available yet' };
  for (const name of ['flagline', 'socketio']) {
    try {
      out[name] = await runServer(name, plan, people, secret, log);
    } catch (err) {
      out[name] = { error: String(err.message ?? err).slice(0, 2000) };
    }
  }
  return out;
}

