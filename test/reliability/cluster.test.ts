/**
 * Tenants across a Redis Cluster: relay processes with --claim-tenant on a real cluster (three
 * primaries with a replica each, all redis-server processes on loopback, append-only file with
 * fsync always), simulated agents and supervisors in several tenants chosen so that every shard
 * holds some. A shard's primary is killed with -9 mid-burst, in turn: the tenants of the other
 * shards keep being acknowledged while it is down, its own tenants pause and resume once the
 * replica is promoted and the old primary rejoined as a replica. Then the auditor checks each
 * tenant's acknowledged commands against that tenant's log on its shard, every client's view and
 * transcript sink, and the relays' transcript endpoint: lost = duplicated = reordered = diverged = 0.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RelayProcess, tokenFor } from '../../packages/relay/test/helpers/relay-process.js';
import { RedisClusterNodes } from '../../packages/relay/test/helpers/redis-cluster.js';
import { Auditor, auditClients, readRedisStore } from './support/auditor.js';
import { Ledger, agentLoop, people, simClient, supervisorLoop, type Sim } from './support/workload.js';
import { report, scale } from './support/scale.js';
import { SEED, mulberry32 } from './support/seeded-random.js';

const TENANTS_PER_SHARD = scale(1, 2);
const AGENTS = scale(4, 16);
const SUPERVISORS = scale(2, 6);
const TEAMS = 2;
const RELAYS = 2;
const RUN_MS = scale(15_000, 150_000);
const GAP_MS = scale<[number, number]>([1_500, 2_500], [4_000, 8_000]);
const SETTLE_MS = scale(30_000, 120_000);
const RELAY_ARGS = ['--rate-per-connection', '0', '--rate-per-user', '0', '--escalation-after-ms', '86400000', '--heartbeat-ms', '10000', '--claim-tenant', 'tenant'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The key every tenant's log lives under (redis-storage.ts): its hash tag decides the shard. */
const logKey = (tenant: string) => `{flagline:default/${tenant}}:log`;

interface TenantRun {
  tenant: string;
  sims: Sim[];
  ledger: Ledger;
  token: (p: Sim['me']) => Promise<string>;
}

