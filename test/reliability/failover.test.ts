/**
 * Failover audit: relay processes on replicated Redis (a primary, two replicas with the
 * append-only file and fsync always, three Sentinels; all real processes on loopback) under
 * load from simulated agents and supervisors, while the primary is killed with -9 mid-burst,
 * paused with SIGSTOP for longer than a failover and resumed (it comes back believing it is the
 * primary), and Sentinels are killed and restarted. Then the auditor checks every acknowledged
 * command against the store on the last primary, every client's view, every transcript sink
 * and the relays' transcript endpoint: lost = duplicated = reordered = diverged = 0.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RelayProcess, tokenFor } from '../../packages/relay/test/helpers/relay-process.js';
import { FAILOVER_TIMEOUT_MS, SentinelCluster } from '../../packages/relay/test/helpers/sentinel-cluster.js';
import { Auditor, auditClients, readRedisStore } from './support/auditor.js';
import { Ledger, agentLoop, people, simClient, supervisorLoop, type Sim } from './support/workload.js';
import { report, scale } from './support/scale.js';
import { SEED, mulberry32 } from './support/seeded-random.js';

const AGENTS = scale(10, 120);
const SUPERVISORS = scale(4, 36);
const TEAMS = scale(2, 8);
const RELAYS = scale(2, 3);
const RUN_MS = scale(22_000, 180_000);
/** Load between two faults (a fault itself lasts until the Sentinels agree on a new primary). */
const GAP_MS = scale<[number, number]>([800, 2_000], [3_000, 8_000]);
const SETTLE_MS = scale(30_000, 120_000);
const FAULTS = ['kill -9 primary', 'restart a Sentinel', 'SIGSTOP primary', 'kill -9 primary'] as const;
const RELAY_ARGS = ['--rate-per-connection', '0', '--rate-per-user', '0', '--escalation-after-ms', '86400000', '--heartbeat-ms', '10000'];
const token = (p: Parameters<typeof tokenFor>[0]) => tokenFor(p, '1h');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('failover: nothing acknowledged is lost when the Redis primary dies or stalls', { timeout: RUN_MS + SETTLE_MS * 3 + 120_000 }, () => {
  const cluster = new SentinelCluster();
  const relays: RelayProcess[] = [];
  const sims: Sim[] = [];
  let running = true;
  after(async () => {
    running = false;
    for (const s of sims) s.client.close();
    await Promise.all(relays.map((r) => r.dispose()));
    await cluster.dispose();
  });

  it('kill -9 and SIGSTOP of the primary, Sentinel restarts: acknowledged=N lost=0 duplicated=0 reordered=0 diverged=0', async () => {
    const random = mulberry32(SEED);
    await cluster.start(2);
    const relayExits: string[] = [];
    /** Relay i, restarted on its port if it exits (a relay that diverged exits with 75 to be restarted). */
    const startRelay = async (i: number, port?: number): Promise<void> => {
      const relay = await RelayProcess.start({ store: cluster.store, ...(port !== undefined ? { port } : {}), args: RELAY_ARGS });
      relays[i] = relay;
      void relay.exited.then(async (exit) => {
        if (!running) return;
        relayExits.push(`relay ${i} exited (${exit.code ?? exit.signal}): ${relay.logs.filter((l) => l.level === 'error').map((l) => `${String(l.msg)} ${String(l.reason ?? l.error ?? '')}`).join('; ')}`);
        await startRelay(i, relay.port);
      });
    };
    for (let i = 0; i < RELAYS; i++) await startRelay(i);
    assert.equal((await relays[0]!.waitForLog('listening')).minReplicasAcked, 2, 'by default every replica the Sentinels know');

    const ledger = new Ledger();
    for (const p of people(AGENTS, SUPERVISORS, TEAMS)) sims.push(simClient(p, () => relays[Math.floor(random() * relays.length)]!.wsUrl, token));
    const started = Date.now();
    const stop = () => Date.now() - started > RUN_MS;
    const work = sims.map((s) => (s.me.role === 'agent' ? agentLoop : supervisorLoop)(s, ledger, stop, random));

    let failovers = 0;
    const injected = new Map<string, number>();
    for (let n = 0; !stop(); n++) {
      const [lo, hi] = GAP_MS;
      await sleep(lo + random() * (hi - lo));
      if (stop()) break;
      const fault = FAULTS[n % FAULTS.length]!;
      injected.set(fault, (injected.get(fault) ?? 0) + 1);
      const old = (await cluster.primaryPort())!;
      if (fault === 'kill -9 primary') {
        await cluster.node(old).kill();
        const promoted = await cluster.failedOverFrom(old, 20_000);
        failovers++;
        await cluster.node(old).start(promoted);
      } else if (fault === 'SIGSTOP primary') {
        const pausedAt = Date.now();
        cluster.node(old).pause();
        await cluster.failedOverFrom(old, 20_000);
        failovers++;
        // Longer than the failover timeout, then it comes back still believing it is the primary.
        await sleep(Math.max(0, FAILOVER_TIMEOUT_MS + 500 - (Date.now() - pausedAt)));
        cluster.node(old).resume();
        const end = Date.now() + 20_000;
        while ((await cluster.role(old)) !== 'slave' && Date.now() < end) await sleep(100);
      } else {
        const sentinel = cluster.sentinels[n % cluster.sentinels.length]!;
        await sentinel.kill();
        await sleep(300);
        await sentinel.start();
      }
    }
    const runEnded = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finished = await Promise.race([Promise.all(work).then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), SETTLE_MS)))]);
    clearTimeout(timer);

    const primary = (await cluster.primaryPort())!;
    const store = await readRedisStore(primary);
    const auditor = new Auditor(store, ledger);
    auditor.commands();
    auditor.unanswered();
    const transcripts = await auditClients(auditor, sims, relays.map((r) => ({ url: r.url, label: `relay :${r.port}` })), token, SETTLE_MS);

    const refused = [...ledger.refused].map(([code, n]) => `${code}:${n}`).join(',') || 'none';
    report('failover', {
      seed: SEED,
      relays: RELAYS,
      clients: sims.length,
      'commands audited': ledger.acked.length,
      flags: auditor.flags.size,
      'store events': store.events.length,
      'confirmed pos': store.confirmedPos,
      'failovers survived': failovers,
      faults: [...injected].map(([f, n]) => `${f.replaceAll(' ', '_')}:${n}`).join(','),
      'relay exits': relayExits.length,
      'relay transcripts checked': transcripts,
      refused,
      unexpected: ledger.unexpected.length,
      seconds: ((Date.now() - started) / 1000).toFixed(1),
      'settle seconds': ((Date.now() - runEnded) / 1000).toFixed(1),
    });
    console.log(`${auditor.line()} failovers=${failovers}`);
    for (const f of auditor.result.findings) console.log(`  ${f}`);
    for (const e of relayExits) console.log(`  ${e}`);
    for (const u of ledger.unexpected.slice(0, 10)) console.log(`  unexpected ${u.type}: ${u.code} ${u.message}`);

    assert.ok(finished, 'every simulated person finished their last command');
    assert.ok(failovers >= 2, 'the primary failed over at least twice');
    assert.ok(ledger.acked.length > 0);
    assert.deepEqual(ledger.unexpected, [], 'no command failed other than by a decision (already-acknowledged, invalid-state)');
    assert.deepEqual(relayExits, [], 'no relay had to restart: none applied an entry a failover took away');
    assert.equal(store.confirmedPos, store.events.at(-1)?.pos, 'every stored entry ends up confirmed');
    const { lost, duplicated, reordered, diverged } = auditor.result;
    assert.deepEqual({ lost, duplicated, reordered, diverged }, { lost: 0, duplicated: 0, reordered: 0, diverged: 0 });
  });
});
