import { expect } from '@esm-bundle/chai';
import fc from 'fast-check';
import { FlagError } from './errors.js';
import type { FlagEvent } from './model.js';
import { decodeClientFrame, decodeServerFrame, encodeFrame, MAX_FRAME_LENGTH, PROTOCOL_VERSION, type ClientFrame, type ServerFrame } from './protocol.js';

const actor = { id: 'ann', name: 'Ann Agent', role: 'agent' } as const;
const raised: FlagEvent = { type: 'raised', flagId: 'f-1', seq: 1, at: 10, actor, interactionId: 'i-1', channel: 'voice', customerLabel: 'Jo', team: 'team-a', message: 'help', severity: 'urgent', reason: 'billing' };
const message: FlagEvent = { type: 'message', flagId: 'f-1', seq: 2, at: 11, actor, text: '<img src=x onerror=alert(1)>', clientId: 'c-1' };

const clientFrames: ClientFrame[] = [
  { v: 1, t: 'hello', resume: null },
  { v: 1, t: 'hello', token: 'eyJhbGciOi.x.y', resume: { epoch: 'e-1', pos: 42 } },
  { v: 1, t: 'cmd', id: 'c-1', cmd: { type: 'raise', interactionId: 'i-1', channel: 'enhanced-chat', message: 'help', customerLabel: 'Jo', reason: 'r', severity: 'normal', team: 'team-a' } },
  { v: 1, t: 'cmd', id: 'c-2', cmd: { type: 'acknowledge', flagId: 'f-1' } },
  { v: 1, t: 'cmd', id: 'c-3', cmd: { type: 'lower', flagId: 'f-1', reason: 'done' } },
  { v: 1, t: 'cmd', id: 'c-4', cmd: { type: 'send-message', flagId: 'f-1', text: '' } },
  { v: 1, t: 'cmd', id: 'c-5', cmd: { type: 'decline-join', flagId: 'f-1' } },
  { v: 1, t: 'cmd', id: 'user@example.com:1', cmd: { type: 'end-interaction', interactionId: 'i-1' } },
  { v: 1, t: 'history', rid: 'r1', flagId: 'f-1', afterSeq: 0 },
  { v: 1, t: 'snapshot', rid: 'r2' },
  { v: 1, t: 'refresh', token: 't' },
  { v: 1, t: 'settings', rid: 'r4' },
  { v: 1, t: 'save-settings', rid: 'r5', save: { id: 's-1', scope: { kind: 'team', team: 'team-a' }, key: 'quickReasons', value: ['Refund'], version: 0 } },
  // The value is any JSON here: the settings rules check it (answering too-long or invalid-input, not invalid-frame).
  { v: 1, t: 'save-settings', rid: 'r6', save: { id: 's-2', scope: { kind: 'personal' }, key: 'alerts', value: { anything: [1] }, version: 3 } },
];

const serverFrames: ServerFrame[] = [
  { v: 1, t: 'welcome', me: { id: 'ann', name: 'Ann', role: 'agent', teams: ['team-a'] }, epoch: 'e-1', pos: 0, resumed: false },
  { v: 1, t: 'event', pos: 1, event: raised },
  { v: 1, t: 'event', pos: 2, event: message },
  { v: 1, t: 'event', pos: 3, event: { type: 'escalated', level: 2, flagId: 'f-1', seq: 3, at: 12, actor: { id: 'system', name: 'Flagline', role: 'supervisor' } } },
  { v: 1, t: 'event', pos: 4, event: { type: 'lowered', cause: 'interaction-ended', flagId: 'f-1', seq: 4, at: 13, actor } },
  { v: 1, t: 'result', id: 'c-1', outcome: { ok: true, flagId: 'f-1', seq: 1, changed: true } },
  { v: 1, t: 'result', id: 'c-2', outcome: { ok: true, flagId: null, seq: 0, changed: false, note: 'no-open-flag' } },
  { v: 1, t: 'result', id: 'c-3', outcome: { ok: false, error: { code: 'already-acknowledged', message: 'Sue got it', details: { acknowledgedBy: { id: 'sue', name: 'Sue', role: 'supervisor' } } } } },
  { v: 1, t: 'history', rid: 'r1', events: [raised, message] },
  { v: 1, t: 'snapshot', rid: 'r2', snapshot: { epoch: 'e-1', pos: 2, events: [raised] } },
  { v: 1, t: 'error', error: { code: 'invalid-frame', message: 'bad' } },
  { v: 1, t: 'error', rid: 'r3', error: { code: 'not-allowed', message: 'no' } },
  { v: 1, t: 'bye', reason: 'restarting', reconnectInMs: 500 },
  { v: 1, t: 'settings', rid: 'r4', docs: [{ scope: { kind: 'team', team: 'team-a' }, key: 'cannedReplies', value: [{ id: 'a', title: 'Hold', text: 'Hi {agent}' }], version: 2, updatedAt: 5, updatedBy: actor }] },
  { v: 1, t: 'settings', docs: [{ scope: { kind: 'personal' }, key: 'alerts', value: { repeatMs: 30_000, maxRepeats: 5, sound: true, desktop: false }, version: 1, updatedAt: 5, updatedBy: actor }] },
];

