import { expect } from '@esm-bundle/chai';
import { FlagError } from '../errors.js';
import type { Participant } from '../model.js';
import { decodeServerFrame, encodeFrame, type ServerFrame } from '../protocol.js';
import { Authority } from './authority.js';
import { AuthoritySession, MAX_HELD, type AuthorityChoice, type SessionOptions } from './session.js';
import { MemoryStorage } from './storage.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['team-a'] };
const sue: Participant = { id: 'sue', name: 'Sue Supervisor', role: 'supervisor', teams: ['team-a'] };

/**
 * A session whose outgoing frames are decoded as a client would (so every frame it sends must
 * validate), and whose frames as data (what the relay's metrics read) are exactly what was sent.
 */
function connect(authority: AuthorityChoice, tokens: Record<string, Participant>, opts: Partial<SessionOptions> = {}) {
  const frames: ServerFrame[] = [];
  const session = new AuthoritySession(authority, {
    authenticate: async (token) => {
      const p = token === undefined ? undefined : tokens[token];
      if (!p) throw new FlagError('unauthenticated', 'Unknown token.');
      return { participant: structuredClone(p) };
    },
    send: (raw, sent) => {
      expect(raw).to.equal(encodeFrame(sent));
      frames.push(decodeServerFrame(raw));
    },
    ...opts,
  });
  const send = (frame: Parameters<typeof encodeFrame>[0]) => session.receive(encodeFrame(frame));
  return { session, frames, send };
}
const tokens = { 'ann-token': ann, 'sue-token': sue };
const errorCodes = (frames: ServerFrame[]) => frames.flatMap((f) => (f.t === 'error' ? [[f.rid ?? null, f.error.code]] : []));

