// Starting, watching and stopping the servers under test: the Flagline relay (its real CLI on a
// SQLite file, built to JavaScript as production runs it) and the Socket.IO comparison server. CPU and RSS come from /proc, so they are the
// server process's own, never the load generator's.
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const CLOCK_TICKS = 100; // USER_HZ on Linux

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid) {
  const { userS, systemS } = processCounters(pid);
  return userS + systemS;
}

/**
 * The process's CPU seconds so far, user and system apart (system: the kernel's share, e.g.
 * socket writes and fsync), and its read- and write-family system calls (`/proc/PID/io`).
 */
export function processCounters(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const count = (name) => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(io)[1]);
  return { userS: Number(fields[11]) / CLOCK_TICKS, systemS: Number(fields[12]) / CLOCK_TICKS, syscalls: count('syscr') + count('syscw') };
}

/** CPU seconds the whole machine has been busy (all cores, every process): shows what else was running. */
export function machineBusySeconds() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks; // idle and iowait are not busy
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}

export function rssBytes(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match[1]) * 1024;
}

function track(proc, name) {
  let output = '';
  const keep = (d) => (output = (output + d).slice(-4000));
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  proc.exited = new Promise((ok) => proc.once('exit', (code, signal) => ok({ code, signal })));
  proc.describe = () => `${name} output:\n${output}`;
  return proc;
}

async function until(test, timeoutMs, what, proc) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await test()) return;
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${what}: the process exited.\n${proc.describe()}`);
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${timeoutMs} ms.\n${proc.describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let built;
/**
 * The relay as production runs it: `npm run build` of @flagline/core and @flagline/relay (tsc,
 * once per bench process, so the figures are of the code checked out), then plain Node on
 * `packages/relay/dist/flagline-relay.js` (the CLI bundled into one file, as the installed bin
 * runs it). Through tsx from the sources a start took ~1 s more (issue 18).
 */
export function buildRelay() {
  built ??= new Promise((ok, fail) =>
    execFile('npm', ['run', 'build', '--silent', '-w', '@flagline/core', '-w', '@flagline/relay'], { cwd: root }, (err, stdout, stderr) =>
      err ? fail(new Error(`building the relay failed:\n${stdout}${stderr}`)) : ok(),
    ),
  );
  return built;
}

/**
 * Extra Node options for every relay the bench starts, e.g. a CPU profile of each:
 * `FLAGLINE_RELAY_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'` (written when the relay exits;
 * NODE_OPTIONS refuses --cpu-prof, and would profile the load generators too).
 */
const relayNodeArgs = (process.env.FLAGLINE_RELAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** Extra relay options for every relay the bench starts, e.g. `FLAGLINE_RELAY_ARGS='--commit-window-ms 2'`. */
const relayArgs = (process.env.FLAGLINE_RELAY_ARGS ?? '').split(' ').filter(Boolean);

/** The relay's real CLI, built; resolves once /readyz answers. Generous rate limits so the limiter is not what is measured; `extra` comes last, so it overrides. */
export async function startRelay({ port, store, secret, extra = [] }) {
  await buildRelay();
  const proc = track(
    spawn(
      process.execPath,
      [
        ...relayNodeArgs,
        resolve(root, 'packages/relay/dist/flagline-relay.js'),
        '--port', String(port),
        '--store', store,
        '--rate-per-connection', '1000',
        '--rate-per-user', '1000',
        '--escalation-after-ms', '3600000',
        '--log-level', 'warn',
        ...relayArgs,
        ...extra,
      ],
      { cwd: root, env: { ...process.env, FLAGLINE_JWT_SECRET: secret, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] },
    ),
    'relay',
  );
  const ready = async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/readyz`)).ok;
    } catch {
      return false;
    }
  };
  await until(ready, 30_000, 'relay', proc);
  return proc;
}

export async function startSocketIo({ port, secret }) {
  const proc = track(
    spawn(process.execPath, [resolve(import.meta.dirname, 'socketio-server.mjs'), '--port', String(port), `--jwt-secret=${secret}`], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    'socket.io server',
  );
  let listening = false;
  proc.stdout.on('data', (d) => (listening ||= String(d).includes('listening')));
  await until(() => listening, 30_000, 'socket.io server', proc);
  return proc;
}

export async function stop(proc, signal = 'SIGTERM') {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill(signal);
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  await proc.exited;
  clearTimeout(timer);
}

/** Debian's redis-server on a loopback port, append-only file fsynced on every write (durable like SQLite's full sync). */
export async function startRedis({ port, dir }) {
  const proc = track(
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    'redis-server',
  );
  let ready = false;
  proc.stdout.on('data', (d) => (ready ||= String(d).includes('Ready to accept connections')));
  await until(() => ready, 30_000, 'redis-server', proc);
  proc.port = port;
  return proc;
}

export function hasRedisServer() {
  return new Promise((ok) => {
    const proc = spawn('redis-server', ['--version'], { stdio: 'ignore' });
    proc.on('error', () => ok(false));
    proc.on('exit', (code) => ok(code === 0));
  });
}
