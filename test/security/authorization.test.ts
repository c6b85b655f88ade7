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
        : action === 'send-message'
          ? { type: 'send-message', flagId, text: 'hello' }
          : action === 'lower' || action === 'decline-join'
            ? { type: action, flagId, reason: 'matrix' }
            : { type: action, flagId };
  const r = await c.command(uid('cmd'), cmd);
  if (r.t === 'error') return r.error.code;
  return r.outcome.ok ? 'allow' : r.outcome.error.code;
}

describe('authorization matrix (real relay)', () => {
  let relay: RelayProcess;
  const setup = new Map<string, RawClient>();
  const opened: RawClient[] = [];
  before(async () => {
    relay = await RelayProcess.start({ args: ['--rate-per-connection', '0', '--rate-per-user', '0'] });
    for (const p of [ann, ben, cara, sam, sid, sue]) setup.set(p.id, await RawClient.connect(relay.wsUrl, await tokenFor(p)));
  });
  after(async () => {
    for (const c of [...setup.values(), ...opened]) c.close();
    await relay?.dispose();
  });

  /** A connection for the actor: fresh (hello without resume) or resumed (reconnected from a resume point). */
  async function connection(p: Participant, state: State): Promise<RawClient> {
    const first = await RawClient.connect(relay.wsUrl, await tokenFor(p));
    opened.push(first);
    if (state === 'fresh') return first;
    const welcome = first.log.find((f) => f.t === 'welcome')!;
    first.close();
    await first.closed;
    const again = await RawClient.connect(relay.wsUrl, await tokenFor(p), { epoch: welcome.t === 'welcome' ? welcome.epoch : '', pos: welcome.t === 'welcome' ? welcome.pos : 0 });
    opened.push(again);
    const resumed = again.log.find((f) => f.t === 'welcome');
    assert.ok(resumed?.t === 'welcome' && resumed.resumed, 'the relay resumed the connection');
    return again;
  }

  /** A flag in the state a cell needs: raised by `owner`, a join requested, claimed by `claimer`. */
  async function fixture(owner: Participant, claimer: Participant, action: Action): Promise<{ flagId: string; interactionId: string }> {
    const interactionId = uid(`i-${owner.id}`);
    const agent = setup.get(owner.id)!;
    const raised = await ok(agent, { type: 'raise', interactionId, channel: 'voice', message: 'matrix fixture' });
    const flagId = raised.outcome.flagId!;
    await ok(agent, { type: 'request-join', flagId });
    await ok(setup.get(claimer.id)!, { type: 'acknowledge', flagId });
    const receiver = { sam: 'sid', sid: 'sam' }[claimer.id];
    if ((action === 'accept-transfer' || action === 'decline-transfer') && receiver) await ok(setup.get(claimer.id)!, { type: 'transfer', flagId, to: receiver });
    return { flagId, interactionId };
  }

  const owners: Record<'agent' | 'supervisor', Record<Ownership, [owner: Participant, claimer: Participant]>> = {
    agent: { own: [ann, sam], 'other-agent': [ben, sam], 'other-team': [cara, sue] },
    supervisor: { own: [ann, sam], 'other-agent': [ben, sid], 'other-team': [cara, sue] },
  };

  it('every command × role × ownership × connection state answers as the rules say', async () => {
    const rows: string[] = [];
    const mismatches: string[] = [];
    let cells = 0;
    for (const role of ['agent', 'supervisor'] as const) {
      const actor = role === 'agent' ? ann : sam;
      for (const state of STATES) {
        const c = await connection(actor, state);
        for (const [action, expected] of Object.entries(EXPECTED[role]) as [Action, Expect[]][]) {
          const cellsText: string[] = [];
          for (const [i, ownership] of OWNERSHIPS.entries()) {
            const [owner, claimer] = owners[role][ownership];
            const got = await attempt(c, action, await fixture(owner, claimer, action), ownership);
            cells++;
            const match = got === expected[i];
            if (!match) mismatches.push(`${role}/${state}/${action}/${ownership}: expected ${expected[i]}, got ${got}`);
            cellsText.push(`${(match ? '✓ ' : '✗ ') + got}`.padEnd(24));
          }
          rows.push(`${role.padEnd(10)} ${state.padEnd(7)} ${action.padEnd(15)} ${cellsText.join(' ')}`);
        }
      }
    }
    console.log(`${'role'.padEnd(10)} ${'conn'.padEnd(7)} ${'command'.padEnd(15)} ${OWNERSHIPS.map((o) => o.padEnd(24)).join(' ')}`);
    for (const row of rows) console.log(row);
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
      opened.push(c);
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
    const same = await RawClient.open(relay.wsUrl, { Origin: `http://127.0.0.1:${relay.port}` }).then((c) => (opened.push(c), 'opened'));
    lines.push(`${evil === '403' ? '✓' : '✗'} ${'wrong Origin (https://evil.example)'.padEnd(46)} → ${evil}`, `${same === 'opened' ? '✓' : '✗'} ${'same-host Origin'.padEnd(46)} → ${same}`);
    if (evil !== '403') wrong.push(`wrong Origin: ${evil}`);
    if (same !== 'opened') wrong.push(`same-host Origin: ${same}`);

    // A command id replayed by another user (fresh and resumed connections alike) is refused and changes nothing.
    const owner = setup.get('ann')!;
    const raised = await owner.command('replayed-raise', { type: 'raise', interactionId: uid('replay'), channel: 'voice', message: 'mine' });
    const flagId = raised.t === 'result' && raised.outcome.ok ? raised.outcome.flagId! : assert.fail('raise');
    await owner.command('replayed-msg', { type: 'send-message', flagId, text: 'original' });
    for (const [who, state] of [[ben, 'fresh'], [sam, 'fresh'], [sam, 'resumed']] as const) {
      const c = await connection(who, state);
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
    const cfix = await fixture(cara, sue, 'history');
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
