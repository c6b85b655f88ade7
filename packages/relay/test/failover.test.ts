/**
 * Relays on replicated Redis through Sentinel (real processes: a primary, one replica, three
 * Sentinels): an append is acknowledged only once a replica has it, no relay applies an entry
 * a failover can take away, relays and presence follow the promoted replica without a restart, and a relay whose state a failover did take away (replication
 * guarantee waived with --min-replicas-acked 0) restarts with a new epoch instead of serving it.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { FlagClient, FlagError } from '@flagline/core';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { SentinelCluster } from './helpers/sentinel-cluster.js';
import { clientFor, until } from './helpers/clients.js';
import { ann, sam, sid } from './helpers/people.js';

const ARGS = ['--rate-per-connection', '0', '--rate-per-user', '0', '--replica-ack-timeout-ms', '300'];

/** Ask one Redis node directly. */
async function onNode<T>(port: number, ask: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ port, host: '127.0.0.1' });
  try {
    return await ask(redis);
  } finally {
    redis.disconnect();
  }
}

/** The log length and confirmed position of the store on one Redis node. */
const logOn = (port: number) =>
  onNode(port, async (redis) => ({ entries: await redis.xlen('{flagline:default}:log'), confirmed: Number((await redis.get('{flagline:default}:confirmed-pos')) ?? 0) }));

describe('relays on Redis with Sentinel', { timeout: 120_000 }, () => {
  const cleanup: (() => unknown)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });
  const setup = async (args: string[]) => {
    const cluster = new SentinelCluster();
    cleanup.push(() => cluster.dispose());
    await cluster.start(1);
    const [primary, replica] = cluster.nodes as [ReturnType<SentinelCluster['node']>, ReturnType<SentinelCluster['node']>];
    const start = async (port?: number) => {
      const relay = await RelayProcess.start({ store: cluster.store, args: [...ARGS, ...args], ...(port !== undefined ? { port } : {}) });
      cleanup.push(() => relay.dispose());
      return relay;
    };
    const [a, b] = [await start(), await start()];
    const client = (relay: RelayProcess, me: typeof ann) => {
      const c = clientFor(relay, me);
      cleanup.push(() => c.close());
      return c;
    };
    const agent = client(a, ann);
    const sup = client(b, sam);
    await Promise.all([until(agent.$status, (s) => s === 'online'), until(sup.$status, (s) => s === 'online')]);
    return { cluster, primary, replica, a, b, agent, sup, start };
  };
  const raise = (c: FlagClient, interactionId: string) => c.raise({ interactionId, channel: 'voice', message: `help ${interactionId}` });
  const hasFlagFor = (c: FlagClient, interactionId: string) => [...c.$flags.get().values()].some((f) => f.interactionId === interactionId);

  it('acknowledges only what a replica has, and no relay applies a write the failover then loses', async () => {
    const { cluster, primary, replica, a, b, agent, sup } = await setup([]);
    assert.equal((await a.waitForLog('listening')).minReplicasAcked, 1, 'by default every replica the Sentinels know');
    await raise(agent, 'before');
    await until(sup.$flags, () => hasFlagFor(sup, 'before'));

    replica.pause();
    await primary.cutReplicas();
    const unavailable = new Promise<FlagError>((resolve) => agent.on('error', ({ error }) => error.code === 'unavailable' && resolve(error)));
    let acknowledged = false;
    const pending = raise(agent, 'during').then((r) => ((acknowledged = true), r));
    // The host hears the command could not be made durable; the client keeps it and retries the same id.
    assert.match((await unavailable).message, /Only 0 of 1 Redis replicas/);
    const onPrimary = await logOn(primary.port);
    assert.deepEqual(onPrimary, { entries: 2, confirmed: 1 }, 'the write is on the primary, unconfirmed');
    assert.equal(acknowledged, false, 'not acknowledged while no replica has it');
    assert.equal(hasFlagFor(sup, 'during'), false, 'the relay following the log did not apply it');

    // The primary dies; the only replica (without the write) is promoted once it runs again.
    await primary.kill();
    replica.resume();
    const promoted = await cluster.failedOverFrom(primary.port, 30_000);
    assert.equal(promoted, replica.port);
    // Until the new primary has a replica of its own nothing can be acknowledged: bring the old one back as one.
    await primary.start(promoted);

    const result = await pending;
    assert.equal(result.changed, true, 'the retried command was decided and stored once, on the new primary');
    await until(sup.$flags, () => hasFlagFor(sup, 'during'));
    assert.deepEqual(await logOn(promoted), { entries: 2, confirmed: 2 });
    const flagId = result.flagId!;
    assert.deepEqual(sup.timeline(flagId).get().map((i) => i.event.type), ['raised']);
    const stored = await onNode(promoted, (redis) => redis.xrange('{flagline:default}:log', '2-0', '2-0'));
    assert.deepEqual(sup.timeline(flagId).get()[0]!.event, JSON.parse(stored[0]![1][1]!), 'the supervisor sees the stored event, not the lost one');
    assert.equal(a.proc.exitCode, null);
    assert.equal(b.proc.exitCode, null);

    // Presence follows the new primary too: a supervisor who comes online on B now is listed by A.
    const late = clientFor(b, sid);
    cleanup.push(() => late.close());
    await until(late.$status, (s) => s === 'online');
    for (;;) {
      const res = await fetch(`${a.url}/api/presence/billing`, { headers: { authorization: `Bearer ${await tokenFor(ann)}` } });
      const body = (await res.json()) as { supervisors?: { id: string }[]; error?: { code: string } };
      if (!res.ok) console.log(`presence on A: ${res.status} ${JSON.stringify(body.error)}`);
      if (body.supervisors?.some((p) => p.id === 'sid')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('with the guarantee waived (--min-replicas-acked 0) a lost acknowledged write makes every relay restart with a new epoch', async () => {
    const { cluster, primary, replica, a, b, agent, sup, start } = await setup(['--min-replicas-acked', '0']);
    await raise(agent, 'kept');
    await until(sup.$flags, () => hasFlagFor(sup, 'kept'));
    while ((await logOn(replica.port)).entries < 1) await new Promise((r) => setTimeout(r, 50));
    const epoch = (await a.waitForLog('listening')).epoch;

    replica.pause();
    await primary.cutReplicas();
    await raise(agent, 'lost'); // acknowledged by the primary alone
    await until(sup.$flags, () => hasFlagFor(sup, 'lost'));
    await primary.kill();
    replica.resume();
    await cluster.failedOverFrom(primary.port, 30_000);
    // A relay finds out at its next append or read past its position: make that happen now
    // rather than wait for an escalation tick (the command is answered after the restart).
    void raise(agent, 'after-failover').catch(() => {});

    // Both relays find their applied log is not the store's any more and exit to be restarted.
    for (const relay of [a, b]) {
      assert.equal((await relay.exited).code, 75);
      assert.ok(relay.logs.some((l) => l.msg === 'state diverged from Redis after a failover; restarting with a new epoch'));
    }
    const [a2, b2] = [await start(a.port), await start(b.port)];
    assert.notEqual((await a2.waitForLog('listening')).epoch, epoch);
    assert.equal((await b2.waitForLog('listening')).epoch, (await a2.waitForLog('listening')).epoch);
    // Clients see the new epoch, take a snapshot, and no longer show what the store lost.
    await until(sup.$flags, () => !hasFlagFor(sup, 'lost') && hasFlagFor(sup, 'kept'));
    await until(agent.$flags, () => !hasFlagFor(agent, 'lost') && hasFlagFor(agent, 'kept'));
  });
});
