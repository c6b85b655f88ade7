/**
 * The authorization matrix against a real relay: every command (and the history read) × role ×
 * ownership × connection state, with the expected answer written out below from the rules in
 * DESIGN.md — not computed by core's rules.ts, so this is an independent check. Then the token
 * and transport attacks: forged, expired, not yet valid, wrong issuer or audience, alg none,
 * oversized, wrong Origin, and a command id replayed by someone else.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, base64url } from 'jose';
import type { Command, Participant, ServerFrame } from '@flagline/core';
import { AUDIENCE, ISSUER, RelayProcess, SECRET, tokenFor } from '../../packages/relay/test/helpers/relay-process.js';
import { RawClient } from '../../packages/relay/test/helpers/raw-client.js';
import { ann, ben, cara, sam, sid, sue } from '../../packages/relay/test/helpers/people.js';
import { report } from '../reliability/support/scale.js';
import { createServiceClient } from '@flagline/relay/client';
import { ALL_SCOPES, failure, serviceToken } from '../../packages/relay/test/helpers/service.js';
import { WEBHOOK_SECRET } from '../../packages/relay/test/helpers/receiver-process.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Resolves once `check` holds (looked at every 20 ms; the test's timeout bounds the wait). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

type Action = Command['type'] | 'history';
type Ownership = 'own' | 'other-agent' | 'other-team';
type State = 'fresh' | 'resumed';
/** 'allow', or the error code of the refusal. */
type Expect = 'allow' | 'not-allowed' | 'not-found' | 'already-acknowledged';

/*
 * The rules (DESIGN.md, "Roles" and "The flag model"), as the expected answer per ownership:
 * - an agent acts only on their own flags; raising, asking to join, cancelling it and ending the
 *   interaction are the agent's acts; acknowledging and answering a join are a supervisor's;
 * - a supervisor acts only on flags of their teams; once a supervisor claimed a flag, another
 *   one cannot claim it or answer its join request (already-acknowledged), but may still chat
 *   and lower it; either side can lower; chat is two-way;
 * - a flag the actor may not see is refused with not-found, exactly as a flag that does not
 *   exist (no existence oracle); a role that may never do an act is refused with not-allowed.
 * Ownership, for the agent (Ann, billing): own = raised by Ann; other-agent = raised by Ben
 * (also billing); other-team = raised by Cara (support). For the supervisor (Sam, billing):
 * own = a billing flag Sam claimed; other-agent = a billing flag Sid claimed; other-team = a
 * support flag (Sue claimed). Every flag has a pending join request when the command comes.
 * Hand-off (issue 15): only the supervisor helping hands a flag off (to Sid, online in billing);
 * an offer is answered only by whom it is offered to — for these cells the claimer offered the
 * flag to the other billing supervisor (Sam's to Sid, Sid's to Sam). A check-in is a
 * supervisor's act with an agent of their team on that agent's interaction: own = Ann on a new
 * interaction, other-agent = Ann on Ben's interaction, other-team = Cara (not Sam's team: not-found).
 */
