// `npm start`: build the demo, start the relay (embedded SQLite, dev sign-in) serving it, and
// print where to go. Ctrl-C stops everything. Data lives in .flagline-data/ (see demo:reset).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.FLAGLINE_DATA_DIR ?? resolve(root, '.flagline-data'));
const db = resolve(dataDir, 'flagline.db');
const port = process.env.PORT ?? '8787';

// FLAGLINE_SKIP_BUILD=1 reuses demo/dist (the end-to-end tests restart the stack with it).
if (process.env.FLAGLINE_SKIP_BUILD !== '1') {
  console.log('Building the demo…');
  const build = spawnSync(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

mkdirSync(dataDir, { recursive: true });
const relay = spawn(
  process.execPath,
  [
    '--conditions=source', '--import', 'tsx', resolve(root, 'packages/relay/src/cli.ts'),
    '--port', port,
    '--store', `sqlite:${db}`,
    '--static', resolve(root, 'demo/dist'),
    '--legacy-chat',
    '--second-tier-teams', 'escalations',
    '--log-level', process.env.FLAGLINE_LOG_LEVEL ?? 'warn',
  ],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_ENV: 'development' } },
);

const url = `http://localhost:${port}`;
// Give the relay its first moment to fail loudly (port in use, bad config) before printing.
const banner = setTimeout(() => {
  console.log(`
  Flagline is running.

    Start here:                 ${url}/
    Agent + supervisor, paired: ${url}/both.html
    Agent desktop (Ann):        ${url}/agent.html?as=ann
    Supervisor wallboard (Sam): ${url}/wallboard.html?as=sam

  Data: ${db}  (npm run demo:reset clears it)
  Ctrl-C to stop.
`);
}, 800);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  clearTimeout(banner);
  relay.kill('SIGTERM');
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
relay.on('exit', (code, signal) => {
  clearTimeout(banner);
  if (!stopping) console.error(`The relay stopped unexpectedly (${signal ?? `exit ${code}`}).`);
  process.exit(stopping ? 0 : (code ?? 1));
});
