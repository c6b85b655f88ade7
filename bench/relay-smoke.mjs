// Relay smoke benchmark (not a test): starts a real relay process on loopback with a temp
// SQLite file and measures
//   1. command round-trip latency, one command at a time (p50/p99), and
//   2. sustained commands/s with several connections pipelining commands.
// Usage: node bench/relay-smoke.mjs [--sync full|normal] [--seconds 5] [--clients 8] [--window 32]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { createRequire } from 'node:module';

const { values: opt } = parseArgs({
  options: {
    sync: { type: 'string', default: 'full' },
    seconds: { type: 'string', default: '5' },
    clients: { type: 'string', default: '8' },
    window: { type: 'string', default: '32' },
    samples: { type: 'string', default: '2000' },
  },
});
const root = resolve(import.meta.dirname, '..');
// The relay's own ws (8.x); the root node_modules may hold an older one for dev tools.
const { WebSocket } = createRequire(join(root, 'packages/relay/package.json'))('ws');
const SECRET = 'bench-secret-that-is-long-enough-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'flagline-bench-'));

function startRelay() {
  const proc = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(root, 'packages/relay/src/cli.ts'),
      '--port', '0', '--store', 'sqlite:' + join(dir, 'bench.db'), '--sync', opt.sync, '--log-level', 'info',
      '--jwt-secret', SECRET, '--rate-per-connection', '0', '--rate-per-user', '0', '--max-connections-per-user', '1000'],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Promise((ok, fail) => {
    let buf = '';
    proc.stderr.on('data', (d) => {
      buf += d;
      const m = /"msg":"listening".*?"port":(\d+)/.exec(buf);
      if (m) ok({ proc, port: Number(m[1]) });
    });
    proc.once('exit', (code) => fail(new Error(`relay exited ${code}: ${buf}`)));
  });
}

const token = (id) =>
  new SignJWT({ name: id, role: 'agent', teams: ['bench'] })
    .setProtectedHeader({ alg: 'HS256' }).setSubject(id).setIssuer('flagline').setAudience('flagline')
    .setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));

/** A connected agent with its own open flag; `send` resolves with the round-trip time in ms. */
async function agent(port, id) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const waiting = new Map();
  let welcomed;
  const welcome = new Promise((r) => (welcomed = r));
  ws.on('message', (data) => {
    const f = JSON.parse(data.toString());
    if (f.t === 'welcome') welcomed();
    if (f.t === 'result' || (f.t === 'error' && f.rid)) {
      const w = waiting.get(f.id ?? f.rid);
      waiting.delete(f.id ?? f.rid);
      w?.(f);
    }
  });
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ v: 1, t: 'hello', token: await token(id), resume: null }));
  await welcome;
  let n = 0;
  const command = (cmd) => {
    const cid = `${id}-${n++}`;
    const t0 = performance.now();
    return new Promise((r) => {
      waiting.set(cid, (f) => {
        if (f.t !== 'result' || !f.outcome.ok) throw new Error(`command failed: ${JSON.stringify(f)}`);
        r({ ms: performance.now() - t0, outcome: f.outcome });
      });
      ws.send(JSON.stringify({ v: 1, t: 'cmd', id: cid, cmd }));
    });
  };
  const { outcome } = await command({ type: 'raise', interactionId: `i-${id}`, channel: 'voice', message: 'bench' });
  const message = () => command({ type: 'send-message', flagId: outcome.flagId, text: 'a benchmark message of ordinary length' });
  return { message, close: () => ws.close() };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const { proc, port } = await startRelay();
try {
  // 1. Latency, closed loop, one at a time.
  const solo = await agent(port, 'solo');
  for (let i = 0; i < 200; i++) await solo.message(); // warm-up
  const lat = [];
  for (let i = 0; i < Number(opt.samples); i++) lat.push((await solo.message()).ms);
  lat.sort((a, b) => a - b);
  solo.close();

  // 2. Throughput: each client keeps `window` commands in flight.
  const clients = await Promise.all(Array.from({ length: Number(opt.clients) }, (_, i) => agent(port, `load${i}`)));
  const until = performance.now() + Number(opt.seconds) * 1000;
  let done = 0;
  const loaded = [];
  await Promise.all(
    clients.flatMap((c) =>
      Array.from({ length: Number(opt.window) }, async () => {
        while (performance.now() < until) {
          const { ms } = await c.message();
          done++;
          loaded.push(ms);
        }
      }),
    ),
  );
  const seconds = Number(opt.seconds);
  loaded.sort((a, b) => a - b);
  for (const c of clients) c.close();
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const counter = (name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)[1]);
  const groupSize = counter('flagline_storage_batches_total') / counter('flagline_storage_transactions_total');

  console.log(JSON.stringify({
    machine: `${cpus().length} cores, Node ${process.version}`,
    sync: opt.sync,
    roundTripMs: { samples: lat.length, p50: +pct(lat, 50).toFixed(3), p99: +pct(lat, 99).toFixed(3) },
    sustained: {
      clients: Number(opt.clients), window: Number(opt.window), seconds,
      commandsPerSecond: Math.round(done / seconds),
      latencyUnderLoadMs: { p50: +pct(loaded, 50).toFixed(2), p99: +pct(loaded, 99).toFixed(2) },
    },
    averageBatchesPerTransaction: +groupSize.toFixed(1),
  }, null, 2));
} finally {
  proc.kill('SIGTERM');
  await new Promise((r) => proc.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
