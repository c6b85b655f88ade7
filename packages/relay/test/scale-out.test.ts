/**
 * Scale-out: three real relay processes on one real redis-server (append-only file, fsync
 * always). Clients on different processes see one story in one order; a process killed with
 * -9 mid-burst loses nothing acknowledged (its clients fail over and resume); presence is
 * shared and expires with a dead process; Redis itself restarting loses nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { createFlagClient, createWebSocketTransport, type FlagClient, type Participant } from '@flagline/core';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { until } from './helpers/clients.js';
import { RedisServer } from './helpers/redis-server.js';
import { ann, ben, cara, sam, sid, sue } from './helpers/people.js';

describe('scale-out: several relay processes on Redis', () => {
  const redis = new RedisServer();
  let relays: RelayProcess[] = [];
  const clients: FlagClient[] = [];
  const start = () => RelayProcess.start({ store: redis.url, args: ['--presence-ttl-ms', '1500', '--rate-per-connection', '0', '--rate-per-user', '0'] });
  /** A client whose transport asks `pick` for a relay at every (re)connect, as a load balancer would. */
  const client = (me: Participant, pick: () => RelayProcess) => {
    const transport = createWebSocketTransport({ url: () => pick().wsUrl, token: () => tokenFor(me), WebSocket, backoff: { initialMs: 20, maxMs: 200 } });
    const c = createFlagClient({ transport, me });
    clients.push(c);
    return c;
  };
  const online = (c: FlagClient) => until(c.$status, (s) => s === 'online');

  before(async () => {
    await redis.start('always');
    relays = await Promise.all([start(), start(), start()]);
  });
  after(async () => {
    for (const c of clients) c.close();
    for (const r of relays) await r.dispose();
    await redis.dispose();
  });

  it('agent on process A, supervisor on process B: the whole story, in the same order for both', async () => {
    const [a, b, c] = relays as [RelayProcess, RelayProcess, RelayProcess];
    const agent = client(ann, () => a);
    const sup = client(sam, () => b);
    await Promise.all([online(agent), online(sup)]);
    const { flagId } = await agent.raise({ interactionId: 'scale-1', channel: 'voice', message: 'help across processes' });
    await until(sup.$openFlags, (f) => f.some((x) => x.id === flagId));
    await sup.acknowledge(flagId!);
    await agent.sendMessage(flagId!, 'from A');
    await sup.sendMessage(flagId!, 'from B');
    await agent.requestJoin(flagId!);
    await sup.acceptJoin(flagId!);
    await sup.lower(flagId!, 'done');
    const keys = (cl: FlagClient) => cl.timeline(flagId!).get().map((i) => `${i.key}:${i.event.type}`);
    await until(agent.timeline(flagId!), (t) => t.length === 7);
    await until(sup.timeline(flagId!), (t) => t.length === 7);
    assert.deepEqual(keys(agent), keys(sup));
    // The third process serves the same transcript.
    const res = await fetch(`${c.url}/api/transcript/scale-1`, { headers: { authorization: `Bearer ${await tokenFor(ann)}` } });
    const { entries } = (await res.json()) as { entries: { id: string }[] };
    assert.deepEqual(entries.map((e) => e.id), agent.timeline(flagId!).get().map((i) => i.key));
  });

  it('kill -9 one process mid-burst: its clients fail over and resume; every acknowledged command is there once, in order', async () => {
    const [victim, , survivor] = relays as [RelayProcess, RelayProcess, RelayProcess];
    let dead = false;
    const alive = () => (dead ? [relays[1]!, survivor] : [victim]);
    let turn = 0;
    const agents = [ann, ben, cara].map((p) => client(p, () => alive()[turn++ % alive().length]!));
    const watchers = [client(sam, () => survivor), client(sue, () => survivor)];
    await Promise.all([...agents, ...watchers].map(online));
    const flags = await Promise.all(agents.map((a, i) => a.raise({ interactionId: `burst-${i}`, channel: 'enhanced-chat', message: 'burst' })));
    const acknowledged: Map<string, string[]> = new Map(flags.map((f) => [f.flagId!, []]));
    const bursts = agents.map(async (a, i) => {
      const flagId = flags[i]!.flagId!;
      for (let n = 0; n < 40; n++) {
        const text = `m${n}`;
        await a.sendMessage(flagId, text);
        acknowledged.get(flagId)!.push(text);
      }
    });
    // Kill once some of the burst is through, while the rest is in flight.
    await until(watchers[0]!.$flags, () => [...acknowledged.values()].every((l) => l.length >= 5));
    dead = true;
    await victim.kill9();
    await Promise.all(bursts);
    for (const [flagId, texts] of acknowledged) {
      // ann and ben are billing (sam), cara is support (sue).
      const watcher = flagId === flags[2]!.flagId ? watchers[1]! : watchers[0]!;
      const tl = await until(watcher.timeline(flagId), (t) => t.filter((i) => i.event.type === 'message').length >= texts.length);
      const seen = tl.flatMap((i) => (i.event.type === 'message' ? [i.event.text] : []));
      assert.deepEqual(seen, texts, `flag ${flagId}: each acknowledged message once, in order`);
    }
    relays[0] = await start();
  });

  it('shares supervisor presence across processes, and forgets a dead process’s supervisors', async () => {
    const extra = await start();
    relays.push(extra);
    const sup = client(sid, () => extra); // sid is on no other process
    await online(sup);
    const ask = async (via: RelayProcess) => {
      const res = await fetch(`${via.url}/api/presence/billing`, { headers: { authorization: `Bearer ${await tokenFor(ann)}` } });
      return ((await res.json()) as { supervisors: { id: string }[] }).supervisors.map((s) => s.id);
    };
    const seen = async (via: RelayProcess, want: boolean) => {
      for (;;) {
        if ((await ask(via)).includes('sid') === want) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await seen(relays[1]!, true);
    sup.close();
    await extra.kill9();
    // Nobody removed it: it expires with the dead process's heartbeat (1.5 s here).
    await seen(relays[1]!, false);
    const other = await fetch(`${relays[1]!.url}/api/presence/support`, { headers: { authorization: `Bearer ${await tokenFor(ann)}` } });
    assert.equal(other.status, 403);
  });

  it('restarting Redis (kill -9, append-only file) loses nothing acknowledged', async () => {
    const agent = client(ann, () => relays[1]!);
    await online(agent);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await agent.raise({ interactionId: `aof-${i}`, channel: 'voice', message: `m${i}` })).flagId!);
    await redis.kill();
    await redis.start('always');
    const fresh = await start();
    relays.push(fresh);
    const sup = client(sam, () => fresh);
    const flags = await until(sup.$flags, (m) => ids.every((id) => m.has(id)));
    assert.equal(ids.filter((id) => flags.has(id)).length, 20);
  });
});