const EXPECTED: Record<'agent' | 'supervisor', Record<Action, [own: Expect, otherAgent: Expect, otherTeam: Expect]>> = {
  agent: {
    raise: ['allow', 'not-allowed', 'not-allowed'],
    acknowledge: ['not-allowed', 'not-allowed', 'not-allowed'],
    lower: ['allow', 'not-found', 'not-found'],
    'send-message': ['allow', 'not-found', 'not-found'],
    'request-join': ['allow', 'not-found', 'not-found'],
    'accept-join': ['not-allowed', 'not-allowed', 'not-allowed'],
    'decline-join': ['not-allowed', 'not-allowed', 'not-allowed'],
    'cancel-join': ['allow', 'not-found', 'not-found'],
    'end-interaction': ['allow', 'not-allowed', 'not-allowed'],
    transfer: ['not-allowed', 'not-allowed', 'not-allowed'],
    'accept-transfer': ['not-allowed', 'not-allowed', 'not-allowed'],
    'decline-transfer': ['not-allowed', 'not-allowed', 'not-allowed'],
    'check-in': ['not-allowed', 'not-allowed', 'not-allowed'],
    // A status is the sender's own (identity from the token): only supervisors have one.
    'set-status': ['not-allowed', 'not-allowed', 'not-allowed'],
    history: ['allow', 'not-found', 'not-found'],
  },
  supervisor: {
    raise: ['not-allowed', 'not-allowed', 'not-allowed'],
    acknowledge: ['allow', 'already-acknowledged', 'not-found'],
    lower: ['allow', 'allow', 'not-found'],
    'send-message': ['allow', 'allow', 'not-found'],
    'request-join': ['not-allowed', 'not-allowed', 'not-allowed'],
    'accept-join': ['allow', 'already-acknowledged', 'not-found'],
    'decline-join': ['allow', 'already-acknowledged', 'not-found'],
    'cancel-join': ['not-allowed', 'not-allowed', 'not-allowed'],
    'end-interaction': ['not-allowed', 'not-allowed', 'not-allowed'],
    transfer: ['allow', 'not-allowed', 'not-found'],
    'accept-transfer': ['not-allowed', 'allow', 'not-found'],
    'decline-transfer': ['not-allowed', 'allow', 'not-found'],
    'check-in': ['allow', 'not-allowed', 'not-found'],
    'set-status': ['allow', 'allow', 'allow'],
    history: ['allow', 'allow', 'not-found'],
  },
};
const OWNERSHIPS: Ownership[] = ['own', 'other-agent', 'other-team'];
const STATES: State[] = ['fresh', 'resumed'];

type Result = Extract<ServerFrame, { t: 'result' }>;
let nextId = 0;
const uid = (prefix: string) => `${prefix}-${++nextId}`;

async function ok(c: RawClient, cmd: Command): Promise<Result & { outcome: { ok: true } }> {
  const r = await c.command(uid('setup'), cmd);
  assert.ok(r.t === 'result' && r.outcome.ok, `setup ${cmd.type} failed: ${JSON.stringify(r)}`);
  return r as Result & { outcome: { ok: true } };
}

/** The answer to one command or read: 'allow' or the refusal's code. */
async function attempt(c: RawClient, action: Action, target: { flagId: string; interactionId: string }, ownership: Ownership): Promise<string> {
  if (action === 'history') {
    const rid = uid('h');
    c.send({ t: 'history', rid, flagId: target.flagId, afterSeq: 0 });
    const f = await c.next((x) => (x.t === 'history' || x.t === 'error') && 'rid' in x && x.rid === rid);
    return f.t === 'history' ? 'allow' : f.t === 'error' ? f.error.code : 'unexpected';
  }
  const { flagId, interactionId } = target;
  const cmd: Command =
    action === 'raise'
      ? { type: 'raise', interactionId: ownership === 'own' ? uid('fresh-interaction') : interactionId, channel: 'voice', message: 'let me in' }
      : action === 'check-in'
        ? { type: 'check-in', agentId: ownership === 'other-team' ? 'cara' : 'ann', interactionId: ownership === 'own' ? uid('fresh-interaction') : interactionId, channel: 'voice', message: 'checking in' }
        : action === 'transfer'
          ? { type: 'transfer', flagId, to: 'sid' }
          : action === 'end-interaction'
            ? { type: 'end-interaction', interactionId }
            : action === 'set-status'
              ? { type: 'set-status', status: 'busy' }
              : action === 'send-message'
                ? { type: 'send-message', flagId, text: 'hello' }
                : action === 'lower' || action === 'decline-join'
                  ? { type: action, flagId, reason: 'matrix' }
                  : { type: action, flagId };
  const r = await c.command(uid('cmd'), cmd);
  if (r.t === 'error') return r.error.code;
  return r.outcome.ok ? 'allow' : r.outcome.error.code;
}

