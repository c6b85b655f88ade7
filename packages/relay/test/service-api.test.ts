/**
 * The service API against a real relay process, half from a backend (typed client, service
 * token) and half from browsers' clients over the WebSocket: raise on behalf, end with no
 * browser open, transfer, strict assignment, idempotency, scopes, audit, rate limit,
 * delete (privacy) and disconnect.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import * as v from 'valibot';
import Database from 'better-sqlite3';
import type { FlagClient } from '@flagline/core';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { RawClient } from './helpers/raw-client.js';
import { clientFor, until } from './helpers/clients.js';
import { ann, ben, sam, sid } from './helpers/people.js';
import { agentOf, failure, onlineClient, serviceClient, serviceToken } from './helpers/service.js';
import { RedisServer } from './helpers/redis-server.js';
import * as S from '../src/service-schemas.js';

const annAgent = agentOf(ann);
const benAgent = agentOf(ben);

describe('service API', () => {
  let relay: RelayProcess;
  const clients: FlagClient[] = [];
  const online = (p: typeof ann) => onlineClient(relay, p, clients);
  before(async () => {
    relay = await RelayProcess.start();
  });
  after(async () => {
    for (const c of clients) c.close();
    await relay.dispose();
  });

  it('a backend raises on behalf of an agent: the agent and supervisors see it with both names; a retried key changes nothing', async () => {
    const crm = serviceClient(relay);
    const agent = await online(ann);
    const supervisor = await online(sam);
    const first = v.parse(S.CommandResult, await crm.raiseFlag({ agent: annAgent, interactionId: 'call-1', channel: 'voice', message: 'VIP caller' }, { idempotencyKey: 'rule-7.call-1' }));
    assert.deepEqual(first.outcome, { ok: true, flagId: 'rule-7.call-1', seq: 1, changed: true });
    assert.deepEqual(await crm.raiseFlag({ agent: annAgent, interactionId: 'call-1', channel: 'voice', message: 'VIP caller' }, { idempotencyKey: 'rule-7.call-1' }), first);

    const seen = await until(supervisor.$flags, (m) => m.has('rule-7.call-1'));
    assert.deepEqual(seen.get('rule-7.call-1')!.raisedVia, { id: 'crm', name: 'Acme CRM' });
    assert.equal(seen.get('rule-7.call-1')!.agent.id, 'ann');
    await until(agent.$flags, (m) => m.has('rule-7.call-1'));
    await supervisor.acknowledge('rule-7.call-1');

    const { flag } = v.parse(S.FlagResult, await crm.getFlag('rule-7.call-1'));
    assert.equal(flag.status, 'acknowledged');
    assert.deepEqual([flag.agent.id, flag.raisedVia?.id, flag.acknowledgedBy?.id], ['ann', 'crm', 'sam']);
    const page = v.parse(S.FlagPage, await crm.listOpenFlags({ team: 'billing', status: 'acknowledged' }));
    assert.deepEqual(page.flags.map((f) => f.id), ['rule-7.call-1']);
    assert.deepEqual((await crm.listOpenFlags({ agent: 'ben' })).flags, []);
  });

  it("a backend's own rule raises with the conversation it heard: the supervisor sees it automatic, with the context", async () => {
    const crm = serviceClient(relay);
    const supervisor = await online(sam);
    const context = { turns: [{ from: 'customer' as const, text: 'I will call my lawyer.', at: 1_000 }], summary: ['I will call my lawyer.'] };
    await crm.raiseFlag(
      { agent: annAgent, interactionId: 'call-rule', channel: 'voice', message: 'Legal threat on the call', context, automatic: { ruleId: 'legal', ruleName: 'Legal threat' } },
      { idempotencyKey: 'speech.call-rule' },
    );
    const flag = (await until(supervisor.$flags, (m) => m.has('speech.call-rule'))).get('speech.call-rule')!;
    assert.deepEqual([flag.automatic, flag.context], [{ ruleId: 'legal', ruleName: 'Legal threat' }, context]);
    assert.equal(await failure(crm.raiseFlag({ agent: annAgent, interactionId: 'call-rule-2', channel: 'voice', message: 'x', context: { turns: 'nope' } as never })), '400 invalid-input');
  });

  it('ending an interaction with no browser open lowers its flag; a connected supervisor sees it lowered', async () => {
    const crm = serviceClient(relay);
    const agent = await online(ann);
    const raised = await agent.raise({ interactionId: 'call-end', channel: 'voice', message: 'Help' });
    agent.close(); // the agent's tab is closed
    const supervisor = await online(sam);
    await until(supervisor.$flags, (m) => m.has(raised.flagId!));
    const ended = await crm.endInteraction('call-end', { idempotencyKey: 'hangup.call-end' });
    assert.deepEqual(ended.outcome, { ok: true, flagId: raised.flagId!, seq: 2, changed: true });
    const lowered = await until(supervisor.$flags, (m) => m.get(raised.flagId!)?.status === 'lowered');
    assert.equal(lowered.get(raised.flagId!)!.lowered!.cause, 'interaction-ended');
    const again = await crm.endInteraction('call-end');
    assert.deepEqual(again.outcome, { ok: true, flagId: null, seq: 0, changed: false, note: 'no-open-flag' });
  });

  it('a transfer moves the open flag: the new agent sees and lowers it, the old one can no longer act or raise on the call', async () => {
    const crm = serviceClient(relay);
    const oldAgent = await online(ann);
    const newAgent = await online(ben);
    const raised = await oldAgent.raise({ interactionId: 'call-transfer', channel: 'voice', message: 'Needs billing expert' });
    const moved = v.parse(S.AssignResult, await crm.assignInteraction('call-transfer', { agent: benAgent }, { idempotencyKey: 'xfer-1' }));
    assert.deepEqual(moved.outcome, { ok: true, flagId: raised.flagId!, seq: 2, changed: true });
    const theirs = await until(newAgent.$flags, (m) => m.get(raised.flagId!)?.agent.id === 'ben');
    assert.equal(theirs.get(raised.flagId!)!.status, 'raised');
    await assert.rejects(oldAgent.lower(raised.flagId!), (err: { code?: string }) => err.code === 'not-found');
    await newAgent.lower(raised.flagId!, 'handled');
    await assert.rejects(oldAgent.raise({ interactionId: 'call-transfer', channel: 'voice', message: 'again' }), (err: { code?: string }) => err.code === 'not-allowed');
    const next = await newAgent.raise({ interactionId: 'call-transfer', channel: 'voice', message: 'Ben needs help too' });
    assert.ok(next.flagId);
    const { entries } = v.parse(S.TranscriptPage, await crm.getTranscript('call-transfer'));
    assert.ok(entries.some((e) => e.text === 'The interaction was transferred from Ann Agent to Ben Agent (via Acme CRM)'));
  });

  it('errors are FlagErrors with HTTP statuses; every command needs an Idempotency-Key; scopes are enforced', async () => {
    const reader = serviceClient(relay, ['flags:read']);
    assert.equal(await failure(reader.raiseFlag({ agent: annAgent, interactionId: 'call-x', channel: 'voice', message: 'x' })), '403 not-allowed');
    const crm = serviceClient(relay);
    assert.equal(await failure(crm.getFlag('no-such-flag')), '404 not-found');
    await crm.raiseFlag({ agent: annAgent, interactionId: 'call-errors', channel: 'voice', message: 'first' }, { idempotencyKey: 'errors-1' });
    assert.equal(await failure(crm.raiseFlag({ agent: annAgent, interactionId: 'call-errors', channel: 'voice', message: 'dup' })), '409 already-open');
    assert.equal(await failure(crm.raiseFlag({ agent: benAgent, interactionId: 'call-errors', channel: 'voice', message: 'mine' })), '403 not-allowed');
    assert.equal(await failure(crm.raiseFlag({ agent: benAgent, interactionId: 'call-legacy', channel: 'legacy-chat', message: 'x' })), '422 channel-unavailable');
    assert.equal(await failure(crm.raiseFlag({ agent: benAgent, interactionId: 'call-long', channel: 'voice', message: 'x'.repeat(1001) })), '422 too-long');
    assert.equal(await failure(crm.lowerFlag('errors-1', { as: { ...ben, role: 'agent' } })), '404 not-found');

    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${relay.url}/api/v1/flags`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const token = await serviceToken();
    const noKey = await post({ authorization: `Bearer ${token}` }, { agent: benAgent, interactionId: 'call-k', channel: 'voice', message: 'x' });
    assert.equal(noKey.status, 400);
    assert.match(((await noKey.json()) as { error: { message: string } }).error.message, /Idempotency-Key/);
    const extra = await post({ authorization: `Bearer ${token}`, 'idempotency-key': 'k-1' }, { agent: { ...benAgent, role: 'supervisor' }, interactionId: 'call-k', channel: 'voice', message: 'x' });
    assert.equal(extra.status, 400, 'identity fields are strict: an agent cannot be made a supervisor');
    const participant = await post({ authorization: `Bearer ${await tokenFor(sam)}`, 'idempotency-key': 'k-2' }, {});
    assert.equal(participant.status, 401, "a participant's token is not a service token");
    assert.equal(v.parse(S.ErrorBody, await participant.json()).error.details?.reason, 'ERR_NOT_SERVICE');
  });

  it('a service token is refused on the WebSocket', async () => {
    const ws = await RawClient.open(relay.wsUrl);
    ws.send({ t: 'hello', token: await serviceToken(), resume: null });
    const refused = await ws.next((f) => f.t === 'error');
    assert.equal(refused.t === 'error' && refused.error.details?.reason, 'ERR_SERVICE_TOKEN');
    assert.equal((await ws.closed).code, 4401);
  });

  it('history and transcript are paged; the audit log says who did what to what, when, and how it ended', async () => {
    const crm = serviceClient(relay);
    const agent = await online(ann);
    const flagId = (await agent.raise({ interactionId: 'call-paged', channel: 'voice', message: 'one' })).flagId!;
    for (const text of ['two', 'three', 'four']) await agent.sendMessage(flagId, text);
    const first = v.parse(S.EventPage, await crm.listFlagEvents(flagId, { limit: 3 }));
    assert.deepEqual(first.events.map((e) => e.seq), [1, 2, 3]);
    const rest = await crm.listFlagEvents(flagId, { limit: 3, cursor: first.next! });
    assert.deepEqual([rest.events.map((e) => e.seq), rest.next], [[4], null]);
    const t1 = await crm.getTranscript('call-paged', { limit: 2 });
    const t2 = await crm.getTranscript('call-paged', { limit: 2, cursor: t1.next! });
    assert.deepEqual([...t1.entries, ...t2.entries].map((e) => e.id), [1, 2, 3, 4].map((s) => `${flagId}:${s}`));
    assert.equal(t2.next, null);
    assert.deepEqual((await crm.listInteractionEvents('call-paged')).events.length, 4);

    const started = Date.now();
    await crm.endInteraction('call-paged', { idempotencyKey: 'audit-end' });
    assert.equal(await failure(serviceClient(relay, ['flags:read'], 'reports').endInteraction('call-paged')), '403 not-allowed');
    const audit = v.parse(S.AuditPage, await crm.listAudit({ limit: 500 }));
    const end = audit.records.find((r) => r.idempotencyKey === 'audit-end');
    assert.deepEqual(end && { ...end, id: 0, at: 0 }, { id: 0, at: 0, serviceId: 'crm', operation: 'endInteraction', target: 'call-paged', idempotencyKey: 'audit-end', status: 200, code: null });
    assert.ok(end!.at >= started);
    const denied = audit.records.find((r) => r.serviceId === 'reports');
    assert.deepEqual(denied && [denied.operation, denied.target, denied.status, denied.code], ['endInteraction', 'call-paged', 403, 'not-allowed']);
    assert.ok(audit.records.some((r) => r.operation === 'getTranscript' && r.target === 'call-paged'), 'reads are audited too');
  });

  it('deleting an interaction removes its flags, messages and transcript from the store, the API and the file', async () => {
    const crm = serviceClient(relay);
    const agent = await online(ann);
    const secret = 'card number 4111-1111-1111-1111';
    const flagId = (await agent.raise({ interactionId: 'call-private', channel: 'voice', message: 'privacy' })).flagId!;
    await agent.sendMessage(flagId, secret);
    assert.equal(await failure(crm.deleteInteraction('call-private')), '409 invalid-state', 'an open flag must be ended first');
    await crm.endInteraction('call-private');
    const deleted = v.parse(S.DeleteResult, await crm.deleteInteraction('call-private'));
    assert.deepEqual(deleted, { interactionId: 'call-private', flagsDeleted: 1, eventsDeleted: 3 });
    assert.equal(await failure(crm.getTranscript('call-private')), '404 not-found');
    assert.equal(await failure(crm.getFlag(flagId)), '404 not-found');
    const participantRead = await fetch(`${relay.url}/api/transcript/call-private`, { headers: { authorization: `Bearer ${await tokenFor(ann)}` } });
    assert.equal(participantRead.status, 404);
    const bytes = [relay.db, `${relay.db}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
    assert.equal(bytes.includes('4111-1111-1111-1111'), false, 'the message text is nowhere in the database files');
  });

  it('disconnecting a participant closes their sockets at once and refuses their tokens until the given time', async () => {
    const crm = serviceClient(relay);
    const socket = await RawClient.connect(relay.wsUrl, await tokenFor(sid));
    const result = v.parse(S.DisconnectResult, await crm.disconnectParticipant('sid', Date.now() + 60_000));
    assert.equal(result.connectionsClosed, 1);
    const closed = await socket.closed;
    assert.equal(closed.code, 4401);
    const again = await RawClient.open(relay.wsUrl);
    again.send({ t: 'hello', token: await tokenFor(sid), resume: null });
    const refused = await again.next((f) => f.t === 'error');
    assert.equal(refused.t === 'error' && refused.error.details?.reason, 'ERR_BLOCKED');
    assert.equal((await again.closed).code, 4401);
    const read = await fetch(`${relay.url}/api/presence/billing`, { headers: { authorization: `Bearer ${await tokenFor(sid)}` } });
    assert.equal(read.status, 401);
    // Blocking until a past time lifts it.
    await crm.disconnectParticipant('sid', Date.now() - 1);
    await RawClient.connect(relay.wsUrl, await tokenFor(sid)).then((c) => c.ws.close());
  });

  it('a disconnect until past the largest date is refused 400 and blocks nobody; the largest date itself blocks and closes the socket', async () => {
    const crm = serviceClient(relay);
    const socket = await RawClient.connect(relay.wsUrl, await tokenFor(sid));
    const farFuture = await fetch(`${relay.url}/api/v1/participants/sid/disconnect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await serviceToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ until: Number.MAX_SAFE_INTEGER }),
    });
    assert.equal(farFuture.status, 400);
    const { error } = v.parse(S.ErrorBody, await farFuture.json());
    assert.equal(error.code, 'invalid-input');
    assert.match(error.message, /until must be a time in ms since the epoch, at most 8640000000000000/);
    // Nothing was stored: sid's socket still works and a new token is let in.
    socket.send({ t: 'cmd', id: 'after-400', cmd: { type: 'raise', interactionId: 'call-after-400', channel: 'voice', message: 'still here' } });
    const answer = await socket.next((f) => f.t === 'result' && f.id === 'after-400');
    assert.equal(answer.t, 'result', 'the socket is still served');
    const fresh = await RawClient.connect(relay.wsUrl, await tokenFor(sid));
    fresh.ws.close();
    await fresh.closed;

    const result = v.parse(S.DisconnectResult, await crm.disconnectParticipant('sid', S.MAX_DATE_MS));
    assert.deepEqual([result.participantId, result.until], ['sid', 8.64e15]);
    assert.ok(result.connectionsClosed >= 1);
    assert.equal((await socket.closed).code, 4401);
    const again = await RawClient.open(relay.wsUrl);
    again.send({ t: 'hello', token: await tokenFor(sid), resume: null });
    const refused = await again.next((f) => f.t === 'error');
    assert.equal(refused.t === 'error' && refused.error.details?.reason, 'ERR_BLOCKED');
    assert.match(refused.t === 'error' ? refused.error.message : '', /until \+275760-09-13T00:00:00\.000Z/);
    await crm.disconnectParticipant('sid', Date.now() - 1);
  });
});

describe('service API: a stored block past the largest date', () => {
  it('refuses the participant (401 ERR_BLOCKED on hello and transcript), never 500, also after a restart; lifting it works', async () => {
    const first = await RelayProcess.start();
    const relays = [first];
    try {
      const agent = await RawClient.connect(first.wsUrl, await tokenFor(ann));
      agent.ws.close();
      await first.stop();
      // A row as the unbounded schema let it be stored (and as a hand-edited store may hold).
      const db = new Database(first.db);
      db.prepare('INSERT INTO blocked_participants (participant_id, until) VALUES (?, ?)').run('ann', Number.MAX_SAFE_INTEGER);
      db.close();
      const relay = await RelayProcess.start({ db: first.db });
      relays.push(relay);

      const hello = await RawClient.open(relay.wsUrl);
      hello.send({ t: 'hello', token: await tokenFor(ann), resume: null });
      const refused = await hello.next((f) => f.t === 'error');
      assert.deepEqual(refused.t === 'error' && [refused.error.code, refused.error.details?.reason], ['unauthenticated', 'ERR_BLOCKED']);
      assert.match(refused.t === 'error' ? refused.error.message : '', /until further notice/);
      assert.equal((await hello.closed).code, 4401);
      const transcript = await fetch(`${relay.url}/api/transcript/call-1`, { headers: { authorization: `Bearer ${await tokenFor(ann)}` } });
      assert.equal(transcript.status, 401);
      assert.equal(v.parse(S.ErrorBody, await transcript.json()).error.details?.reason, 'ERR_BLOCKED');

      await serviceClient(relay).disconnectParticipant('ann', Date.now() - 1);
      await RawClient.connect(relay.wsUrl, await tokenFor(ann)).then((c) => c.ws.close());
    } finally {
      for (const r of relays.reverse()) await r.dispose();
    }
  });
});

describe('service API: strict assignment and rate limit', () => {
  it('with --require-assignment an agent raises only on interactions assigned to them', async () => {
    const relay = await RelayProcess.start({ args: ['--require-assignment'] });
    const agent = clientFor(relay, ann);
    try {
      await assert.rejects(agent.raise({ interactionId: 'call-s', channel: 'voice', message: 'x' }), (err: { code?: string; message?: string }) => err.code === 'not-allowed' && /not assigned to you/.test(err.message ?? ''));
      await serviceClient(relay).assignInteraction('call-s', { agent: annAgent });
      assert.ok((await agent.raise({ interactionId: 'call-s', channel: 'voice', message: 'x' })).flagId);
    } finally {
      agent.close();
      await relay.dispose();
    }
  });

  it('calls over the per-service rate get 429 rate-limited with Retry-After', async () => {
    const relay = await RelayProcess.start({ args: ['--service-rate', '1'] });
    try {
      const token = await serviceToken();
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${relay.url}/api/v1/flags`, { headers: { authorization: `Bearer ${token}` } });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      assert.deepEqual(statuses.slice(0, 2), [200, 200]);
      assert.ok(statuses.slice(2).includes(429), `statuses ${statuses}`);
      assert.ok(Number(retryAfter) >= 1);
    } finally {
      await relay.dispose();
    }
  });

  it('refused calls (no scope, no route) are rate-limited too, and write the audit log no faster than the rate; a junk key is not kept', async () => {
    const relay = await RelayProcess.start({ args: ['--service-rate', '1'] });
    try {
      const scopeless = await serviceToken([], 'intruder', 'Intruder');
      const junk = 'k'.repeat(5000);
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        const path = i % 2 ? '/api/v1/flags' : '/api/v1/no-such-route';
        const res = await fetch(`${relay.url}${path}`, { headers: { authorization: `Bearer ${scopeless}`, 'idempotency-key': junk } });
        statuses.push(res.status);
      }
      assert.ok(statuses.filter((s) => s === 429).length >= 25, `statuses ${statuses}`);
      const audit = v.parse(S.AuditPage, await serviceClient(relay).listAudit({ limit: 500 }));
      const theirs = audit.records.filter((r) => r.serviceId === 'intruder');
      assert.ok(theirs.length >= 1 && theirs.length <= 5, `${theirs.length} audit records for 30 refused calls`);
      assert.ok(theirs.every((r) => r.idempotencyKey === null && r.status !== 429), 'the junk key is not stored; rate refusals are not audited');
    } finally {
      await relay.dispose();
    }
  });
});

describe('service API on Redis: two relay processes', () => {
  const redis = new RedisServer();
  const relays: RelayProcess[] = [];
  before(async () => {
    await redis.start('always');
    for (let i = 0; i < 2; i++) relays.push(await RelayProcess.start({ store: redis.url }));
  });
  after(async () => {
    for (const r of relays) await r.dispose();
    await redis.dispose();
  });

  it('raise on one process, the retried key and the end on the other: one flag, lowered; its transcript read anywhere', async () => {
    const [a, b] = [serviceClient(relays[0]!), serviceClient(relays[1]!)];
    const body = { agent: annAgent, interactionId: 'call-r', channel: 'voice' as const, message: 'across processes' };
    const first = await a.raiseFlag(body, { idempotencyKey: 'r-1' });
    assert.deepEqual(await b.raiseFlag(body, { idempotencyKey: 'r-1' }), first);
    assert.deepEqual((await b.endInteraction('call-r', { idempotencyKey: 'r-end' })).outcome, { ok: true, flagId: 'r-1', seq: 2, changed: true });
    assert.deepEqual((await a.getTranscript('call-r')).entries.map((e) => e.type), ['raised', 'lowered']);
  });

  it('an assignment, a disconnect and the audit log made through one process hold on the other', async () => {
    const [a, b] = relays as [RelayProcess, RelayProcess];
    const crmA = serviceClient(a);
    const applied = (r: RelayProcess) => r.waitForLog('service change applied', r.logs.filter((e) => e.msg === 'service change applied').length + 1);

    const onB = applied(b);
    await crmA.assignInteraction('call-assigned', { agent: benAgent }, { idempotencyKey: 'redis-assign' });
    await onB;
    const annOnB = clientFor(b, ann);
    const benOnB = clientFor(b, ben);
    try {
      await assert.rejects(annOnB.raise({ interactionId: 'call-assigned', channel: 'voice', message: 'mine?' }), (err: { code?: string }) => err.code === 'not-allowed');
      assert.ok((await benOnB.raise({ interactionId: 'call-assigned', channel: 'voice', message: 'assigned to me' })).flagId);
    } finally {
      annOnB.close();
      benOnB.close();
    }

    const socket = await RawClient.connect(b.wsUrl, await tokenFor(sid));
    const blockedOnB = applied(b);
    await crmA.disconnectParticipant('sid', Date.now() + 60_000);
    await blockedOnB;
    assert.equal((await socket.closed).code, 4401, 'closed by the process it was connected to');
    for (const relay of [a, b]) {
      const again = await RawClient.open(relay.wsUrl);
      again.send({ t: 'hello', token: await tokenFor(sid), resume: null });
      const refused = await again.next((f) => f.t === 'error');
      assert.equal(refused.t === 'error' && refused.error.details?.reason, 'ERR_BLOCKED');
    }

    const { records } = v.parse(S.AuditPage, await serviceClient(b).listAudit({ limit: 500 }));
    assert.deepEqual(
      records.filter((r) => r.serviceId === 'crm' && ['assignInteraction', 'disconnectParticipant'].includes(r.operation)).map((r) => [r.operation, r.target, r.status]),
      [['assignInteraction', 'call-assigned', 200], ['disconnectParticipant', 'sid', 200]],
    );
    assert.deepEqual(records.map((r) => r.id), records.map((_, i) => records[0]!.id + i), 'ids increase by one across processes');
  });

  it('deleting an interaction needs the SQLite store: 503 unavailable, not a silent no-op', async () => {
    assert.equal(await failure(serviceClient(relays[0]!).deleteInteraction('call-r')), '503 unavailable');
  });
});