function invalid(decode: (raw: unknown) => unknown, raw: unknown): FlagError {
  try {
    decode(raw);
  } catch (err) {
    expect(err).to.be.instanceOf(FlagError);
    expect((err as FlagError).code).to.equal('invalid-frame');
    return err as FlagError;
  }
  throw new Error(`expected ${String(raw).slice(0, 80)} to be rejected`);
}
const withV = <T extends { v: number }>(frame: T): Omit<T, 'v'> => {
  const { v: _v, ...rest } = frame;
  return rest;
};

describe('protocol: valid frames', () => {
  it('round-trips every client frame through encodeFrame and decodeClientFrame', () => {
    for (const frame of clientFrames) expect(decodeClientFrame(encodeFrame(withV(frame) as never))).to.deep.equal(frame);
  });

  it('round-trips every server frame through encodeFrame and decodeServerFrame', () => {
    for (const frame of serverFrames) expect(decodeServerFrame(encodeFrame(withV(frame) as never))).to.deep.equal(frame);
  });

  it('stamps the protocol version on every encoded frame', () => {
    expect(JSON.parse(encodeFrame({ t: 'snapshot', rid: 'r' }))).to.deep.equal({ v: PROTOCOL_VERSION, t: 'snapshot', rid: 'r' });
  });
});

