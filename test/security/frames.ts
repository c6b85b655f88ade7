/**
 * fast-check generators for protocol frames: valid ones (as JSON-ready objects), and the
 * hostile variations the fuzz suites throw at the decoder and at a live relay.
 */
import fc from 'fast-check';

const id = fc.stringMatching(/^[\w.:@-]{1,24}$/);
const text = fc.string({ maxLength: 40 });
const channel = fc.constantFrom('voice', 'enhanced-messaging', 'enhanced-chat', 'legacy-chat');
const ref = fc.record({ id, name: text, role: fc.constantFrom('agent', 'supervisor') });
const count = fc.nat();
const seq = fc.integer({ min: 1, max: 1e6 });

const command = fc.oneof(
  fc.record(
    {
      type: fc.constant('raise'),
      interactionId: id,
      channel,
      message: text,
      customerLabel: text,
      reason: text,
      severity: fc.constantFrom('normal', 'urgent'),
      team: id,
    },
    { requiredKeys: ['type', 'interactionId', 'channel', 'message'] },
  ),
  fc.record({ type: fc.constantFrom('acknowledge', 'request-join', 'accept-join', 'cancel-join'), flagId: id }),
  fc.record({ type: fc.constantFrom('lower', 'decline-join'), flagId: id, reason: text }, { requiredKeys: ['type', 'flagId'] }),
  fc.record({ type: fc.constant('send-message'), flagId: id, text }),
  fc.record({ type: fc.constant('end-interaction'), interactionId: id }),
);

/** Valid client frames, without the `v` (added by `withV`). */
export const clientFrame = fc.oneof(
  fc.record({ t: fc.constant('hello'), token: fc.string({ maxLength: 64 }), resume: fc.option(fc.record({ epoch: id, pos: count }), { nil: null }) }, { requiredKeys: ['t', 'resume'] }),
  fc.record({ t: fc.constant('cmd'), id, cmd: command }),
  fc.record({ t: fc.constant('history'), rid: id, flagId: id, afterSeq: count }),
  fc.record({ t: fc.constant('snapshot'), rid: id }),
  fc.record({ t: fc.constant('refresh'), token: fc.string({ maxLength: 64 }) }),
  fc.record({ t: fc.constant('settings'), rid: id }),
  // (save-settings is left out: its `value` is any JSON by design, checked by the settings rules, not the frame schema.)
).map(withV);

const eventBase = { flagId: id, seq, at: count, actor: ref };
const event = fc.oneof(
  fc.record({ ...eventBase, type: fc.constant('raised'), interactionId: id, channel, customerLabel: text, team: id, message: text, severity: fc.constantFrom('normal', 'urgent') }),
  fc.record({ ...eventBase, type: fc.constant('acknowledged') }),
  fc.record({ ...eventBase, type: fc.constant('escalated'), level: fc.constantFrom(1, 2) }),
  fc.record({ ...eventBase, type: fc.constant('lowered'), cause: fc.constantFrom('agent', 'supervisor', 'interaction-ended') }),
  fc.record({ ...eventBase, type: fc.constantFrom('join-requested', 'join-accepted', 'join-declined', 'join-cancelled') }),
  fc.record({ ...eventBase, type: fc.constant('message'), text, clientId: id }),
);
const settingDoc = fc.record({
  scope: fc.oneof(fc.record({ kind: fc.constant('team'), team: id }), fc.record({ kind: fc.constant('personal') })),
  key: fc.constant('quickReasons'),
  value: fc.array(fc.constantFrom('Refund', 'Possible fraud'), { maxLength: 3 }),
  version: fc.integer({ min: 1, max: 1_000_000 }),
  updatedAt: count,
  updatedBy: ref,
});
const errorData = fc.record(
  { code: fc.constantFrom('invalid-state', 'not-found', 'not-allowed', 'rate-limited', 'invalid-frame', 'internal'), message: text, details: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })) },
  { requiredKeys: ['code', 'message'] },
);

/** Valid server frames. */
export const serverFrame = fc.oneof(
  fc.record({ t: fc.constant('welcome'), me: fc.record({ id, name: text, role: fc.constantFrom('agent', 'supervisor'), teams: fc.array(id, { maxLength: 4 }) }), epoch: id, pos: count, resumed: fc.boolean() }),
  fc.record({ t: fc.constant('event'), pos: count, event }),
  fc.record({ t: fc.constant('result'), id, outcome: fc.oneof(fc.record({ ok: fc.constant(true), flagId: fc.option(id, { nil: null }), seq: count, changed: fc.boolean() }), fc.record({ ok: fc.constant(false), error: errorData })) }),
  fc.record({ t: fc.constant('history'), rid: id, events: fc.array(event, { maxLength: 4 }) }),
  fc.record({ t: fc.constant('error'), rid: id, error: errorData }, { requiredKeys: ['t', 'error'] }),
  fc.record({ t: fc.constant('bye'), reason: text, reconnectInMs: count }),
  fc.record({ t: fc.constant('settings'), rid: id, docs: fc.array(settingDoc, { maxLength: 2 }) }, { requiredKeys: ['t', 'docs'] }),
).map(withV);

