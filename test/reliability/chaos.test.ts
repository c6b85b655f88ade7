/**
 * Chaos / no-loss audit: simulated agents and supervisors (real FlagClients over real
 * WebSockets) work against a real relay process on a SQLite file, through a proxy that delays
 * and tears every write, while the relay is killed with SIGKILL and restarted on the same file
 * and random client sockets are cut. Then the auditor checks every acknowledged command against
 * the store, every client's view, every transcript sink and the relay's transcript endpoint.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { rmSync } from 'node:fs';
import { RelayProcess, tokenFor } from '../../packages/relay/test/helpers/relay-process.js';
import { Auditor, auditClients, readStore } from './support/auditor.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { Ledger, agentLoop, people, simClient, supervisorLoop, type Sim } from './support/workload.js';
import { report, scale } from './support/scale.js';
import { SEED, mulberry32 } from './support/seeded-random.js';

const AGENTS = scale(16, 200);
const SUPERVISORS = scale(6, 60);
const TEAMS = scale(3, 12);
const RUN_MS = scale(12_000, 180_000);
const KILL_EVERY_MS = scale<[number, number]>([2_500, 4_000], [4_000, 9_000]);
const CUT_EVERY_MS = 400;
const SETTLE_MS = scale(30_000, 120_000);
const RELAY_ARGS = ['--rate-per-connection', '0', '--rate-per-user', '0', '--escalation-after-ms', '86400000', '--heartbeat-ms', '10000'];
const token = (p: Parameters<typeof tokenFor>[0]) => tokenFor(p, '1h');

describe('chaos: nothing acknowledged is ever lost', { timeout: RUN_MS + SETTLE_MS * 3 + 60_000 }, () => {
  let relay: RelayProcess;
  let proxy: TcpProxy;
  const sims: Sim[] = [];
  after(async () => {
    for (const s of sims) s.client.close();
    await proxy?.close();
    await relay?.stop();
    if (relay) rmSync(dirname(relay.db), { recursive: true, force: true });
  });

  it('kill -9, restarts, cut sockets, latency and torn writes: acknowledged=N lost=0 duplicated=0 reordered=0 diverged=0', async () => {
    const random = mulberry32(SEED);
    relay = await RelayProcess.start({ args: RELAY_ARGS });
    const { db, port } = relay;
    proxy = new TcpProxy({ targetPort: port, maxLatencyMs: 8, maxPieces: 4, random });
    await proxy.listen();
    const wsUrl = `ws://127.0.0.1:${proxy.port}/ws`;
    const ledger = new Ledger();
    for (const p of people(AGENTS, SUPERVISORS, TEAMS)) sims.push(simClient(p, wsUrl, token));

    const started = Date.now();
    const stop = () => Date.now() - started > RUN_MS;
    const work = sims.map((s) => (s.me.role === 'agent' ? agentLoop : supervisorLoop)(s, ledger, stop, random));

    let kills = 0;
    const cutter = setInterval(() => proxy.cutRandom(0.04), CUT_EVERY_MS);
    while (!stop()) {
      const [lo, hi] = KILL_EVERY_MS;
      await new Promise((r) => setTimeout(r, lo + random() * (hi - lo)));
      if (stop()) break;
      await relay.kill9();
      kills++;
      relay = await RelayProcess.start({ db, port, args: RELAY_ARGS });
    }
    clearInterval(cutter);
    // Every loop ends after its current command, which waits for a relay that is now up.
    const runEnded = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finished = await Promise.race([Promise.all(work).then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), SETTLE_MS)))]);
    clearTimeout(timer);

    // The relay holds an exclusive lock on its file: one last kill -9, read the store, restart.
    await relay.kill9();
    kills++;
    const auditor = new Auditor(readStore(db), ledger);
    relay = await RelayProcess.start({ db, port, args: RELAY_ARGS });
    auditor.commands();
    auditor.unanswered();
    // Clients converge once the last events reach them; a bounded wait, then whatever differs counts.
    const transcripts = await auditClients(auditor, sims, [{ url: relay.url, label: 'relay' }], token, SETTLE_MS);

    const refused = [...ledger.refused].map(([code, n]) => `${code}:${n}`).join(',') || 'none';
    const seconds = (Date.now() - started) / 1000;
    report('chaos', {
      seed: SEED,
      clients: sims.length,
      'commands audited': ledger.acked.length,
      'messages': ledger.acked.filter((a) => a.type === 'send-message').length,
      'flags': auditor.flags.size,
      'store events': auditor.store.events.length,
      'kills survived': kills,
      'sockets cut': proxy.stats.cut,
      'torn chunks': proxy.stats.splitChunks,
      'relay transcripts checked': transcripts,
      refused,
      unexpected: ledger.unexpected.length,
      seconds: seconds.toFixed(1),
      'settle seconds': ((Date.now() - runEnded) / 1000).toFixed(1),
    });
    console.log(auditor.line());
    for (const f of auditor.result.findings) console.log(`  ${f}`);
    for (const u of ledger.unexpected.slice(0, 10)) console.log(`  unexpected ${u.type}: ${u.code} ${u.message}`);

    assert.ok(finished, 'every simulated person finished their last command');
    assert.ok(kills >= 1, 'the relay was killed at least once');
    assert.ok(ledger.acked.length > 0);
    assert.deepEqual(ledger.unexpected, [], 'no command failed other than by a decision (already-acknowledged, invalid-state)');
    const { lost, duplicated, reordered, diverged } = auditor.result;
    assert.deepEqual({ lost, duplicated, reordered, diverged }, { lost: 0, duplicated: 0, reordered: 0, diverged: 0 });
  });
});
