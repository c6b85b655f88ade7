/**
 * Settings over the WebSocket relay, on SQLite and on Redis: a save reaches another connected
 * supervisor live (on Redis, one connected to another relay process), survives a relay restart,
 * and the relay itself enforces the rules (another team, an agent) and compare-and-set.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlagClient, FlagError, ServerFrame, SettingsScope } from '@flagline/core';
import { AUDIENCE, ISSUER, RelayProcess, SECRET, tokenFor } from './helpers/relay-process.js';
import { RawClient } from './helpers/raw-client.js';
import { RedisServer } from './helpers/redis-server.js';
import { clientFor, until } from './helpers/clients.js';
import { ann, sam, sid, sue } from './helpers/people.js';

const billing: SettingsScope = { kind: 'team', team: 'billing' };
const replies = [{ id: 'wait', title: 'Please wait', text: 'Hi {agent}, I am looking at {customer} now.' }];

type Store = { name: string; setUp(): Promise<{ start(): Promise<RelayProcess>; dispose(): Promise<void> }> };
const stores: Store[] = [
  {
    name: 'SQLite',
    async setUp() {
      let db: string | undefined;
      return {
        start: async () => {
          const relay = await RelayProcess.start(db ? { db } : {});
          db = relay.db;
          return relay;
        },
        dispose: async () => {},
      };
    },
  },
  {
    name: 'Redis',
    async setUp() {
      const redis = new RedisServer();
      await redis.start('always');
      return { start: () => RelayProcess.start({ store: redis.url }), dispose: () => redis.dispose() };
    },
  },
];

for (const store of stores) {
  describe(`settings on ${store.name}`, () => {
    const relays: RelayProcess[] = [];
    /** Stopped for the restart; disposed (their temporary directories removed) last. */
    const stopped: RelayProcess[] = [];
    const clients: FlagClient[] = [];
    let env: Awaited<ReturnType<Store['setUp']>> | undefined;
    const connect = async (relay: RelayProcess, who: Parameters<typeof clientFor>[1]) => {
      const c = clientFor(relay, who);
      clients.push(c);
      await until(c.settings.$available, (a) => a);
      return c;
    };
    after(async () => {
      for (const c of clients) c.close();
      for (const r of [...relays, ...stopped]) await r.dispose();
      await env?.dispose();
    });

    it('a save reaches the team live, conflicts are typed, the relay enforces the rules, and it survives a restart', async () => {
      env = await store.setUp();
      // On Redis the two supervisors use two relay processes sharing the store.
      const first = await env.start();
      const second = store.name === 'Redis' ? await env.start() : first;
      relays.push(first);
      if (second !== first) relays.push(second);
      const [samClient, sidClient, annClient] = await Promise.all([connect(first, sam), connect(second, sid), connect(second, ann)]);

      const saved = await samClient.saveSettings(billing, 'cannedReplies', replies, 0);
      assert.equal(saved.version, 1);
      assert.deepEqual((await until(sidClient.settings.team('billing').cannedReplies, (s) => s.version === 1)).value, replies);
      await samClient.saveSettings(billing, 'quickReasons', ['Refund', 'Wrong charge'], 0);
      assert.deepEqual((await until(annClient.settings.team('billing').quickReasons, (s) => s.version === 1)).value, ['Refund', 'Wrong charge']);

      const stale = await sidClient.saveSettings(billing, 'cannedReplies', [], 0).catch((e: unknown) => e as FlagError);
      assert.equal((stale as FlagError).code, 'conflict');

      // Past the client's own checks: the relay answers with the same rules.
      const raw = async (who: typeof sue, rid: string, value: unknown) => {
        const c = await RawClient.connect(first.wsUrl, await tokenFor(who));
        c.send({ t: 'save-settings', rid, save: { id: rid, scope: billing, key: 'quickReasons', value, version: 1 } });
        const answer = await c.next<ServerFrame>((f) => 'rid' in f && f.rid === rid);
        c.ws.close();
        return answer.t === 'error' ? answer.error.code : answer.t;
      };
      assert.equal(await raw(sue, 'other-team', ['x']), 'not-allowed');
      assert.equal(await raw(ann, 'agent', ['x']), 'not-allowed');
      assert.equal(await raw(sam, 'oversize', Array.from({ length: 21 }, (_, i) => `r${i}`)), 'too-long');

      for (const c of clients.splice(0)) c.close();
      for (const r of relays.splice(0)) {
        await r.stop();
        stopped.push(r);
      }
      const restarted = await env.start();
      relays.push(restarted);
      const later = await connect(restarted, sid);
      assert.deepEqual(later.settings.team('billing').cannedReplies.get().value, replies);
      assert.equal(later.settings.team('billing').quickReasons.get().version, 1);
    });
  });
}

describe('--settings-seed', () => {
  const relays: RelayProcess[] = [];
  const clients: FlagClient[] = [];
  after(async () => {
    for (const c of clients) c.close();
    for (const r of relays.reverse()) await r.dispose();
  });

  it('writes a team’s documents where it has none, and never replaces a supervisor’s edit on the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flagline-seed-'));
    const seed = join(dir, 'seed.json');
    writeFileSync(seed, JSON.stringify({ billing: { quickReasons: ['Seeded reason'], cannedReplies: replies } }));
    const first = await RelayProcess.start({ args: ['--settings-seed', seed] });
    relays.push(first);
    const samClient = clientFor(first, sam);
    clients.push(samClient);
    const reasons = await until(samClient.settings.team('billing').quickReasons, (s) => s.version === 1);
    assert.deepEqual(reasons.value, ['Seeded reason']);
    assert.equal(reasons.updatedBy?.id, 'system');
    await samClient.saveSettings(billing, 'quickReasons', ['Edited'], 1);
    samClient.close();
    await first.stop();

    const second = await RelayProcess.start({ db: first.db, args: ['--settings-seed', seed] });
    relays.push(second);
    const again = clientFor(second, sam);
    clients.push(again);
    assert.deepEqual((await until(again.settings.team('billing').quickReasons, (s) => s.version === 2)).value, ['Edited']);

    writeFileSync(seed, JSON.stringify({ billing: { alerts: {} } }));
    const refused = await RelayProcess.refuse({ args: ['--port', '0', '--store', `sqlite:${join(dir, 'x.db')}`, '--jwt-secret', SECRET, '--jwt-issuer', ISSUER, '--jwt-audience', AUDIENCE, '--settings-seed', seed] });
    assert.notEqual(refused.code, 0);
    assert.match(refused.output, /alerts/);
    rmSync(dir, { recursive: true, force: true });
  });
});
