// Relay start-up after a day of flags (issue 13): a SQLite file with about 10^6 events (10^4 in
// the smoke run), opened before and after a checkpoint exists. Two views of the same file:
// - "Authority.open" in a child process (worker.ts): the time to open the store and rebuild the
//   state, the events read, the JS heap it holds after a GC;
// - "relay process": the real CLI, spawn → /readyz answering, and its RSS then. It includes Node
//   and tsx starting (the "empty file" row shows that floor).
// The first relay start on the un-checkpointed file writes a checkpoint (the log since the last
// one is longer than --checkpoint-events) and its shutdown another at the head; the "after" rows
// start from that.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, rssBytes, startRelay, stop } from '../relay/servers.mjs';

const root = resolve(import.meta.dirname, '../..');
const SECRET = 'restart-bench-secret-that-is-long-enough';

function worker(args) {
  return new Promise((ok, fail) => {
    const proc = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--conditions=source', '--import', 'tsx', resolve(import.meta.dirname, 'worker.ts'), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    proc.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code === 0) ok(JSON.parse(line));
      else fail(new Error(`worker ${args[0]} exited ${code}: ${out.slice(-2000)}`));
    });
  });
}

async function relayStart(file) {
  const port = await freePort();
  const started = performance.now();
  const proc = await startRelay({ port, store: `sqlite:${file}`, secret: SECRET });
  const readyMs = performance.now() - started;
  const rss = rssBytes(proc.pid);
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  await stop(proc);
  const figure = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
  return { readyMs, rssBytes: rss, openMs: figure('flagline_start_duration_seconds') * 1000, loadedEvents: figure('flagline_start_loaded_events') };
}

export async function restartBench(plan, log) {
  const dir = mkdtempSync(join(tmpdir(), 'flagline-restart-'));
  try {
    const file = join(dir, 'day.db');
    log(`restart: writing ~${plan.events.toLocaleString('en-US')} events`);
    const filled = await worker(['fill', file, String(plan.events)]);
    const fileBytes = statSync(file).size;
    log('restart: opening without a checkpoint');
    const before = { open: await worker(['open', file]), relay: await relayStart(file) };
    log('restart: opening from the checkpoint');
    const after = { open: await worker(['open', file]), relay: await relayStart(file) };
    const empty = await relayStart(join(dir, 'empty.db'));
    return { ...filled, fileBytes, before, after, empty };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { printRestart } = await import('../report.mjs');
  const events = Number(process.argv.find((a) => a.startsWith('--events='))?.slice(9) ?? 1_000_000);
  printRestart(await restartBench({ events }, (m) => process.stderr.write(`${m}\n`)));
}
