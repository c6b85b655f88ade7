/**
 * Minority partition: the Redis primary on a host of its own (a network namespace made by the
 * test), its two replicas and three Sentinels on this machine reaching it over link 0, two relays
 * here following the Sentinels, and a third relay run inside the primary's namespace (its clients
 * reach it over link 1). Link 0 is cut: the primary and the relay beside it are the minority side.
 * That relay still talks to the old primary, whose appends get no replica's WAIT: it must
 * acknowledge nothing (`unavailable`, the clients resend the same ids), while the Sentinels
 * promote a replica and the other relays follow it. Healed, the old primary is demoted. Then the
 * auditor: every acknowledged command is in the new primary's log exactly once, in order, seen
 * identically everywhere. Skipped, saying why, where network namespaces cannot be created.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RelayProcess, tokenFor } from '../../packages/relay/test/helpers/relay-process.js';
import { freePort } from '../../packages/relay/test/helpers/free-port.js';
import { MASTER_NAME, RedisNode, SentinelNode } from '../../packages/relay/test/helpers/sentinel-cluster.js';
import { Auditor, auditClients, readRedisStore } from './support/auditor.js';
import { REDIS_PORT, RedisHost } from './support/netns.js';
import { Ledger, agentLoop, people, simClient, supervisorLoop, type Sim } from './support/workload.js';
import { report, scale } from './support/scale.js';
import { SEED, mulberry32 } from './support/seeded-random.js';

const AGENTS = scale(8, 60);
const SUPERVISORS = scale(3, 12);
const TEAMS = 2;
const WARM_MS = scale(3_000, 20_000);
/** How long the cut lasts after the Sentinels promoted a replica. */
const CUT_MS = scale(4_000, 20_000);
const AFTER_MS = scale(3_000, 20_000);
const SETTLE_MS = scale(30_000, 120_000);
const RELAY_ARGS = ['--rate-per-connection', '0', '--rate-per-user', '0', '--escalation-after-ms', '86400000', '--heartbeat-ms', '10000'];
const token = (p: Parameters<typeof tokenFor>[0]) => tokenFor(p, '1h');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A relay's answers by result (`ok`, `unavailable`, …), from its /metrics. */
async function answersOf(relay: RelayProcess): Promise<Map<string, number>> {
  const text = await (await fetch(`${relay.url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^flagline_commands_total\{type="[^"]+",result="([^"]+)"\} (\d+)$/gm)) out.set(m[1]!, (out.get(m[1]!) ?? 0) + Number(m[2]));
  return out;
}
/** A one-off command to a Redis node or Sentinel; null when it does not answer. */
async function ask(host: string, port: number, ...command: string[]): Promise<unknown> {
  const redis = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, commandTimeout: 1_000, connectTimeout: 1_000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await redis.call(command[0]!, ...command.slice(1));
  } catch {
    return null;
  } finally {
    redis.disconnect();
  }
}
/** Polls `check` until it holds; fails the test, rather than hanging it, after 30 s. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('minority partition: a Redis primary cut from its replicas and Sentinels acknowledges nothing', { timeout: WARM_MS + CUT_MS + AFTER_MS + SETTLE_MS * 3 + 180_000 }, () => {
  let host: RedisHost | string | undefined;
  const replicas: RedisNode[] = [];
  const sentinels: SentinelNode[] = [];
  const relays: RelayProcess[] = [];
  const sims: Sim[] = [];
  let disposing = false;
  after(async () => {
    disposing = true;
    for (const s of sims) s.client.close();
    if (host instanceof RedisHost) host.heal(0);
    await Promise.all(relays.map((r) => r.dispose()));
    for (const s of sentinels) await s.kill();
    for (const n of replicas) await n.kill();
    if (host instanceof RedisHost) await host.dispose();
  });

  it('cut at the primary: its side acknowledges nothing, a replica is promoted, the old primary demoted; lost=0 duplicated=0 reordered=0 diverged=0', async (t) => {
    host = await RedisHost.create(['--repl-diskless-sync-delay', '0']);
    if (typeof host === 'string') {
      console.log(`[minority] SKIPPED: ${host}`);
      t.skip(host);
      return;
    }
    const h = host;
    const primary = h.address(0);
    // Replicas and Sentinels listen on every interface: the namespace reaches them at link 0's near end.
    for (let i = 0; i < 2; i++) {
      const node = new RedisNode(await freePort(), join(h.dir, `replica-${i}`));
      replicas.push(node);
      mkdirSync(node.dir);
      await node.start(null, ['--bind', '0.0.0.0', '--replicaof', primary, String(REDIS_PORT)]);
    }
    for (let i = 0; i < 3; i++) sentinels.push(await SentinelNode.create(h.dir, REDIS_PORT, { primary, bind: '0.0.0.0' }));
    await Promise.all(sentinels.map((s) => s.start()));
    const field = (reply: unknown, k: string) => (Array.isArray(reply) ? String(reply[reply.indexOf(k) + 1]) : '');
    for (const s of sentinels) {
      await until(async () => {
        const master = await ask('127.0.0.1', s.port, 'SENTINEL', 'MASTER', MASTER_NAME);
        return field(master, 'num-slaves') === '2' && field(master, 'num-other-sentinels') === '2';
      }, 'the Sentinels to know both replicas and each other');
    }
    const masterAddr = async () => ((await ask('127.0.0.1', sentinels[0]!.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as [string, string] | null) ?? ['', ''];

    const sentinelList = (at: string) => sentinels.map((s) => `${at}:${s.port}`).join(',');
    const exits: string[] = [];
    /** Relay i, restarted on its port if it exits (a relay that diverged exits with 75 to be restarted). */
    const startRelay = async (i: number, opts: Parameters<typeof RelayProcess.start>[0]): Promise<RelayProcess> => {
      const relay = await RelayProcess.start({ args: RELAY_ARGS, ...opts });
      relays[i] = relay;
      void relay.exited.then(async (exit) => {
        if (disposing) return;
        exits.push(`relay ${relay.url} exited (${exit.code ?? exit.signal})`);
        await startRelay(i, { ...opts, port: relay.port });
      });
      return relay;
    };
    await startRelay(0, { store: `redis-sentinel://${sentinelList('127.0.0.1')}/${MASTER_NAME}` });
    await startRelay(1, { store: `redis-sentinel://${sentinelList('127.0.0.1')}/${MASTER_NAME}` });
    // Beside the primary: reaches the Sentinels over link 0, is reached by its clients over link 1.
    const beside = await startRelay(2, { store: `redis-sentinel://${sentinelList(h.gateway(0))}/${MASTER_NAME}`, netns: h.namespace, host: h.address(1) });
    assert.equal((await beside.waitForLog('listening')).minReplicasAcked, 2, 'by default every replica the Sentinels know');

    const random = mulberry32(SEED);
    const ledger = new Ledger();
    for (const p of people(AGENTS, SUPERVISORS, TEAMS)) sims.push(simClient(p, () => relays[Math.floor(random() * relays.length)]!.wsUrl, token));
    let running = true;
    const work = sims.map((s) => (s.me.role === 'agent' ? agentLoop : supervisorLoop)(s, ledger, () => !running, random));
    const started = Date.now();

    await sleep(WARM_MS);
    await until(async () => ((await answersOf(beside)).get('ok') ?? 0) > 0, 'the relay beside the primary to acknowledge before the cut');
    h.cut(0);
    const atCut = await answersOf(beside);
    await until(async () => (await masterAddr())[0] !== primary, 'the Sentinels to promote a replica');
    const promoted = await masterAddr();
    await sleep(CUT_MS);
    const atHeal = await answersOf(beside);
    const ackedBeside = (atHeal.get('ok') ?? 0) - (atCut.get('ok') ?? 0);
    const unavailableBeside = (atHeal.get('unavailable') ?? 0) - (atCut.get('unavailable') ?? 0);
    // What the cut-off primary holds that no replica confirmed (read over link 1, still up).
    const cutOff = await readRedisStore(REDIS_PORT, 'default', h.address(1));
    const stranded = cutOff.events.filter((e) => e.pos > cutOff.confirmedPos).length;
    h.heal(0);
    await until(async () => ((await ask(primary, REDIS_PORT, 'ROLE')) as string[] | null)?.[0] === 'slave', 'the old primary to be demoted');
    await sleep(AFTER_MS);
    running = false;
    const runEnded = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finished = await Promise.race([Promise.all(work).then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), SETTLE_MS)))]);
    clearTimeout(timer);

    const store = await readRedisStore(Number(promoted[1]), 'default', promoted[0]);
    const auditor = new Auditor(store, ledger);
    auditor.commands();
    auditor.unanswered();
    // Demoted, the old primary resyncs: its stranded entries are gone, its log is the new primary's.
    const logOf = async (at: string, port: number) => JSON.stringify((await readRedisStore(port, 'default', at)).events);
    await until(async () => (await logOf(primary, REDIS_PORT)) === (await logOf(promoted[0], Number(promoted[1]))), 'the demoted primary to hold the new primary\'s log');
    const transcripts = await auditClients(auditor, sims, relays.map((r) => ({ url: r.url, label: `relay ${r.url}` })), token, SETTLE_MS);
    report('minority', {
      seed: SEED,
      clients: sims.length,
      'commands audited': ledger.acked.length,
      'acked by the minority side during the cut': ackedBeside,
      'answered unavailable there during the cut': unavailableBeside,
      'entries stranded on the old primary': stranded,
      promoted: promoted.join(':'),
      'relay transcripts checked': transcripts,
      'relay exits': exits.length,
      unexpected: ledger.unexpected.length,
      seconds: ((Date.now() - started) / 1000).toFixed(1),
      'settle seconds': ((Date.now() - runEnded) / 1000).toFixed(1),
    });
    console.log(`${auditor.line()} minority_acked=${ackedBeside} minority_unavailable=${unavailableBeside} stranded=${stranded}`);
    for (const f of auditor.result.findings) console.log(`  ${f}`);
    for (const e of exits) console.log(`  ${e}`);
    for (const u of ledger.unexpected.slice(0, 10)) console.log(`  unexpected ${u.type}: ${u.code} ${u.message}`);

    assert.equal(ackedBeside, 0, 'the relay beside the cut-off primary acknowledged nothing');
    assert.ok(unavailableBeside > 0, 'it answered the commands it got during the cut `unavailable`');
    assert.ok(stranded > 0, 'the old primary took appends during the cut that no replica got');
    assert.ok(finished, 'every simulated person finished their last command');
    assert.deepEqual(ledger.unexpected, [], 'no command failed other than by a decision');
    assert.deepEqual(exits, [], 'no relay exited');
    assert.equal(store.confirmedPos, store.events.at(-1)?.pos, 'every stored entry ends up confirmed');
    const { lost, duplicated, reordered, diverged } = auditor.result;
    assert.deepEqual({ lost, duplicated, reordered, diverged }, { lost: 0, duplicated: 0, reordered: 0, diverged: 0 });
  });
});