describe('tenants across a Redis Cluster: a shard failing over pauses only its tenants, nothing acknowledged is lost', { timeout: RUN_MS + SETTLE_MS * 4 + 180_000 }, () => {
  const cluster = new RedisClusterNodes();
  const relays: RelayProcess[] = [];
  const runs: TenantRun[] = [];
  after(async () => {
    for (const s of runs.flatMap((r) => r.sims)) s.client.close();
    // kill -9: a relay whose shard is down (a failed run) would wait --shutdown-timeout-ms for it on a graceful stop.
    await Promise.all(relays.map((r) => r.kill9().then(() => r.dispose())));
    await cluster.dispose();
  });

  it('kill -9 of each shard primary in turn: others unaffected, acknowledged=N lost=0 duplicated=0 reordered=0 diverged=0 per tenant', async () => {
    const random = mulberry32(SEED);
    await cluster.start(3, 1);
    const primaries = await cluster.primaries();
    // Tenants named so that every shard holds TENANTS_PER_SHARD of them.
    const byShard = new Map<number, string[]>(primaries.map((p) => [p, []]));
    for (let i = 0; [...byShard.values()].some((t) => t.length < TENANTS_PER_SHARD); i++) {
      const tenant = `center-${i}`;
      const shard = byShard.get(await cluster.primaryOf(logKey(tenant)))!;
      if (shard.length < TENANTS_PER_SHARD) shard.push(tenant);
    }
    const relayExits: string[] = [];
    for (let i = 0; i < RELAYS; i++) {
      const relay = await RelayProcess.start({ store: cluster.store, args: RELAY_ARGS });
      relays.push(relay);
      void relay.exited.then((exit) => relayExits.push(`relay ${i} exited (${exit.code ?? exit.signal}): ${relay.logs.filter((l) => l.level === 'error').slice(-3).map((l) => `${String(l.msg)} ${String(l.reason ?? l.error ?? '')}`).join('; ')}`));
    }
    const shardOf = new Map<string, number>();
    for (const [shard, tenants] of byShard) for (const tenant of tenants) shardOf.set(tenant, shard);
    for (const tenant of shardOf.keys()) {
      const token = (p: Sim['me']) => tokenFor(p, '1h', { tenant });
      const sims = people(AGENTS, SUPERVISORS, TEAMS).map((p) => simClient(p, () => relays[Math.floor(random() * relays.length)]!.wsUrl, token));
      runs.push({ tenant, sims, ledger: new Ledger(), token });
    }

    const started = Date.now();
    const stop = () => Date.now() - started > RUN_MS;
    const work = runs.flatMap(({ sims, ledger }) => sims.map((s) => (s.me.role === 'agent' ? agentLoop : supervisorLoop)(s, ledger, stop, random)));
    const acked = (tenants: string[]) => runs.filter((r) => tenants.includes(r.tenant)).reduce((n, r) => n + r.ledger.acked.length, 0);

    const shards = [...primaries];
    const faults: string[] = [];
    const pauses: string[] = [];
    for (let n = 0; !stop(); n++) {
      const [lo, hi] = GAP_MS;
      await sleep(lo + random() * (hi - lo));
      if (stop()) break;
      // Each shard in turn: `shards` holds each shard's current primary.
      const victim = shards[n % shards.length]!;
      const mine = runs.filter((r) => shardOf.get(r.tenant) === victim).map((r) => r.tenant);
      const theirs = runs.map((r) => r.tenant).filter((t) => !mine.includes(t));
      const heir = await cluster.replicaOf(victim);
      await cluster.kill(victim);
      const [mineAtKill, theirsAtKill] = [acked(mine), acked(theirs)];
      await cluster.promoted(heir, 20_000);
      for (const t of mine) shardOf.set(t, heir);
      shards[n % shards.length] = heir;
      await cluster.restart(victim);
      await cluster.replicating(victim, 20_000);
      // From the kill until the shard had a primary and a replica again (appends wait for one),
      // its own tenants were paused; the other shards' tenants went on being acknowledged.
      const [mineAtRejoin, theirsAtRejoin] = [acked(mine), acked(theirs)];
      faults.push(`:${victim}→:${heir}`);
      pauses.push(`shard_${n}: own +${mineAtRejoin - mineAtKill} others +${theirsAtRejoin - theirsAtKill}`);
      const lostOn = relays.flatMap((r) => r.logs.filter((l) => String(l.msg).startsWith('the store answers nothing')).map((l) => String(l.tenant)));
      assert.ok(theirsAtRejoin > theirsAtKill, `other tenants acknowledged nothing while :${victim} failed over (tenants lost on a relay so far: ${lostOn.join(', ') || 'none'}; own ${mine.join(', ')})`);
      // Its own tenants resume once a replica holds their appends again.
      const resumeFrom = acked(mine);
      const end = Date.now() + 20_000;
      while (acked(mine) === resumeFrom && Date.now() < end && !stop()) await sleep(100);
      assert.ok(stop() || acked(mine) > resumeFrom, `tenants of :${victim} did not resume`);
    }
    const runEnded = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finished = await Promise.race([Promise.all(work).then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), SETTLE_MS)))]);
    clearTimeout(timer);

    assert.deepEqual(relayExits, [], 'no relay had to restart');
    const totals = { acknowledged: 0, lost: 0, duplicated: 0, reordered: 0, diverged: 0 };
    const homes = new Set<number>();
    for (const run of runs) {
      const home = await cluster.primaryOf(logKey(run.tenant));
      homes.add(home);
      const store = await readRedisStore(home, `default/${run.tenant}`);
      const auditor = new Auditor(store, run.ledger);
      auditor.commands();
      auditor.unanswered();
      await auditClients(auditor, run.sims, relays.map((r) => ({ url: r.url, label: `relay :${r.port}` })), run.token, SETTLE_MS);
      console.log(`  tenant ${run.tenant} on :${home}: ${auditor.line()} store events=${store.events.length}`);
      for (const f of auditor.result.findings) console.log(`    ${f}`);
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += auditor.result[k];
      assert.ok(store.events.length > 0, `tenant ${run.tenant}'s log is on its own shard :${home}`);
      assert.equal(store.confirmedPos, store.events.at(-1)?.pos, `every entry of ${run.tenant} ends up confirmed`);
    }
    const unexpected = runs.flatMap((r) => r.ledger.unexpected);
    report('cluster', {
      seed: SEED,
      shards: primaries.length,
      tenants: runs.length,
      relays: RELAYS,
      clients: runs.reduce((n, r) => n + r.sims.length, 0),
      'failovers survived': faults.length,
      faults: faults.join(','),
      'relay exits': relayExits.length,
      unexpected: unexpected.length,
      seconds: ((Date.now() - started) / 1000).toFixed(1),
      'settle seconds': ((Date.now() - runEnded) / 1000).toFixed(1),
    });
    for (const p of pauses) console.log(`  acknowledged from the kill until the shard had its replica again: ${p}`);
    console.log(`acknowledged=${totals.acknowledged} lost=${totals.lost} duplicated=${totals.duplicated} reordered=${totals.reordered} diverged=${totals.diverged} failovers=${faults.length}`);
    for (const u of unexpected.slice(0, 10)) console.log(`  unexpected ${u.type}: ${u.code} ${u.message}`);

    assert.ok(finished, 'every simulated person finished their last command');
    assert.equal(homes.size, primaries.length, 'the tenants live on every shard');
    assert.ok(faults.length >= 1, 'a shard failed over');
    assert.deepEqual(unexpected, [], 'no command failed other than by a decision');
    assert.ok(totals.acknowledged > 0);
    const { lost, duplicated, reordered, diverged } = totals;
    assert.deepEqual({ lost, duplicated, reordered, diverged }, { lost: 0, duplicated: 0, reordered: 0, diverged: 0 });
  });
});
