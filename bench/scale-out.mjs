// Scale-out: the relay as 1, 2 and 3 processes on one Redis (append-only file, fsync always),
// and as 1 process on SQLite for reference, under the same closed-loop load: agents spread
// round-robin over the processes run raise → 3 messages → lower; supervisors acknowledge.
// Then by tenant count: 2 processes with --claim-tenant on that Redis, the same agents spread
// over 1, 10 and 100 tenants (one Authority and one log per tenant), a supervisor in each.
// The load generator is a forked process; its CPU is reported apart from the relays'.
//   node --conditions=source --import tsx bench/scale-out.mjs [--smoke]
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { FlaglineConnection } from './relay/connections.mjs';
import { cpuSeconds, freePort, startRelay, stop } from './relay/servers.mjs';
import { int, ms, printTable, summarize } from './lib/stats.mjs';

const SECRET = 'bench-scale-out-secret-0123456789abcdef';
const smoke = process.argv.includes('--smoke');
const PLAN = smoke ? { agents: 6, supervisors: 2, seconds: 1 } : { agents: 60, supervisors: 6, seconds: 8 };
const TENANT_COUNTS = smoke ? [1, 3] : [1, 10, 100];
const TENANT_AGENTS = smoke ? 6 : 100;

const token = (p) =>
  new SignJWT({ name: p.name, role: p.role, teams: p.teams, ...(p.tenant ? { tenant: p.tenant } : {}) }).setProtectedHeader({ alg: 'HS256' }).setSubject(p.id).setIssuer('flagline').setAudience('flagline').setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));