describe('protocol: invalid frames are FlagError invalid-frame with a helpful message', () => {
  it('refuses non-text, non-JSON and non-object frames', () => {
    expect(invalid(decodeClientFrame, { v: 1, t: 'snapshot', rid: 'r' }).message).to.equal('A frame must be JSON text.');
    expect(invalid(decodeClientFrame, '{"v":1,').message).to.equal('Frame is not valid JSON.');
    for (const raw of ['null', '42', '"hello"', '[]', 'true']) expect(invalid(decodeClientFrame, raw).message).to.match(/^Invalid frame/);
  });

  it('refuses another protocol version and names both', () => {
    expect(invalid(decodeClientFrame, '{"v":2,"t":"snapshot","rid":"r"}').message).to.equal('Unsupported protocol version 2; this side speaks 1.');
    expect(invalid(decodeServerFrame, '{"v":"1","t":"bye","reason":"x","reconnectInMs":0}').message).to.contain('version "1"');
    expect(invalid(decodeClientFrame, '{"t":"snapshot","rid":"r"}').message).to.contain('at v');
  });

  it('refuses unknown frame types and unknown command types, naming what is allowed', () => {
    expect(invalid(decodeClientFrame, '{"v":1,"t":"welcome","rid":"r"}').message).to.contain('at t');
    expect(invalid(decodeServerFrame, '{"v":1,"t":"hello","resume":null}').message).to.contain('"welcome"');
    expect(invalid(decodeClientFrame, '{"v":1,"t":"cmd","id":"c","cmd":{"type":"delete","flagId":"f"}}').message).to.contain('at cmd.type');
  });

  it('refuses wrong field types and out-of-range numbers, with the path', () => {
    const cases: Array<[string, string]> = [
      ['{"v":1,"t":"cmd","id":"c","cmd":{"type":"send-message","flagId":"f","text":42}}', 'cmd.text'],
      ['{"v":1,"t":"history","rid":"r","flagId":"f","afterSeq":-1}', 'afterSeq'],
      ['{"v":1,"t":"history","rid":"r","flagId":"f","afterSeq":1.5}', 'afterSeq'],
      ['{"v":1,"t":"hello","resume":{"epoch":"e","pos":1e400}}', 'resume.pos'],
      ['{"v":1,"t":"cmd","id":"c","cmd":{"type":"raise","interactionId":"i","channel":"fax","message":"m"}}', 'cmd.channel'],
      ['{"v":1,"t":"cmd","id":"c","cmd":{"type":"raise","interactionId":"i","channel":"voice","message":"m","severity":"panic"}}', 'cmd.severity'],
    ];
    for (const [raw, path] of cases) expect(invalid(decodeClientFrame, raw).message).to.contain(`at ${path}`);
    expect(invalid(decodeServerFrame, encodeFrame({ t: 'event', pos: 1, event: { ...raised, seq: '1' as unknown as number } })).message).to.contain('event.seq');
    expect(invalid(decodeServerFrame, '{"v":1,"t":"welcome","me":{"id":"a","name":"A","role":"admin","teams":[]},"epoch":"e","pos":0,"resumed":false}').message).to.contain('me.role');
  });

  it('refuses extra fields anywhere, including identity smuggled into a command', () => {
    expect(invalid(decodeClientFrame, '{"v":1,"t":"snapshot","rid":"r","admin":true}').message).to.contain('at admin');
    expect(invalid(decodeClientFrame, '{"v":1,"t":"cmd","id":"c","cmd":{"type":"acknowledge","flagId":"f","actor":{"id":"sue"}}}').message).to.contain('cmd.actor');
    invalid(decodeClientFrame, '{"v":1,"t":"hello","resume":null,"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  it('refuses bad ids: empty, too long, spaces, slashes, non-ASCII', () => {
    for (const id of ['', 'x'.repeat(129), 'a b', 'a/b', 'flag\n', 'drapeau-é', '<script>']) {
      expect(invalid(decodeClientFrame, encodeFrame({ t: 'cmd', id, cmd: { type: 'acknowledge', flagId: 'f' } })).message).to.contain('at id');
    }
    expect(decodeClientFrame(encodeFrame({ t: 'cmd', id: 'x'.repeat(128), cmd: { type: 'acknowledge', flagId: 'f' } }))).to.have.property('id');
  });

  it('refuses huge frames before parsing them', () => {
    const huge = encodeFrame({ t: 'cmd', id: 'c', cmd: { type: 'send-message', flagId: 'f', text: 'x'.repeat(MAX_FRAME_LENGTH) } });
    expect(invalid(decodeClientFrame, huge).message).to.equal(`Frame of ${huge.length} characters exceeds the ${MAX_FRAME_LENGTH} limit.`);
    expect(invalid(decodeClientFrame, ' '.repeat(MAX_FRAME_LENGTH + 1)).message).to.contain('exceeds');
  });

  it('accepts a server snapshot far larger than a client frame (a wallboard with a thousand open flags)', () => {
    const events = Array.from({ length: 1000 }, (_, i) => ({ ...raised, flagId: `f-${i}`, interactionId: `i-${i}` }));
    const big = encodeFrame({ t: 'snapshot', rid: 'r', snapshot: { epoch: 'e-1', pos: 1000, events } });
    expect(big.length).to.be.greaterThan(MAX_FRAME_LENGTH);
    const frame = decodeServerFrame(big);
    expect(frame.t === 'snapshot' && frame.snapshot.events.length).to.equal(1000);
  });

  it('refuses deep nesting without overflowing the stack', () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    invalid(decodeClientFrame, deep(30_000));
    invalid(decodeClientFrame, `{"v":1,"t":"cmd","id":"c","cmd":{"type":"send-message","flagId":"f","text":${deep(20_000)}}}`);
    expect(invalid(decodeServerFrame, `{"v":1,"t":"error","error":{"code":"internal","message":"m","details":{"a":${deep(20_000)}}}}`).message).to.contain('error.details');
  });

  it('refuses unknown error codes from a server', () => {
    expect(invalid(decodeServerFrame, '{"v":1,"t":"error","error":{"code":"oops","message":"m"}}').message).to.contain('error.code');
  });
});

describe('protocol: property — decoding never fails any other way', () => {
  const decoders = [decodeClientFrame, decodeServerFrame];
  const decodesOrInvalid = (raw: unknown) => {
    for (const decode of decoders) {
      try {
        decode(raw);
      } catch (err) {
        if (!(err instanceof FlagError) || err.code !== 'invalid-frame') throw err;
      }
    }
  };
  const frame = fc.constantFrom<object>(...clientFrames, ...serverFrames);
  /** A valid frame with one field, at any depth, replaced by an arbitrary JSON value. */
  const mutated = fc.tuple(frame, fc.jsonValue(), fc.nat()).map(([f, value, pick]) => {
    const copy = structuredClone(f) as Record<string, unknown>;
    const paths: Array<[Record<string, unknown>, string]> = [];
    const walk = (o: Record<string, unknown>) => {
      for (const [k, child] of Object.entries(o)) {
        paths.push([o, k]);
        if (child && typeof child === 'object') walk(child as Record<string, unknown>);
      }
    };
    walk(copy);
    const [parent, key] = paths[pick % paths.length]!;
    parent[key] = value;
    return JSON.stringify(copy);
  });

  it('arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), decodesOrInvalid), { numRuns: 500 });
  });

  it('arbitrary JSON texts and non-string values', () => {
    fc.assert(fc.property(fc.json(), decodesOrInvalid), { numRuns: 500 });
    fc.assert(fc.property(fc.anything(), decodesOrInvalid), { numRuns: 200 });
  });

  it('valid frames with one field replaced by arbitrary JSON', () => {
    fc.assert(fc.property(mutated, decodesOrInvalid), { numRuns: 1000 });
  });
});