/** One tenant's people on a relay: how their tokens are made, and a connection each for setting up flags. */
interface World {
  relay: RelayProcess;
  token(p: Participant): Promise<string>;
  setup: Map<string, RawClient>;
  opened: RawClient[];
}

async function world(relay: RelayProcess, token: (p: Participant) => Promise<string>): Promise<World> {
  const w: World = { relay, token, setup: new Map(), opened: [] };
  for (const p of [ann, ben, cara, sam, sid, sue]) w.setup.set(p.id, await RawClient.connect(relay.wsUrl, await token(p)));
  return w;
}

const closeWorld = (w: World | undefined) => {
  for (const c of [...(w?.setup.values() ?? []), ...(w?.opened ?? [])]) c.close();
};

/** A connection for the actor: fresh (hello without resume) or resumed (reconnected from a resume point). */
async function connection(w: World, p: Participant, state: State): Promise<RawClient> {
  const first = await RawClient.connect(w.relay.wsUrl, await w.token(p));
  w.opened.push(first);
  if (state === 'fresh') return first;
  const welcome = first.log.find((f) => f.t === 'welcome')!;
  first.close();
  await first.closed;
  const again = await RawClient.connect(w.relay.wsUrl, await w.token(p), { epoch: welcome.t === 'welcome' ? welcome.epoch : '', pos: welcome.t === 'welcome' ? welcome.pos : 0 });
  w.opened.push(again);
  const resumed = again.log.find((f) => f.t === 'welcome');
  assert.ok(resumed?.t === 'welcome' && resumed.resumed, 'the relay resumed the connection');
  return again;
}

/** A flag in the state a cell needs: raised by `owner`, a join requested, claimed by `claimer`. */
async function fixture(w: World, owner: Participant, claimer: Participant, action: Action): Promise<{ flagId: string; interactionId: string }> {
  const interactionId = uid(`i-${owner.id}`);
  const agent = w.setup.get(owner.id)!;
  const raised = await ok(agent, { type: 'raise', interactionId, channel: 'voice', message: 'matrix fixture' });
  const flagId = raised.outcome.flagId!;
  await ok(agent, { type: 'request-join', flagId });
  await ok(w.setup.get(claimer.id)!, { type: 'acknowledge', flagId });
  // An answer to a hand-off needs one pending: the claimer offers the flag to the other supervisor of the team.
  const receiver = { sam: 'sid', sid: 'sam' }[claimer.id];
  if ((action === 'accept-transfer' || action === 'decline-transfer') && receiver) await ok(w.setup.get(claimer.id)!, { type: 'transfer', flagId, to: receiver });
  return { flagId, interactionId };
}

const OWNERS: Record<'agent' | 'supervisor', Record<Ownership, [owner: Participant, claimer: Participant]>> = {
  agent: { own: [ann, sam], 'other-agent': [ben, sam], 'other-team': [cara, sue] },
  supervisor: { own: [ann, sam], 'other-agent': [ben, sid], 'other-team': [cara, sue] },
};