if (process.argv[2] === 'loadgen') {
  // The forked load generator: connect, run the closed loop for the window, report.
  process.once('message', async ({ urls, agents, supervisors, seconds, tenants = 0 }) => {
    // With tenants: supervisor i is tenant c<i>'s (one team, t0, in every tenant); agent i is in tenant c<i % tenants>.
    const team = (i) => (tenants ? 't0' : `t${i % supervisors}`);
    const tenant = (i) => (tenants ? { tenant: `c${i % tenants}` } : {});
    const rtt = [];
    let done = 0;
    let errors = 0;
    const conns = [];
    for (let i = 0; i < supervisors; i++) {
      const conn = new FlaglineConnection(urls[i % urls.length], await token({ id: `s${i}`, name: `Sup ${i}`, role: 'supervisor', teams: [team(i)], ...tenant(i) }));
      conn.onEvent = (e) => e.type === 'raised' && conn.send(`ack-${e.flagId}`, { type: 'acknowledge', flagId: e.flagId });
      conns.push(conn);
    }
    const loops = [];
    for (let i = 0; i < agents; i++) {
      const conn = new FlaglineConnection(urls[i % urls.length], await token({ id: `a${i}`, name: `Agent ${i}`, role: 'agent', teams: [team(i)], ...tenant(i) }));
      conns.push(conn);
      loops.push(conn);
    }
    await Promise.all(conns.map((c) => c.connect()));
    const start = performance.now();
    const end = start + seconds * 1000;
    const cpu0 = process.cpuUsage();
    await Promise.all(
      loops.map(async (conn, i) => {
        const pending = new Map();
        conn.onResult = (id, outcome) => pending.get(id)?.(outcome);
        const run = (cmd) => {
          const id = `a${i}-${Math.random().toString(36).slice(2)}`;
          const t = performance.now();
          return new Promise((resolve) => {
            pending.set(id, (o) => {
              pending.delete(id);
              rtt.push(performance.now() - t);
              done++;
              if (!o.ok) errors++;
              resolve(o);
            });
            conn.send(id, cmd);
          });
        };
        for (let n = 0; performance.now() < end; n++) {
          const raised = await run({ type: 'raise', interactionId: `a${i}-i${n}`, channel: 'voice', message: 'scale-out' });
          if (!raised.ok) continue;
          for (let m = 0; m < 3; m++) await run({ type: 'send-message', flagId: raised.flagId, text: `m${m}` });
          await run({ type: 'lower', flagId: raised.flagId });
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    for (const c of conns) c.close();
    process.send({ rate: done / elapsed, rtt: summarize(rtt), errors, loadgenCpu: (cpu.user + cpu.system) / 1e6 / elapsed });
    process.exit(0);
  });
} else {
  const dir = mkdtempSync(join(tmpdir(), 'flagline-scale-'));
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300)); // redis-server binds within a few ms; the relays retry anyway
  const rows = [];
  const tenantRows = [];
  const results = [];
  /** Starts `n` relay processes, runs the load generator with `plan` against them, stops them. */
  const measure = async (n, store, extra, plan) => {
    const relays = [];
    for (let i = 0; i < n; i++) {
      const port = await freePort();
      const proc = await startRelay({ port, secret: SECRET, store, extra });
      relays.push({ proc, pid: proc.pid, wsUrl: `ws://127.0.0.1:${port}/ws` });
    }
    const cpu0 = relays.map((r) => cpuSeconds(r.pid));
    const gen = fork(new URL(import.meta.url).pathname, ['loadgen'], { stdio: 'inherit' });
    const started = performance.now();
    const result = await new Promise((resolve) => {
      gen.once('message', resolve);
      gen.send({ urls: relays.map((r) => r.wsUrl), ...plan });
    });
    const wallSec = (performance.now() - started) / 1000;
    const relayCpu = relays.reduce((sum, r, i) => sum + cpuSeconds(r.pid) - cpu0[i], 0) / wallSec;
    for (const r of relays) await stop(r.proc);
    return { ...result, relayCpu };
  };
  const row = (label, result) => [label, int(result.rate), ms(result.rtt.p50), ms(result.rtt.p99), `${(result.relayCpu * 100).toFixed(0)}%`, `${(result.loadgenCpu * 100).toFixed(0)}%`, int(result.errors)];
  try {
    for (const [label, n, store] of [['SQLite, 1 process', 1, 'sqlite'], ['Redis, 1 process', 1, 'redis'], ['Redis, 2 processes', 2, 'redis'], ['Redis, 3 processes', 3, 'redis']]) {
      const name = label.replace(/\W+/g, '-');
      const result = await measure(n, store === 'redis' ? `redis://127.0.0.1:${redisPort}` : `sqlite:${join(dir, `${name}.db`)}`, store === 'redis' ? ['--redis-namespace', name] : [], PLAN);
      results.push({ label, processes: n, ...result });
      rows.push(row(label, result));
    }
    for (const tenants of TENANT_COUNTS) {
      const label = `${tenants} tenant${tenants > 1 ? 's' : ''}`;
      const plan = { agents: TENANT_AGENTS, supervisors: tenants, seconds: PLAN.seconds, tenants };
      const result = await measure(2, `redis://127.0.0.1:${redisPort}`, ['--redis-namespace', `tenants-${tenants}`, '--claim-tenant', 'tenant'], plan);
      results.push({ label, processes: 2, tenants, ...result });
      tenantRows.push(row(label, result));
    }
  } finally {
    redis.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(
    `Scale-out (${PLAN.agents} agents + ${PLAN.supervisors} supervisors, closed loop, ${PLAN.seconds} s per row)`,
    ['store', 'commands/s', 'RTT p50', 'RTT p99', 'relay CPU', 'loadgen CPU', 'errors'],
    rows,
    ['CPU: share of one core over the row (all relay processes together); the machine has 2 cores, shared by Redis, the relays and the load generator.'],
  );
  printTable(
    `Scale-out by tenant count (2 relay processes, Redis; ${TENANT_AGENTS} agents spread over the tenants, one supervisor per tenant, ${PLAN.seconds} s per row)`,
    ['tenants', 'commands/s', 'RTT p50', 'RTT p99', 'relay CPU', 'loadgen CPU', 'errors'],
    tenantRows,
    ['Every tenant has its own Authority and Redis stream in each process (opened by its first token).'],
  );
  if (process.env.FLAGLINE_BENCH_JSON) process.stdout.write(`\n${JSON.stringify(results)}\n`);
}
