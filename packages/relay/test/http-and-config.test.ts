/**
 * The HTTP side (health, readiness, metrics, static files), dev mode and its refusals, and
 * configuration from flags, environment and a file.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get } from 'node:http';
import { DEFAULTS, OPTIONS, helpText, loadConfig } from '../src/config.js';
import { DEV_DIRECTORY } from '../src/dev-directory.js';
import { Metrics } from '../src/metrics.js';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { RawClient } from './helpers/raw-client.js';
import { clientFor, until } from './helpers/clients.js';
import { ann, sam } from './helpers/people.js';

const dir = mkdtempSync(join(tmpdir(), 'flagline-http-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('metrics protection', () => {
  it('with --metrics-token, GET /metrics needs that bearer token', async () => {
    const token = 'metrics-token-0123456789';
    const relay = await RelayProcess.start({ args: ['--metrics-token', token] });
    try {
      const status = async (auth?: string) => (await fetch(`${relay.url}/metrics`, auth ? { headers: { authorization: auth } } : {})).status;
      assert.equal(await status(), 401);
      assert.equal(await status(`Bearer ${token}x`), 401);
      assert.equal(await status(`Bearer ${await tokenFor(sam)}`), 401, 'a participant token is not the metrics token');
      assert.equal(await status(`Bearer ${token}`), 200);
      assert.equal(relay.logs.some((e) => String(e.msg).includes('/metrics')), false, 'no warning when protected');
    } finally {
      await relay.dispose();
    }
  });

  it('warns at start when /metrics is open and the relay listens beyond loopback', async () => {
    const open = await RelayProcess.start({ args: ['--host', '0.0.0.0'] });
    const loopback = await RelayProcess.start();
    try {
      const warning = open.logs.find((e) => e.level === 'warn' && String(e.msg).includes('GET /metrics needs no credentials'));
      assert.ok(warning, 'warned');
      assert.equal(loopback.logs.some((e) => String(e.msg).includes('GET /metrics needs no credentials')), false, 'loopback: no warning');
    } finally {
      await open.dispose();
      await loopback.dispose();
    }
  });

  it('refuses a metrics token shorter than 16 characters', () => {
    assert.throws(() => loadConfig(['--metrics-token', 'short'], {}), /at least 16 characters/);
  });
});

describe('HTTP side', () => {
  let relay: RelayProcess;
  before(async () => {
    const site = join(dir, 'site');
    mkdirSync(join(site, 'sub'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<h1>demo</h1>');
    writeFileSync(join(site, 'sub', 'app.js'), 'export {};');
    writeFileSync(join(dir, 'secret.txt'), 'outside');
    relay = await RelayProcess.start({ args: ['--static', site] });
  });
  after(() => relay.dispose());

  it('healthz and readyz', async () => {
    assert.deepEqual(await (await fetch(`${relay.url}/healthz`)).json(), { status: 'ok' });
    const ready = await fetch(`${relay.url}/readyz`);
    assert.equal(ready.status, 200);
  });

  it('metrics in Prometheus text: connections, commands by type and result, latency histogram, errors by code', async () => {
    const agent = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    await agent.command('met-1', { type: 'raise', interactionId: 'i-met', channel: 'voice', message: 'm' });
    await agent.command('met-2', { type: 'acknowledge', flagId: 'nope' });
    agent.sendRaw('{oops');
    await agent.next((f) => f.t === 'error');
    const res = await fetch(`${relay.url}/metrics`);
    assert.match(res.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^flagline_connections 1$/m);
    assert.match(text, /^flagline_retained_histories [1-9]\d*$/m); // at least the flag just raised
    assert.match(text, /^flagline_commands_total\{type="raise",result="ok"\} 1$/m);
    assert.match(text, /^flagline_commands_total\{type="acknowledge",result="not-allowed"\} 1$/m);
    assert.match(text, /^flagline_command_duration_seconds_count 2$/m);
    assert.match(text, /^flagline_command_duration_seconds_bucket\{le="\+Inf"\} 2$/m);
    assert.match(text, /^flagline_errors_total\{code="invalid-frame"\} 1$/m);
    assert.match(text, /^# TYPE flagline_command_duration_seconds histogram$/m);
    assert.match(text, /^# TYPE flagline_event_loop_lag_seconds summary$/m);
    for (const q of ['0.5', '0.9', '0.99']) assert.match(text, new RegExp(`^flagline_event_loop_lag_seconds\\{quantile="${q}"\\} \\d`, 'm'));
    assert.match(text, /^flagline_event_loop_lag_seconds_count \d+$/m);
    agent.close();
  });

  it('serves the static directory, index.html for directories, nothing outside it', async () => {
    const index = await fetch(`${relay.url}/`);
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await index.text(), '<h1>demo</h1>');
    assert.equal((await fetch(`${relay.url}/sub/app.js`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
    // Sent raw (fetch would normalise the path): an encoded ../ must not leave the directory.
    const status = await new Promise<number>((resolve, reject) =>
      get({ host: '127.0.0.1', port: relay.port, path: '/..%2fsecret.txt' }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on('error', reject),
    );
    assert.equal(status, 404);
    assert.equal((await fetch(`${relay.url}/missing.js`)).status, 404);
    assert.equal((await fetch(`${relay.url}/api/transcript/%E0%A4%A`)).status, 400);
  });

  it('has no dev endpoints when a real key is configured', async () => {
    const res = await fetch(`${relay.url}/dev/token`, { method: 'POST', body: JSON.stringify({ participantId: 'ann' }) });
    assert.equal(res.status, 404);
  });

  it('only /ws upgrades', async () => {
    await assert.rejects(RawClient.open(`ws://127.0.0.1:${relay.port}/other`), { status: 404 });
  });
});

describe('event-loop lag in /metrics', () => {
  const lag = (text: string, series: string) => Number(new RegExp(`^flagline_event_loop_lag_seconds${series} (\\S+)$`, 'm').exec(text)?.[1]);

  it('a blocked event loop shows in the p99 of the next scrape only; count and sum keep growing', async () => {
    const metrics = new Metrics();
    const stop = metrics.watchEventLoop();
    const render = () => metrics.render({ ready: true, tenants: [] });
    try {
      // A first sample (the timer has run once).
      while (lag(render(), '_count') === 0) await new Promise((resolve) => setTimeout(resolve, 25));
      const blockedUntil = Date.now() + 200;
      while (Date.now() < blockedUntil); // the loop is blocked for 200 ms
      // The 10 ms sampling timer was due long before this one: it has recorded the block when this runs.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const first = render();
      assert.ok(lag(first, '{quantile="0.99"}') >= 0.18, `p99 ${lag(first, '{quantile="0.99"}')} s after a 200 ms block`);
      assert.ok(lag(first, '_sum') >= 0.18);
      const count = lag(first, '_count');
      assert.ok(count >= 1);
      const blockedAgain = Date.now() + 50;
      while (Date.now() < blockedAgain);
      await new Promise((resolve) => setTimeout(resolve, 0));
      const second = render();
      assert.ok(lag(second, '{quantile="0.99"}') < 0.18, 'the 200 ms block belongs to the previous scrape');
      assert.ok(lag(second, '_count') > count);
      assert.ok(lag(second, '_sum') > lag(first, '_sum'));
    } finally {
      stop();
    }
  });
});

describe('dev mode', () => {
  it('no key configured: loopback, a loud warning, and a token endpoint for the sample directory', async () => {
    const relay = await RelayProcess.start({ noAuthArgs: true });
    try {
      const warning = relay.logs.find((l) => l.level === 'warn')!;
      assert.match(warning.msg as string, /DEV MODE.*Never use this in production/);
      const directory = (await (await fetch(`${relay.url}/dev/directory`)).json()) as { participants: unknown[] };
      assert.deepEqual(directory.participants, DEV_DIRECTORY);
      const res = await fetch(`${relay.url}/dev/token`, { method: 'POST', headers: { origin: 'http://localhost:5173' }, body: JSON.stringify({ participantId: 'sam' }) });
      assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:5173');
      const { token, participant } = (await res.json()) as { token: string; participant: { id: string } };
      assert.equal(participant.id, 'sam');
      const c = await RawClient.open(relay.wsUrl, { Origin: 'http://localhost:5173' });
      c.send({ t: 'hello', token, resume: null });
      const welcome = await c.next((f) => f.t === 'welcome');
      assert.equal(welcome.t === 'welcome' && welcome.me.role, 'supervisor');
      c.close();
      const unknown = await fetch(`${relay.url}/dev/token`, { method: 'POST', body: JSON.stringify({ participantId: 'mallory' }) });
      assert.equal(unknown.status, 404);
      await assert.rejects(RawClient.open(relay.wsUrl, { Origin: 'https://evil.example' }), { status: 403 });
      // DNS rebinding: a page of evil.example whose name now points here asks with its own Host.
      for (const host of ['evil.example', `evil.example:${relay.port}`]) {
        const status = await new Promise<number>((resolve, reject) =>
          get({ host: '127.0.0.1', port: relay.port, path: '/dev/directory', headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          }).on('error', reject),
        );
        assert.equal(status, 403, host);
      }
      // Tokens from the test secret mean nothing to a dev relay's generated secret.
      const foreign = await RawClient.open(relay.wsUrl);
      foreign.send({ t: 'hello', token: await tokenFor(sam), resume: null });
      assert.equal((await foreign.closed).code, 4401);
    } finally {
      await relay.dispose();
    }
  });

  it('refuses to start in dev mode when NODE_ENV=production, or on a public interface', async () => {
    const prod = await RelayProcess.refuse({ args: ['--store', 'sqlite:' + join(dir, 'prod.db')], env: { NODE_ENV: 'production' } });
    assert.equal(prod.code, 2);
    assert.match(prod.output, /Refusing to start in dev mode with NODE_ENV=production/);
    const open = await RelayProcess.refuse({ args: ['--store', 'sqlite:' + join(dir, 'open.db'), '--host', '0.0.0.0'] });
    assert.equal(open.code, 2);
    assert.match(open.output, /Dev mode binds loopback only/);
  });

  it('refuses to open a database file another relay is using', async () => {
    const first = await RelayProcess.start();
    try {
      const second = await RelayProcess.refuse({ args: ['--store', 'sqlite:' + first.db, '--jwt-secret', 'x'.repeat(32), '--port', '0'] });
      assert.equal(second.code, 1);
      assert.match(second.output, /Another process is using .*only one relay may run on a database file/);
      assert.equal((await fetch(`${first.url}/readyz`)).status, 200, 'the first one is unaffected');
    } finally {
      await first.dispose();
    }
  });

  it('refuses a short secret and unknown options', async () => {
    const short = await RelayProcess.refuse({ args: ['--store', 'sqlite:' + join(dir, 'short.db'), '--jwt-secret', 'short'] });
    assert.equal(short.code, 2, 'a configuration error');
    assert.match(short.output, /at least 32 characters/);
    const unknown = await RelayProcess.refuse({ args: ['--prot', '1'] });
    assert.equal(unknown.code, 2);
    assert.match(unknown.output, /Unknown option --prot/);
  });
});

describe('configuration', () => {
  it('--help documents every option with its flag and environment variable', () => {
    const help = helpText();
    for (const o of OPTIONS) {
      const flag = '--' + o.key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
      assert.ok(help.includes(flag), flag);
      assert.ok(help.includes('FLAGLINE_' + o.key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()), o.key);
    }
  });

  it('flags win over environment variables, which win over the file, which wins over defaults', () => {
    const file = join(dir, 'relay.json');
    writeFileSync(file, JSON.stringify({ port: 1111, store: 'sqlite:file.db', origins: ['https://a.example'], legacyChat: true }));
    const { config } = loadConfig(['--config', file, '--port', '3333', '--second-tier-teams=x,y'], {
      FLAGLINE_PORT: '2222',
      FLAGLINE_STORE: 'sqlite:env.db',
      FLAGLINE_RATE_PER_USER: '7',
    });
    assert.equal(config.port, 3333);
    assert.equal(config.store, 'sqlite:env.db');
    assert.deepEqual(config.origins, ['https://a.example']);
    assert.equal(config.legacyChat, true);
    assert.equal(config.ratePerUser, 7);
    assert.deepEqual(config.secondTierTeams, ['x', 'y']);
    assert.equal(config.maxPayloadBytes, DEFAULTS.maxPayloadBytes);
  });

  it('rejects bad values with the option named', () => {
    assert.throws(() => loadConfig(['--port', 'eighty'], {}), /--port: expected a non-negative integer, got "eighty"/);
    assert.throws(() => loadConfig([], { FLAGLINE_SYNC: 'sometimes' }), /sync must be 'full' or 'normal'/);
    assert.throws(() => loadConfig(['--commit-window-ms', '500'], {}), /commit-window-ms must be between 0 and 100/);
    assert.throws(() => loadConfig(['--heartbeat-ms', '0'], {}), /heartbeat-ms must be at least 10/);
    assert.equal(loadConfig([], { FLAGLINE_COMMIT_WINDOW_MS: '2' }).config.commitWindowMs, 2);
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    assert.throws(() => loadConfig(['--config', file], {}), /unknown option "prot"/);
  });

  it('lets a lowered flag leave memory after --recent-ms plus --history-margin-ms', { timeout: 30_000 }, async () => {
    const relay = await RelayProcess.start({ args: ['--recent-ms', '100', '--history-margin-ms', '200', '--tick-ms', '50'] });
    const agent = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    try {
      const retained = async () => Number(/^flagline_retained_histories (\d+)$/m.exec(await (await fetch(`${relay.url}/metrics`)).text())![1]);
      const raised = await agent.command('hm-1', { type: 'raise', interactionId: 'i-hm', channel: 'voice', message: 'm' });
      const flagId = raised.t === 'result' && raised.outcome.ok ? raised.outcome.flagId! : '';
      assert.equal(await retained(), 1);
      const lowered = await agent.command('hm-2', { type: 'lower', flagId });
      assert.equal(lowered.t === 'result' && lowered.outcome.ok, true);
      // The tick lets it go 300 ms after it was lowered; with the default margin (5 min) this waits past the test's timeout.
      while ((await retained()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      // Still answered from the store.
      assert.deepEqual((await agent.history(flagId)).map((e) => e.type), ['raised', 'lowered']);
    } finally {
      agent.close();
      await relay.dispose();
    }
  });

  it('passes every flag rule setting through to the source of truth (limits, fallback mode)', async () => {
    const relay = await RelayProcess.start({ args: ['--reason-length', '5', '--label-length', '3'] });
    const off = await RelayProcess.start({ args: ['--fallback-mode'] });
    const agents = [clientFor(relay, ann), clientFor(off, ann)];
    try {
      const [agent, fallback] = agents as [ReturnType<typeof clientFor>, ReturnType<typeof clientFor>];
      await until(agent.$status, (s) => s === 'online');
      await until(fallback.$status, (s) => s === 'online');
      // The clients keep core's defaults, so only the relay can refuse these.
      await assert.rejects(agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'help', reason: 'a long reason' }), { code: 'too-long', details: { limit: 5, length: 13 } });
      await assert.rejects(agent.raise({ interactionId: 'i-1', channel: 'voice', message: 'help', customerLabel: 'Jordan' }), { code: 'too-long', details: { limit: 3, length: 6 } });
      await assert.rejects(fallback.raise({ interactionId: 'i-1', channel: 'voice', message: 'help' }), { code: 'fallback-mode' });
    } finally {
      for (const c of agents) c.close();
      await Promise.all([relay.dispose(), off.dispose()]);
    }
  });
});