function withV<T extends object>(frame: T): T & { v: 1 } {
  return { v: 1, ...frame };
}

type Json = Record<string, unknown>;

/** Paths to every value inside a frame object (objects and arrays walked). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const out: (string | number)[][] = prefix.length ? [prefix] : [];
  for (const [k, child] of Object.entries(value)) out.push(...paths(child, [...prefix, Array.isArray(value) ? Number(k) : k]));
  return out;
}

function setAt(root: Json, path: (string | number)[], replace: (old: unknown) => unknown | typeof REMOVE): Json {
  const copy = structuredClone(root);
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  const next = replace(node[last]);
  if (next === REMOVE) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = next;
  return copy;
}
const REMOVE = Symbol('remove');

/** A value of a different JSON type than `old` (so a strict schema must refuse it). */
export const otherType = (old: unknown) =>
  fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }))
    .filter((v) => jsonType(v) !== jsonType(old));

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** A valid frame with one value somewhere inside swapped for a value of another type. */
export function wrongType(frames: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return frames.chain((frame) =>
    fc.constantFrom(...paths(frame)).chain((path) =>
      otherType(valueAt(frame, path))
        // `resume` is the one nullable field of a client frame: null there is valid.
        .filter((v) => !(v === null && path.at(-1) === 'resume'))
        .map((v) => setAt(frame, path, () => v)),
    ),
  );
}

/** A valid frame with a value removed, or an unknown key added, or anything anywhere. */
export function mutated(frames: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return frames.chain((frame) =>
    fc.oneof(
      fc.constantFrom(...paths(frame)).map((path) => setAt(frame, path, () => REMOVE)),
      fc.tuple(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 })).map(([k, v]) => ({ ...frame, [k]: v })),
      fc.tuple(fc.constantFrom(...paths(frame)), fc.jsonValue({ maxDepth: 4 })).map(([path, v]) => setAt(frame, path, () => v)),
    ),
  );
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);
}

/** JSON nesting `depth` levels deep (arrays or objects), within the 64K frame limit. */
export const deepValue = fc.tuple(fc.integer({ min: 1, max: 15_000 }), fc.boolean()).map(([depth, arrays]) =>
  arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '0' + '}'.repeat(depth),
);

/** A frame (as text) with a deeply nested value where each schema part would meet it. */
const DEEP_AT: ((deep: string) => string)[] = [
  (d) => `{"v":${d},"t":"snapshot","rid":"r"}`,
  (d) => `{"v":1,"t":${d}}`,
  (d) => `{"v":1,"t":"cmd","id":"deep","cmd":${d}}`,
  (d) => `{"v":1,"t":"hello","resume":${d}}`,
  (d) => `{"v":1,"t":"event","pos":1,"event":${d}}`,
  (d) => `{"v":1,"t":"error","error":{"code":"internal","message":"m","details":{"d":${d}}}}`,
  (d) => `{"v":1,"t":"snapshot","rid":"r","extra":${d}}`,
];
export const deepFrame = fc.tuple(deepValue, fc.constantFrom(...DEEP_AT)).map(([deep, at]) => at(deep));

/** Any version but 1, in any JSON type. */
export const unknownVersion = fc.tuple(clientFrame, fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== 1)).map(([f, v]) => ({ ...f, v }));

/** Random bytes read as text (UTF-8 or Latin-1), and random text. */
export const garbage = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b).toString('utf8')),
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.string({ unit: 'binary', maxLength: 256 }),
  fc.json({ maxDepth: 4 }),
);

/** A prefix of a valid frame's text: what a torn or fragmented write would leave. */
export const truncated = (frames: fc.Arbitrary<Json>) =>
  frames.map((f) => JSON.stringify(f)).chain((text) => fc.nat({ max: text.length - 1 }).map((n) => text.slice(0, n)));

/** Strings at and just over the frame limit. */
export const huge = fc.tuple(fc.integer({ min: 60_000, max: 70_000 }), fc.constantFrom('x', 'é', '😀', '\u202e')).map(
  ([n, ch]) => JSON.stringify({ v: 1, t: 'cmd', id: 'huge', cmd: { type: 'send-message', flagId: 'f', text: ch.repeat(Math.ceil(n / ch.length)) } }),
);