/** Every command × role × ownership × connection state in one tenant; prints the table, returns the mismatches. */
async function matrix(w: World, title: string): Promise<{ cells: number; mismatches: string[] }> {
  const rows: string[] = [];
  const mismatches: string[] = [];
  let cells = 0;
  for (const role of ['agent', 'supervisor'] as const) {
    const actor = role === 'agent' ? ann : sam;
    for (const state of STATES) {
      const c = await connection(w, actor, state);
      for (const [action, expected] of Object.entries(EXPECTED[role]) as [Action, Expect[]][]) {
        const cellsText: string[] = [];
        for (const [i, ownership] of OWNERSHIPS.entries()) {
          const [owner, claimer] = OWNERS[role][ownership];
          const got = await attempt(c, action, await fixture(w, owner, claimer, action), ownership);
          cells++;
          const match = got === expected[i];
          if (!match) mismatches.push(`${title}: ${role}/${state}/${action}/${ownership}: expected ${expected[i]}, got ${got}`);
          cellsText.push(`${(match ? '✓ ' : '✗ ') + got}`.padEnd(24));
        }
        rows.push(`${role.padEnd(10)} ${state.padEnd(7)} ${action.padEnd(15)} ${cellsText.join(' ')}`);
      }
    }
  }
  console.log(title);
  console.log(`${'role'.padEnd(10)} ${'conn'.padEnd(7)} ${'command'.padEnd(15)} ${OWNERSHIPS.map((o) => o.padEnd(24)).join(' ')}`);
  for (const row of rows) console.log(row);
  return { cells, mismatches };
}

