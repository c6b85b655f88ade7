/**
 * The whole flag story between an agent and a supervisor on different connections to a real
 * relay process, through the real client and the WebSocket transport; then the transcript
 * endpoint, authorized by core's rules.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FlagClient, TranscriptEntry } from '@flagline/core';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { clientFor, until } from './helpers/clients.js';
import { ann, ben, sam, sue } from './helpers/people.js';

describe('flag story over a real relay', () => {
  let relay: RelayProcess;
  const clients: FlagClient[] = [];
  before(async () => {
    relay = await RelayProcess.start();
  });
  after(async () => {
    for (const c of clients) c.close();
    await relay.dispose();
  });

  it('raise → alert → acknowledge → chat both ways → join → lower, seen by both; transcript in order', async () => {
    const agent = clientFor(relay, ann);
    const supervisor = clientFor(relay, sam);
    clients.push(agent, supervisor);
    await until(agent.$status, (s) => s === 'online');
    await until(supervisor.$status, (s) => s === 'online');

    const raised = await agent.raise({ interactionId: 'call-story', channel: 'voice', customerLabel: 'Caller 1', message: 'Customer wants a refund' });
    assert.ok(raised.flagId);
    const flagId = raised.flagId;
    const alerted = await until(supervisor.$openFlags, (flags) => flags.some((f) => f.id === flagId));
    assert.equal(alerted.find((f) => f.id === flagId)!.message, 'Customer wants a refund');

    await supervisor.acknowledge(flagId);
    const acked = await until(agent.$flags, (m) => m.get(flagId)?.status === 'acknowledged');
    assert.equal(acked.get(flagId)!.acknowledgedBy!.id, 'sam');

    await agent.sendMessage(flagId, 'He is asking for a manager');
    await supervisor.sendMessage(flagId, 'On my way <b>now</b>');
    const agentLine = await until(agent.timeline(flagId), (items) => items.some((i) => i.event.type === 'message' && i.event.actor.id === 'sam'));
    const reply = agentLine.find((i) => i.event.type === 'message' && i.event.actor.id === 'sam')!;
    assert.equal(reply.event.type === 'message' && reply.event.text, 'On my way <b>now</b>');

    await agent.requestJoin(flagId);
    await until(supervisor.$flags, (m) => m.get(flagId)?.join === 'requested');
    await supervisor.acceptJoin(flagId);
    await until(agent.$flags, (m) => m.get(flagId)?.join === 'accepted');

    await agent.lower(flagId, 'resolved');
    const lowered = await until(supervisor.$flags, (m) => m.get(flagId)?.status === 'lowered');
    assert.equal(lowered.get(flagId)!.lowered!.by.id, 'ann');
    assert.equal(supervisor.$openFlags.get().some((f) => f.id === flagId), false);

    const res = await fetch(`${relay.url}/api/transcript/call-story`, { headers: { authorization: `Bearer ${await tokenFor(ann)}` } });
    assert.equal(res.status, 200);
    const { entries } = (await res.json()) as { entries: TranscriptEntry[] };
    assert.deepEqual(
      entries.map((e) => e.type),
      ['raised', 'acknowledged', 'message', 'message', 'join-requested', 'join-accepted', 'lowered'],
    );
    assert.deepEqual(entries.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(entries[3]!.text, 'Sam Supervisor: On my way <b>now</b>');
  });

  it('the transcript endpoint answers only the owning agent and supervisors of the team; others learn nothing', async () => {
    const agent = clientFor(relay, ann);
    clients.push(agent);
    await agent.raise({ interactionId: 'call-private', channel: 'enhanced-chat', message: 'help' });
    const get = async (token?: string) =>
      fetch(`${relay.url}/api/transcript/call-private`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

    assert.equal((await get(await tokenFor(ann))).status, 200);
    assert.equal((await get(await tokenFor(sam))).status, 200);
    // Someone who may not read it gets exactly the answer for an interaction that never had a flag.
    const missing = await fetch(`${relay.url}/api/transcript/never-flagged`, { headers: { authorization: `Bearer ${await tokenFor(ann)}` } });
    const answer = async (res: Response, id: string) => `${res.status} ${(await res.text()).replace(id, '<id>')}`;
    const nothing = await answer(missing, 'never-flagged');
    assert.match(nothing, /^404 \{"error":\{"code":"not-found"/);
    assert.equal(await answer(await get(await tokenFor(ben)), 'call-private'), nothing, 'another agent');
    assert.equal(await answer(await get(await tokenFor(sue)), 'call-private'), nothing, 'a supervisor of another team');
    const anonymous = await get();
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
    assert.equal((await get('not-a-jwt')).status, 401);
  });
});