describe('AuthoritySession', () => {
  let authority: Authority;
  beforeEach(async () => {
    authority = await Authority.open({ storage: new MemoryStorage() });
  });
  afterEach(() => authority.close());

  it('welcomes the participant its token names, runs commands and streams the events it may see', async () => {
    const c = connect(authority, tokens);
    await c.send({ t: 'hello', token: 'ann-token', resume: null });
    // The welcome also tells the client the rules it will be held to; then what it may know of presence.
    expect(c.frames).to.deep.equal([
      { v: 1, t: 'welcome', me: ann, epoch: authority.epoch, pos: 0, resumed: false, config: authority.config },
      { v: 1, t: 'presence', presence: { available: { 'team-a': 0 } } },
    ]);
    expect(c.session.participant).to.deep.equal(ann);
    await c.send({ t: 'cmd', id: 'f1', cmd: { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'help' } });
    expect(c.frames.slice(2).map((f) => f.t)).to.deep.equal(['event', 'result']);
    expect(c.frames[3]).to.deep.equal({ v: 1, t: 'result', id: 'f1', outcome: { ok: true, flagId: 'f1', seq: 1, changed: true } });
    expect(c.frames[2]).to.deep.include({ t: 'event', pos: 1 });
  });

  it('works on the Authority its verified hello picks (one per tenant), frames pipelined behind the hello included', async () => {
    const other = await Authority.open({ storage: new MemoryStorage() });
    try {
      const chosen: string[] = [];
      const pick = (auth: { participant: Participant }) => (chosen.push(auth.participant.id), auth.participant.id === 'sue' ? other : authority);
      const a = connect(pick, tokens);
      const s = connect(pick, tokens);
      await Promise.all([
        a.send({ t: 'hello', token: 'ann-token', resume: null }),
        a.send({ t: 'cmd', id: 'f1', cmd: { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'help' } }),
      ]);
      await s.send({ t: 'hello', token: 'sue-token', resume: null });
      await s.send({ t: 'history', rid: 'h', flagId: 'f1', afterSeq: 0 });
      expect(chosen).to.deep.equal(['ann', 'sue']);
      expect(authority.flag('f1')?.status).to.equal('raised');
      expect(other.flag('f1')).to.equal(undefined);
      expect(s.frames.find((f) => f.t === 'welcome')).to.deep.include({ epoch: other.epoch, pos: 0 });
      expect(errorCodes(s.frames)).to.deep.equal([['h', 'not-found']]);
    } finally {
      await other.close();
    }
  });

  it('takes identity only from authentication: frames before hello are refused; a refused hello ends the session', async () => {
    const refusals: string[] = [];
    const c = connect(authority, tokens, { refused: (error) => refusals.push(`${c.frames.length}:${error.code}`) });
    await c.send({ t: 'cmd', id: 'c1', cmd: { type: 'end-interaction', interactionId: 'i-1' } });
    await c.send({ t: 'history', rid: 'r1', flagId: 'f', afterSeq: 0 });
    await c.send({ t: 'snapshot', rid: 'r2' });
    await c.send({ t: 'refresh', token: 'ann-token' });
    await c.send({ t: 'hello', token: 'forged', resume: null });
    await c.send({ t: 'hello', token: 'ann-token', resume: null });
    await c.send({ t: 'snapshot', rid: 'r3' });
    expect(errorCodes(c.frames)).to.deep.equal([
      ['c1', 'unauthenticated'],
      ['r1', 'unauthenticated'],
      ['r2', 'unauthenticated'],
      [null, 'unauthenticated'],
      [null, 'unauthenticated'],
    ]);
    // The refusal's error frame is out before the host is told to close the connection.
    expect(refusals).to.deep.equal(['5:unauthenticated']);
    expect(c.session.phase).to.equal('refused');
    expect(c.session.participant).to.equal(null);
  });

  it('welcomes each participant with offer routing of their own teams only, and no supervisor’s skills', async () => {
    const routed = { mode: 'offer', offerMs: 30_000, maxPerSupervisor: 2 } as const;
    const config = { routing: { 'team-a': { ...routed, skills: { sue: ['refund'] } }, 'team-b': { ...routed, skills: { tom: ['legal'] } } } };
    const routedAuthority = await Authority.open({ storage: new MemoryStorage(), config });
    for (const token of ['ann-token', 'sue-token']) {
      const c = connect(routedAuthority, tokens);
      await c.send({ t: 'hello', token, resume: null });
      const welcome = c.frames.find((f) => f.t === 'welcome');
      expect(welcome?.t === 'welcome' && welcome.config?.routing).to.deep.equal({ 'team-a': routed });
    }
    await routedAuthority.close();
  });

  it('two hellos pipelined before the first is verified: one welcome, the second is invalid-frame, accepted once', async () => {
    const accepted: string[] = [];
    const c = connect(authority, tokens, { accept: (auth, kind) => accepted.push(`${kind}:${auth.participant.id}`) });
    // Both frames arrive before either token is verified, as from one network write.
    await Promise.all([c.send({ t: 'hello', token: 'ann-token', resume: null }), c.send({ t: 'hello', token: 'sue-token', resume: null })]);
    expect(c.frames.map((f) => f.t).sort()).to.deep.equal(['error', 'presence', 'welcome']);
    expect(errorCodes(c.frames)).to.deep.equal([[null, 'invalid-frame']]);
    expect(accepted).to.deep.equal(['hello:ann']);
    expect(c.session.participant).to.deep.equal(ann);
  });

  it('frames pipelined behind a hello are held while it is verified, then answered in order', async () => {
    const c = connect(authority, tokens);
    await Promise.all([
      c.send({ t: 'hello', token: 'ann-token', resume: null }),
      c.send({ t: 'cmd', id: 'f1', cmd: { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'help' } }),
      c.send({ t: 'snapshot', rid: 's1' }),
    ]);
    expect(c.frames[0]).to.deep.include({ t: 'welcome' });
    expect(errorCodes(c.frames)).to.deep.equal([]);
    expect(c.frames.some((f) => f.t === 'result' && f.id === 'f1' && f.outcome.ok)).to.equal(true);
    expect(c.frames.some((f) => f.t === 'snapshot' && f.rid === 's1')).to.equal(true);
  });

  it('holds at most MAX_HELD frames behind an unverified hello; more are refused against their ids', async () => {
    let finish!: (a: { participant: Participant }) => void;
    const c = connect(authority, tokens, { authenticate: () => new Promise((r) => (finish = r)) });
    const pending = [c.send({ t: 'hello', token: 'ann-token', resume: null })];
    for (let i = 0; i <= MAX_HELD; i++) pending.push(c.send({ t: 'snapshot', rid: `s${i}` }));
    finish({ participant: ann });
    await Promise.all(pending);
    expect(errorCodes(c.frames)).to.deep.equal([[`s${MAX_HELD}`, 'rate-limited']]);
    expect(c.frames.filter((f) => f.t === 'snapshot')).to.have.length(MAX_HELD);
  });

  it('answers an invalid frame with invalid-frame and changes nothing', async () => {
    const c = connect(authority, tokens);
    await c.send({ t: 'hello', token: 'ann-token', resume: null });
    await c.session.receive('{"v":1,"t":"cmd","id":"c1","cmd":{"type":"raise","interactionId":"i","channel":"voice","message":7}}');
    await c.session.receive('not json');
    await c.send({ t: 'hello', token: 'ann-token', resume: null });
    // An invalid command is answered against its id, so its sender is not left waiting.
    expect(errorCodes(c.frames)).to.deep.equal([
      ['c1', 'invalid-frame'],
      [null, 'invalid-frame'],
      [null, 'invalid-frame'],
    ]);
    const last = c.frames.at(-1) as Extract<ServerFrame, { t: 'error' }>;
    expect(last.error.message).to.equal('Already said hello: hello is sent once per connection.');
    expect(authority.pos).to.equal(0);
  });

  it('serves history and snapshots, and reports a refused history request against its rid', async () => {
    const a = connect(authority, tokens);
    await a.send({ t: 'hello', token: 'ann-token', resume: null });
    await a.send({ t: 'cmd', id: 'f1', cmd: { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'help' } });
    await a.send({ t: 'history', rid: 'r1', flagId: 'f1', afterSeq: 0 });
    await a.send({ t: 'snapshot', rid: 'r2' });
    await a.send({ t: 'history', rid: 'r3', flagId: 'missing', afterSeq: 0 });
    const byT = (t: string) => a.frames.filter((f) => f.t === t);
    expect((byT('history')[0] as Extract<ServerFrame, { t: 'history' }>).events.map((e) => e.type)).to.deep.equal(['raised']);
    expect((byT('snapshot')[0] as Extract<ServerFrame, { t: 'snapshot' }>).snapshot).to.deep.include({ epoch: authority.epoch, pos: 1 });
    expect(errorCodes(a.frames)).to.deep.equal([['r3', 'not-found']]);
  });

  it('resumes: replays missed events right after the welcome, then live ones, with nothing in between lost', async () => {
    await authority.execute(ann, { id: 'f1', command: { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'help' } });
    await authority.execute(ann, { id: 'm1', command: { type: 'send-message', flagId: 'f1', text: 'x' } });
    const c = connect(authority, tokens);
    await c.send({ t: 'hello', token: 'sue-token', resume: { epoch: authority.epoch, pos: 1 } });
    await authority.execute(sue, { id: 'a1', command: { type: 'acknowledge', flagId: 'f1' } });
    expect(c.frames.map((f) => (f.t === 'event' ? f.pos : f.t))).to.deep.equal(['welcome', 2, 'presence', 3]);
    expect(c.frames[0]).to.deep.include({ resumed: true, pos: 2 });
    const stale = connect(authority, tokens);
    await stale.send({ t: 'hello', token: 'sue-token', resume: { epoch: 'elsewhere', pos: 1 } });
    expect(stale.frames.map((f) => f.t)).to.deep.equal(['welcome', 'presence']);
    expect(stale.frames[0]).to.deep.include({ t: 'welcome', resumed: false, pos: 3 });
  });

  it('refresh keeps the participant but updates what it may see; another participant or role is refused and not accepted', async () => {
    const moved: Participant = { ...sue, teams: ['team-b'] };
    const promoted: Participant = { ...sue, role: 'agent' };
    const accepted: string[] = [];
    const c = connect(authority, { ...tokens, 'sue-b': moved, 'sue-agent': promoted }, { accept: (auth, kind) => accepted.push(`${kind}:${auth.participant.teams.join()}`) });
    await c.send({ t: 'hello', token: 'sue-token', resume: null });
    await c.send({ t: 'refresh', token: 'sue-b' });
    await authority.execute(ann, { id: 'f1', command: { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'help' } });
    expect(c.frames.filter((f) => f.t === 'event')).to.have.length(0);
    await c.send({ t: 'refresh', token: 'ann-token' });
    await c.send({ t: 'refresh', token: 'sue-agent' });
    expect(errorCodes(c.frames)).to.deep.equal([
      [null, 'unauthenticated'],
      [null, 'unauthenticated'],
    ]);
    // Only fully accepted tokens reach the host (which moves the connection's expiry on them).
    expect(accepted).to.deep.equal(['hello:team-a', 'refresh:team-b']);
    expect(c.session.participant).to.deep.equal(moved);
  });

  it('a refresh that adds a team starts delivering that team\'s events (the fan-out index follows it)', async () => {
    const widened: Participant = { ...sue, teams: ['team-a', 'team-b'] };
    const bob: Participant = { id: 'bob', name: 'Bob Agent', role: 'agent', teams: ['team-b'] };
    const c = connect(authority, { ...tokens, 'sue-ab': widened });
    await c.send({ t: 'hello', token: 'sue-token', resume: null });
    await authority.execute(bob, { id: 'b1', command: { type: 'raise', interactionId: 'i-b1', channel: 'voice', message: 'before' } });
    expect(c.frames.filter((f) => f.t === 'event')).to.have.length(0);
    await c.send({ t: 'refresh', token: 'sue-ab' });
    await authority.execute(bob, { id: 'b2', command: { type: 'raise', interactionId: 'i-b2', channel: 'voice', message: 'after' } });
    await authority.execute(ann, { id: 'a1', command: { type: 'raise', interactionId: 'i-a1', channel: 'voice', message: 'still mine' } });
    expect(c.frames.flatMap((f) => (f.t === 'event' ? [f.event.flagId] : []))).to.deep.equal(['b2', 'a1']);
  });

  it('lets an admit hook refuse a frame (e.g. rate limiting) before it runs', async () => {
    let budget = 1;
    const c = connect(authority, tokens, {
      admit: (frame) => {
        if (frame?.t === 'cmd' && budget-- <= 0) throw new FlagError('rate-limited', 'Slow down.');
      },
    });
    await c.send({ t: 'hello', token: 'ann-token', resume: null });
    await c.send({ t: 'cmd', id: 'f1', cmd: { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'help' } });
    await c.send({ t: 'cmd', id: 'f2', cmd: { type: 'raise', interactionId: 'i-2', channel: 'voice', message: 'help' } });
    expect(errorCodes(c.frames)).to.deep.equal([['f2', 'rate-limited']]);
    expect(authority.pos).to.equal(1);
  });

  it('hides unexpected failures behind a generic internal error', async () => {
    const c = connect(authority, tokens, {
      authenticate: async () => {
        throw new Error('database password is hunter2');
      },
    });
    await c.send({ t: 'hello', token: 'x', resume: null });
    expect(c.frames).to.deep.equal([{ v: 1, t: 'error', error: { code: 'internal', message: 'Internal error.' } }]);
  });

  it('sends nothing once closed, even a welcome whose authentication was still running', async () => {
    let finish!: (a: { participant: Participant }) => void;
    const c = connect(authority, tokens, { authenticate: () => new Promise((r) => (finish = r)) });
    const hello = c.send({ t: 'hello', token: 'ann-token', resume: null });
    c.session.close();
    finish({ participant: ann });
    await hello;
    await authority.execute(ann, { id: 'f1', command: { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'help' } });
    expect(c.frames).to.deep.equal([]);
    const live = connect(authority, tokens);
    await live.send({ t: 'hello', token: 'ann-token', resume: null });
    live.session.close();
    await authority.execute(ann, { id: 'm1', command: { type: 'send-message', flagId: 'f1', text: 'x' } });
    expect(live.frames.map((f) => f.t)).to.deep.equal(['welcome', 'presence']);
  });
});