describe('authorization matrix (real relay)', () => {
  let relay: RelayProcess;
  let w: World;
  before(async () => {
    relay = await RelayProcess.start({ args: ['--rate-per-connection', '0', '--rate-per-user', '0'] });
    w = await world(relay, (p) => tokenFor(p));
  });
  after(async () => {
    closeWorld(w);
    await relay?.dispose();
  });

  it('every command × role × ownership × connection state answers as the rules say', async () => {
    const { cells, mismatches } = await matrix(w, 'single-tenant relay');
    report('authz', { 'matrix cells': cells, mismatches: mismatches.length });
    assert.deepEqual(mismatches, []);
  });

  it('tokens, Origin and command ids: every attack is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { name: ann.name, role: ann.role, teams: ann.teams };
    const sign = (opts: { secret?: string; iss?: string; aud?: string; exp?: number; nbf?: number; iat?: number; extra?: Record<string, unknown> }) => {
      const jwt = new SignJWT({ ...claims, ...opts.extra })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(ann.id)
        .setIssuer(opts.iss ?? ISSUER)
        .setAudience(opts.aud ?? AUDIENCE)
        .setIssuedAt(opts.iat ?? now)
        .setExpirationTime(opts.exp ?? now + 600);
      if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
      return jwt.sign(new TextEncoder().encode(opts.secret ?? SECRET));
    };
    const unsigned = (payload: Record<string, unknown>) =>
      `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(payload))}.`;
    const valid = await tokenFor(ann);
    const [header, payload] = valid.split('.');
    const attacks: [string, string, string][] = [
      ['forged signature (another secret)', await sign({ secret: 'an-attacker-secret-that-is-long-enough-42' }), 'unauthenticated'],
      ['valid token, signature of another token', `${header}.${payload}.${(await tokenFor(sam)).split('.')[2]}`, 'unauthenticated'],
      ['claims edited after signing (role)', `${header}.${base64url.encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(base64url.decode(payload!))), role: 'supervisor' }))}.${valid.split('.')[2]}`, 'unauthenticated'],
      ['expired', await sign({ iat: now - 3600, exp: now - 600 }), 'unauthenticated'],
      ['not yet valid (nbf in an hour)', await sign({ nbf: now + 3600 }), 'unauthenticated'],
      ['issued too long ago (older than max age)', await sign({ iat: now - 13 * 3600, exp: now + 600 }), 'unauthenticated'],
      ['wrong issuer', await sign({ iss: 'someone-else' }), 'unauthenticated'],
      ['wrong audience', await sign({ aud: 'another-app' }), 'unauthenticated'],
      ['alg none', unsigned({ sub: ann.id, ...claims, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600 }), 'unauthenticated'],
      ['alg none as a supervisor', unsigned({ sub: sam.id, name: sam.name, role: 'supervisor', teams: ['billing', 'support'], iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600 }), 'unauthenticated'],
      ['oversized token (9 KB of claims)', await sign({ extra: { pad: 'x'.repeat(9000) } }), 'invalid-frame'],
      ['not a JWT', 'hello', 'unauthenticated'],
    ];
    const lines: string[] = [];
    const wrong: string[] = [];
    for (const [name, token, expected] of attacks) {
      const c = await RawClient.open(relay.wsUrl);
      w.opened.push(c);
      c.send({ t: 'hello', token, resume: null });
      const err = await c.next((f) => f.t === 'error' || f.t === 'welcome');
      const got = err.t === 'error' ? err.error.code : 'welcome';
      // Whatever the refusal, the connection is not authenticated: a command gets unauthenticated or the socket is closed.
      const after = await Promise.race([
        c.closed.then(() => 'closed'),
        (async () => {
          if (c.ws.readyState !== c.ws.OPEN) return 'closed';
          const r = await c.command('after-attack', { type: 'raise', interactionId: uid('attack'), channel: 'voice', message: 'x' });
          return r.t === 'error' ? r.error.code : 'EXECUTED';
        })(),
      ]);
      const pass = got === expected && (after === 'closed' || after === 'unauthenticated');
      if (!pass) wrong.push(`${name}: expected ${expected}, got ${got}; then ${after}`);
      lines.push(`${pass ? '✓' : '✗'} ${name.padEnd(46)} → ${got}, then ${after}`);
    }

    // Origin: a browser page on another site may not open a socket (HTTP 403); the relay's own host may.
    const evil = await RawClient.open(relay.wsUrl, { Origin: 'https://evil.example' }).then(
      () => 'opened',
      (e: { status?: number }) => String(e.status),
    );
    const same = await RawClient.open(relay.wsUrl, { Origin: `http://127.0.0.1:${relay.port}` }).then((c) => (w.opened.push(c), 'opened'));
    lines.push(`${evil === '403' ? '✓' : '✗'} ${'wrong Origin (https://evil.example)'.padEnd(46)} → ${evil}`, `${same === 'opened' ? '✓' : '✗'} ${'same-host Origin'.padEnd(46)} → ${same}`);
    if (evil !== '403') wrong.push(`wrong Origin: ${evil}`);
    if (same !== 'opened') wrong.push(`same-host Origin: ${same}`);

    // A command id replayed by another user (fresh and resumed connections alike) is refused and changes nothing.
    const owner = w.setup.get('ann')!;
    const raised = await owner.command('replayed-raise', { type: 'raise', interactionId: uid('replay'), channel: 'voice', message: 'mine' });
    const flagId = raised.t === 'result' && raised.outcome.ok ? raised.outcome.flagId! : assert.fail('raise');
    await owner.command('replayed-msg', { type: 'send-message', flagId, text: 'original' });
    for (const [who, state] of [[ben, 'fresh'], [sam, 'fresh'], [sam, 'resumed']] as const) {
      const c = await connection(w, who, state);
      for (const [id, cmd] of [
        ['replayed-raise', { type: 'raise', interactionId: uid('replay-other'), channel: 'voice', message: 'stolen id' }],
        ['replayed-msg', { type: 'send-message', flagId, text: 'stolen id' }],
      ] as [string, Command][]) {
        if (who.role === 'supervisor' && cmd.type === 'raise') continue;
        const r = await c.command(id, cmd);
        const got = r.t === 'result' && !r.outcome.ok ? r.outcome.error.code : JSON.stringify(r);
        const pass = got === 'not-allowed';
        if (!pass) wrong.push(`${who.id}/${state} replaying ${id}: ${got}`);
        lines.push(`${pass ? '✓' : '✗'} ${`${who.id} (${state}) replays ${id}`.padEnd(46)} → ${got}`);
      }
    }
    owner.send({ t: 'history', rid: 'replay-h', flagId, afterSeq: 0 });
    const history = await owner.next<Extract<ServerFrame, { t: 'history' }>>((f) => f.t === 'history' && f.rid === 'replay-h');
    assert.deepEqual(history.events.map((e) => (e.type === 'message' ? e.text : e.type)), ['raised', 'original'], 'replays changed nothing');

    // The transcript over HTTP follows the same rules, and an interaction the caller may not see
    // answers exactly like one that does not exist (same status, same body but for the id).
    const transcriptAs = async (p: Participant, interactionId: string) => {
      const res = await fetch(`${relay.url}/api/transcript/${interactionId}`, { headers: { authorization: `Bearer ${await tokenFor(p)}` } });
      return `${res.status} ${(await res.text()).replace(interactionId, '<id>').replace(/"entries":\[.*\]/, '"entries":[…]')}`;
    };
    const cfix = await fixture(w, cara, sue, 'history');
    const unknown = await transcriptAs(ann, uid('never-flagged'));
    for (const [p, expected] of [[cara, '200 {"entries":[…]}'], [sue, '200 {"entries":[…]}'], [ann, unknown], [sam, unknown]] as const) {
      const answer = await transcriptAs(p, cfix.interactionId);
      if (answer !== expected) wrong.push(`transcript of Cara's interaction as ${p.id}: ${answer}`);
      lines.push(`${answer === expected ? '✓' : '✗'} ${`GET transcript of Cara's interaction as ${p.id}`.padEnd(46)} → ${answer.slice(0, 3)}`);
    }
    assert.match(unknown, /^404 /);
    for (const line of lines) console.log(line);
    report('authz', { 'attacks tried': lines.length, refused_as_expected: lines.length - wrong.length });
    assert.deepEqual(wrong, []);
  });
});

