/**
 * Presence status and offer routing over a real relay process and the WebSocket transport: a
 * supervisor sets only their own status (identity from the token), agents learn only how many of
 * their team's supervisors are available, routing skips a busy supervisor, and a bad routing file
 * stops the relay at start.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlagClient } from '@flagline/core';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { clientFor, until } from './helpers/clients.js';
import { RawClient } from './helpers/raw-client.js';
import { ann, cara, sam, sid, sue } from './helpers/people.js';

const dir = mkdtempSync(join(tmpdir(), 'flagline-routing-'));
const routingFile = join(dir, 'routing.json');
writeFileSync(routingFile, JSON.stringify({ billing: { mode: 'offer', offerMs: 60_000, maxPerSupervisor: 2 } }));

describe('presence and offer routing over a real relay', () => {
  let relay: RelayProcess;
  const clients: FlagClient[] = [];
  before(async () => {
    relay = await RelayProcess.start({ args: ['--routing', routingFile] });
  });
  after(async () => {
    for (const c of clients) c.close();
    await relay.dispose();
  });

  const online = async (p: typeof ann) => {
    const c = clientFor(relay, p);
    clients.push(c);
    await until(c.$status, (s) => s === 'online');
    return c;
  };

  it('passes the routing through the welcome; agents see a count, supervisors their own status', async () => {
    const agent = await online(ann);
    assert.deepEqual(agent.config.routing, { billing: { mode: 'offer', offerMs: 60_000, maxPerSupervisor: 2 } });
    await until(agent.$presence, (p) => p?.available.billing === 0);
    const other = await online(cara);
    const supervisor = await online(sam);
    await until(agent.$presence, (p) => p?.available.billing === 1);
    // The presence frame follows the welcome.
    assert.deepEqual(await until(supervisor.$presence, (p) => p !== null), { available: { billing: 1 }, status: 'available' });
    await supervisor.setStatus('busy');
    await until(supervisor.$presence, (p) => p?.status === 'busy');
    await until(agent.$presence, (p) => p?.available.billing === 0);
    assert.deepEqual(await until(other.$presence, (p) => p !== null), { available: { support: 0 } }, 'another team learns nothing of billing');
    await assert.rejects(agent.setStatus('away'), (e: Error & { code?: string }) => e.code === 'not-allowed');
    await supervisor.setStatus('available');
    await until(agent.$presence, (p) => p?.available.billing === 1);
  });

  it('a status frame names no one: a supervisor sets only their own, whatever the payload says', async () => {
    const raw = await RawClient.connect(relay.wsUrl, await tokenFor(sid));
    raw.send({ t: 'cmd', id: 'st-1', cmd: { type: 'set-status', status: 'away', id: 'sam' } });
    const refused = await raw.next((f) => (f.t === 'error' && f.rid === 'st-1') || (f.t === 'result' && f.id === 'st-1'));
    assert.equal(refused.t === 'error' && refused.error.code, 'invalid-frame', 'extra fields are refused, not read');
    raw.send({ t: 'cmd', id: 'st-2', cmd: { type: 'set-status', status: 'away' } });
    const ok = await raw.next((f) => f.t === 'result' && f.id === 'st-2');
    assert.equal(ok.t === 'result' && ok.outcome.ok, true);
    await raw.next((f) => f.t === 'presence' && f.presence.status === 'away');
    raw.ws.close();
  });

  it('offers a new flag to the available supervisor, skipping a busy one; only they may take it', async () => {
    const agent = await online(ann);
    const busy = await online(sam);
    const free = await online(sid);
    await busy.setStatus('busy');
    await free.setStatus('available'); // Sid went away in the test before: a status outlives connections
    await until(free.$presence, (p) => p?.available.billing === 1);
    const { flagId } = await agent.raise({ interactionId: 'call-routed', channel: 'voice', message: 'Refund over the limit' });
    const offered = await until(busy.$flags, (m) => m.get(flagId!)?.offer !== undefined);
    assert.equal(offered.get(flagId!)!.offer!.to.id, 'sid', 'Sam is busy: the offer goes to Sid');
    await assert.rejects(busy.acknowledge(flagId!), (e: Error & { code?: string }) => e.code === 'not-allowed');
    await free.acknowledge(flagId!);
    await until(agent.$flags, (m) => m.get(flagId!)?.acknowledgedBy?.id === 'sid');
    await busy.setStatus('available');
  });

  it('refuses to start with a routing file that is not valid', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ billing: { mode: 'offer', offerMs: 5, maxPerSupervisor: 2 } }));
    const exit = await RelayProcess.refuse({ args: ['--port', '0', '--store', `sqlite:${join(dir, 'x.db')}`, '--routing', bad] });
    assert.notEqual(exit.code, 0);
    assert.match(exit.output, /routing.*billing/);
  });
});

describe('a refresh that moves a supervisor to another team (a real relay)', () => {
  let relay: RelayProcess;
  before(async () => {
    relay = await RelayProcess.start({ args: ['--routing', routingFile] });
  });
  after(() => relay.dispose());

  const listed = async (asWho: typeof ann, team: string) =>
    ((await (await fetch(`${relay.url}/api/presence/${team}`, { headers: { authorization: `Bearer ${await tokenFor(asWho)}` } })).json()) as { supervisors: { id: string }[] }).supervisors.map((s) => s.id);

  it('leaves the old team (its count, its list, its offers) and joins the new one', async () => {
    const raw = await RawClient.connect(relay.wsUrl, await tokenFor(sam));
    const agent = clientFor(relay, ann);
    const supportAgent = clientFor(relay, cara);
    try {
      await until(agent.$presence, (p) => p?.available.billing === 1);
      assert.deepEqual(await listed(ann, 'billing'), ['sam']);
      raw.send({ t: 'refresh', token: await tokenFor({ ...sam, teams: ['support'] }) });
      await until(agent.$presence, (p) => p?.available.billing === 0);
      await until(supportAgent.$presence, (p) => p?.available.support === 1);
      assert.deepEqual(await listed(ann, 'billing'), [], 'no longer listed for billing');
      assert.deepEqual(await listed(sue, 'support'), ['sam'], 'listed for support');
      // A billing flag has nobody to be offered to: it goes to the team at once, not to Sam.
      const { flagId } = await agent.raise({ interactionId: 'call-after-move', channel: 'voice', message: 'Anyone in billing?' });
      const flag = (await until(agent.$flags, (m) => (m.get(flagId!)?.seq ?? 0) >= 2)).get(flagId!)!;
      assert.equal(flag.offer, undefined, 'not offered to a supervisor who left the team');
      assert.deepEqual(raw.log.filter((f) => f.t === 'event' && f.event.flagId === flagId), [], 'Sam is told nothing of it');
    } finally {
      agent.close();
      supportAgent.close();
      raw.close();
    }
  });
});
