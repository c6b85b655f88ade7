// `npm start`: build the demo, start the relay (embedded SQLite, dev sign-in) serving it, and
// print where to go once the relay answers its readiness check. Ctrl-C stops everything.
// Settings (environment): PORT, FLAGLINE_DATA_DIR, FLAGLINE_LOG_LEVEL, FLAGLINE_SKIP_BUILD —
// see the README's "Run the demo".
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { startReceiver } from '../examples/crm-webhook/receiver.mjs';

const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.FLAGLINE_DATA_DIR ?? resolve(root, '.flagline-data'));
const db = resolve(dataDir, 'flagline.db');
const port = process.env.PORT ?? '8787';

function portBusy() {
  console.error(`Port ${port} is already in use: stop what is using it, or choose another port, e.g. PORT=${Number(port) + 1} npm start`);
  process.exit(1);
}

// Fail before the build if the port is taken (the relay binds 127.0.0.1, as this probe does).
await new Promise((ok) => {
  const probe = createServer();
  probe.once('error', (err) => (err.code === 'EADDRINUSE' ? portBusy() : ok()));
  probe.listen(Number(port), '127.0.0.1', () => probe.close(ok));
});

// FLAGLINE_SKIP_BUILD=1 reuses demo/dist (the end-to-end tests restart the stack with it).
if (process.env.FLAGLINE_SKIP_BUILD !== '1') {
  console.log('Building the demo…');
  const build = spawnSync(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

mkdirSync(dataDir, { recursive: true });
const url = `http://localhost:${port}`;

// The host's backend: the reference CRM receiver, fed by the relay's signed webhooks. The agent
// desktop reads its record (demo/dist/crm.json says where) next to the browser sink's transcript.
const secret = `whsec_${randomBytes(24).toString('base64')}`;
const crmReceiver = await startReceiver({ dbFile: resolve(dataDir, 'crm.db'), secret, allowOrigin: url });
const webhooks = resolve(dataDir, 'webhooks.json');
writeFileSync(webhooks, JSON.stringify({ endpoints: [{ id: 'demo-crm', url: `http://127.0.0.1:${crmReceiver.port}/webhooks/flagline`, secret }] }), { mode: 0o600 });
writeFileSync(resolve(root, 'demo/dist/crm.json'), JSON.stringify({ recordUrl: `http://127.0.0.1:${crmReceiver.port}` }));

const relay = spawn(
  process.execPath,
  [
    '--conditions=source', '--import', 'tsx', resolve(root, 'packages/relay/src/cli.ts'),
    '--port', port,
    '--store', `sqlite:${db}`,
    '--static', resolve(root, 'demo/dist'),
    '--legacy-chat',
    '--second-tier-teams', 'escalations',
    '--webhooks', webhooks,
    '--rules', resolve(root, 'demo/rules.json'),
    // Billing offers each new flag to one available supervisor at a time (demo/routing.json).
    '--routing', resolve(root, 'demo/routing.json'),
    // The billing and support teams' canned replies and quick raise reasons (kept once edited).
    '--settings-seed', resolve(root, 'demo/settings-seed.json'),
    '--log-level', process.env.FLAGLINE_LOG_LEVEL ?? 'warn',
  ],
  { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], env: { ...process.env, NODE_ENV: 'development' } },
);

// Until the relay is ready its complaints are held back: a busy port then reads as one line.
let ready = false;
let held = '';
relay.stderr.on('data', (chunk) => {
  if (ready) process.stderr.write(chunk);
  else held += chunk;
});

let stopping = false;

async function waitUntilReady() {
  while (!stopping && relay.exitCode === null) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((res) => res.ok, () => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

waitUntilReady().then((ok) => {
  if (!ok) return;
  ready = true;
  process.stderr.write(held);
  held = '';
  console.log(`
  Flagline is running.

    Start here:                 ${url}/
    Agent + supervisor, paired: ${url}/both.html
    Agent desktop (Ann):        ${url}/agent.html?as=ann
    Supervisor wallboard (Sam): ${url}/wallboard.html?as=sam

  Data: ${db}  (npm run demo:reset clears it)
  Ctrl-C to stop.
`);
});

function stop() {
  if (stopping) return;
  stopping = true;
  relay.kill('SIGTERM');
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
relay.on('exit', (code, signal) => {
  if (stopping) process.exit(0);
  if (!ready && held.includes('EADDRINUSE')) portBusy();
  process.stderr.write(held);
  console.error(`The relay ${ready ? 'stopped unexpectedly' : 'could not start'} (${signal ?? `exit ${code}`}).`);
  process.exit(code || 1);
});