/*
 * The tenant dimension: one relay, two contact centers (tenants north and south, from the token's
 * `tenant` claim) with the same people, the same ids and the same teams. The matrix holds inside
 * each; across them every command and read answers exactly as for a flag or interaction that
 * does not exist, and changes nothing; command ids, transcripts, presence, the service API and
 * /metrics are each tenant's own.
 */
describe('authorization matrix × tenants (real relay, --claim-tenant)', () => {
  let relay: RelayProcess;
  let north: World;
  let south: World;
  const tokenIn = (tenant: string) => (p: Participant) => tokenFor(p, '10m', { tenant });
  // Webhooks: north has a file naming a receiver, south none; the receiver records every delivery.
  const delivered: string[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => (delivered.push(body), res.end('ok')));
  });
  const hooks = mkdtempSync(join(tmpdir(), 'flagline-tenant-hooks-'));
  before(async () => {
    await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    writeFileSync(join(hooks, 'north.json'), JSON.stringify({ endpoints: [{ id: 'crm', url, secret: WEBHOOK_SECRET }] }));
    relay = await RelayProcess.start({ args: ['--rate-per-connection', '0', '--rate-per-user', '0', '--claim-tenant', 'tenant', '--webhooks', join(hooks, '{tenant}.json')] });
    north = await world(relay, tokenIn('north'));
    south = await world(relay, tokenIn('south'));
  });
  after(async () => {
    closeWorld(north);
    closeWorld(south);
    await relay?.dispose();
    receiver.close();
    rmSync(hooks, { recursive: true, force: true });
  });

  it('the matrix holds inside each tenant, with the same people and teams in both', async () => {
    const results = [await matrix(north, 'tenant north'), await matrix(south, 'tenant south')];
    report('authz', { 'tenant matrix cells': results[0]!.cells + results[1]!.cells });
    assert.deepEqual(results.flatMap((r) => r.mismatches), []);
  });

  it("across tenants every command and read answers as for a flag that does not exist, and changes nothing", async () => {
    const mismatches: string[] = [];
    const rows: string[] = [];
    let cells = 0;
    for (const role of ['agent', 'supervisor'] as const) {
      const actor = role === 'agent' ? ann : sam;
      const c = await connection(south, actor, 'fresh');
      for (const action of Object.keys(EXPECTED[role]) as Action[]) {
        // The reference answer: the same act, in south, on ids nobody ever used there.
        const absent = await attempt(c, action, { flagId: uid('never-raised'), interactionId: uid('never-flagged') }, 'other-team');
        const texts: string[] = [];
        for (const ownership of OWNERSHIPS) {
          const [owner, claimer] = OWNERS[role][ownership];
          const target = await fixture(north, owner, claimer, action);
          const before = await north.setup.get(owner.id)!.history(target.flagId);
          const got = await attempt(c, action, target, 'other-team');
          const afterwards = await north.setup.get(owner.id)!.history(target.flagId);
          cells++;
          const pass = got === absent && JSON.stringify(afterwards) === JSON.stringify(before);
          if (!pass) mismatches.push(`south ${role} ${action} on north's ${ownership} flag: ${got} (absent: ${absent}), north's history ${before.length} → ${afterwards.length} events`);
          texts.push(`${pass ? '✓' : '✗'} ${got}`.padEnd(24));
        }
        rows.push(`${role.padEnd(10)} ${action.padEnd(15)} ${`absent: ${absent}`.padEnd(26)} ${texts.join(' ')}`);
      }
      // Not one of north's events reached this south connection: every event it got is of a flag it raised in south.
      const southFlags = new Set(c.log.flatMap((f) => (f.t === 'result' && f.outcome.ok && f.outcome.flagId ? [f.outcome.flagId] : [])));
      for (const f of c.log) if (f.t === 'event' && !southFlags.has(f.event.flagId)) mismatches.push(`south ${role} received north's event on ${f.event.flagId}`);
    }
    console.log('south acting on north\'s flags (same ids, same teams)');
    for (const row of rows) console.log(row);
    report('authz', { 'cross-tenant cells': cells, mismatches: mismatches.length });
    assert.deepEqual(mismatches, []);
  });

  it('command ids, transcripts, presence, the service API, refresh and /metrics are per tenant', async () => {
    const [annN, annS, samN, benS] = [north.setup.get('ann')!, south.setup.get('ann')!, north.setup.get('sam')!, south.setup.get('ben')!];
    // The same command id and interaction in both tenants: two independent flags, not a replay.
    for (const [c, text] of [[annN, 'north'], [annS, 'south']] as const) {
      const r = await c.command('shared-id', { type: 'raise', interactionId: 'shared-call', channel: 'voice', message: `raised in ${text}` });
      assert.ok(r.t === 'result' && r.outcome.ok && r.outcome.flagId === 'shared-id', `${text}: ${JSON.stringify(r)}`);
    }
    await ok(samN, { type: 'send-message', flagId: 'shared-id', text: 'north only' });
    assert.deepEqual((await annS.history('shared-id')).map((e) => (e.type === 'raised' ? e.message : e.type)), ['raised in south']);
    // Inside south the id is still Ann's: Ben replaying it is refused as before.
    const replay = await benS.command('shared-id', { type: 'raise', interactionId: uid('other'), channel: 'voice', message: 'stolen id' });
    assert.equal(replay.t === 'result' && !replay.outcome.ok ? replay.outcome.error.code : JSON.stringify(replay), 'not-allowed');

    // Transcripts over HTTP: each tenant reads its own interaction of the same id.
    const transcript = async (p: Participant, tenant: string) => {
      const res = await fetch(`${relay.url}/api/transcript/shared-call`, { headers: { authorization: `Bearer ${await tokenIn(tenant)(p)}` } });
      return ((await res.json()) as { entries: { text?: string; kind?: string }[] }).entries.map((e) => e.text ?? e.kind);
    };
    const northText = JSON.stringify(await transcript(sam, 'north'));
    const southText = JSON.stringify(await transcript(sam, 'south'));
    assert.match(northText, /north only/);
    assert.doesNotMatch(southText, /north/);
    assert.match(southText, /raised in south/);

    // Presence: a supervisor of team night online in north only.
    const zed: Participant = { id: 'zed', name: 'Zed Supervisor', role: 'supervisor', teams: ['night'] };
    const nina: Participant = { id: 'nina', name: 'Nina Agent', role: 'agent', teams: ['night'] };
    north.opened.push(await RawClient.connect(relay.wsUrl, await tokenIn('north')(zed)));
    const presence = async (tenant: string) => {
      const res = await fetch(`${relay.url}/api/presence/night`, { headers: { authorization: `Bearer ${await tokenIn(tenant)(nina)}` } });
      return ((await res.json()) as { supervisors: { id: string }[] }).supervisors.map((s) => s.id);
    };
    assert.deepEqual(await presence('north'), ['zed']);
    assert.deepEqual(await presence('south'), []);

    // The service API: a south service token reaches south's flags only.
    const service = (tenant: string) => createServiceClient({ baseUrl: relay.url, token: () => serviceToken(ALL_SCOPES, 'crm', 'Acme CRM', { tenant }) });
    const northOnly = await fixture(north, cara, sue, 'history');
    const southOpen = (await service('south').listOpenFlags({ limit: 500 })).flags.map((f) => f.id);
    assert.ok(!southOpen.includes(northOnly.flagId), 'south lists no north flag');
    assert.ok((await service('north').listOpenFlags({ limit: 500 })).flags.some((f) => f.id === northOnly.flagId));
    assert.equal(await failure(service('south').getFlag(northOnly.flagId)), '404 not-found');
    assert.equal(await failure(service('south').lowerFlag(northOnly.flagId, { as: sue, reason: 'cross-tenant' })), '404 not-found');
    assert.equal(await failure(service('south').getTranscript(northOnly.interactionId)), '404 not-found');
    assert.equal((await service('north').getFlag(northOnly.flagId)).flag.status, 'acknowledged');

    // A refresh with the same person's token of another tenant is refused; the connection stays in its tenant.
    annN.send({ t: 'refresh', token: await tokenIn('south')(ann) });
    const refused = await annN.next((f) => f.t === 'error');
    assert.equal(refused.t === 'error' && refused.error.code, 'unauthenticated');
    assert.deepEqual((await annN.history('shared-id')).map((e) => e.type), ['raised', 'message']);

    // Tokens without a tenant, or with one that is not a tenant id, are refused.
    for (const claims of [{}, { tenant: '../north' }, { tenant: 'North' }, { tenant: 7 }]) {
      const c = await RawClient.open(relay.wsUrl);
      north.opened.push(c);
      c.send({ t: 'hello', token: await tokenFor(ann, '10m', claims), resume: null });
      const answer = await c.next((f) => f.t === 'error' || f.t === 'welcome');
      assert.equal(answer.t === 'error' && answer.error.code, 'unauthenticated', JSON.stringify(claims));
    }

    // Webhooks: north's file delivers north's events, and nothing of south's reaches it.
    await until(() => delivered.some((d) => d.includes('north only')));
    assert.ok(delivered.some((d) => d.includes('raised in north')));
    assert.ok(!delivered.some((d) => d.includes('raised in south')), "no south event went to north's endpoint");
    assert.equal(await failure(service('south').listWebhookEndpoints()), '404 not-found');
    assert.deepEqual((await service('north').listWebhookEndpoints()).endpoints.map((e) => e.id), ['crm']);

    // /metrics: per-tenant series, labelled by tenant.
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    assert.match(metrics, /^flagline_tenants_open 2$/m);
    assert.match(metrics, /^flagline_log_position\{tenant="north"\} \d+$/m);
    assert.match(metrics, /^flagline_log_position\{tenant="south"\} \d+$/m);

    // The host disconnects Ann in south: north's Ann stays connected.
    await service('south').disconnectParticipant('ann', Date.now() + 60_000);
    assert.equal((await annS.closed).code, 4401);
    await annN.ping();
  });
});
