/**
 * The client checks server frames by shape (decodeServerFrame, wire/shape.ts) where the source of
 * truth's schema checks everything (ServerFrameSchema). Differential: on a valid frame of every
 * kind and every event type, and on every one-field mutation of them, the two agree — except that
 * the shape does not check refinements (lengths, id formats, integer-ness), by design.
 */
import { expect } from '@esm-bundle/chai';
import * as v from 'valibot';
import { FlagError } from '../errors.js';
import { decodeServerFrame, ServerFrameSchema } from '../protocol.js';
import { EventSchema } from '../schemas.js';
import { mismatch, MAX_UNKNOWN_DEPTH } from './shape.js';

interface Node {
  type: string;
  entries?: Record<string, Node>;
  options?: Node[] | unknown[];
  wrapped?: Node;
  item?: Node;
  value?: Node;
  literal?: unknown;
}

/** Valid values of a schema: one per variant option (recursively), every optional field present. */
function samples(node: Node): unknown[] {
  switch (node.type) {
    case 'string':
      return ['a'];
    case 'number':
      return [1000]; // an integer every minimum in the protocol accepts
    case 'boolean':
      return [true];
    case 'unknown':
      return [{ nested: [1] }];
    case 'literal':
      return [node.literal];
    case 'picklist':
      return node.options!;
    case 'optional':
    case 'nullable':
      return samples(node.wrapped!);
    case 'array':
      return [samples(node.item!).slice(0, 1)];
    case 'record':
      return [{ k: samples(node.value!)[0] }];
    case 'variant':
    case 'union':
      return (node.options as Node[]).flatMap(samples);
    case 'strict_object': {
      // One object per sample of each field that has several (variants), the others at their first.
      const keys = Object.keys(node.entries!);
      const first = Object.fromEntries(keys.map((k) => [k, samples(node.entries![k]!)[0]]));
      const more = keys.flatMap((k) => samples(node.entries![k]!).slice(1).map((alt) => ({ ...first, [k]: alt })));
      return [first, ...more];
    }
    default:
      throw new Error(`no sample for ${node.type}`);
  }
}

const frames = samples(ServerFrameSchema as unknown as Node);
const fullCheck = (value: unknown) => v.safeParse(ServerFrameSchema, value, { abortEarly: false });
/** The schema refuses it for a reason the shape checks: a type, a key, a literal, not a refinement. */
const refusedByShape = (value: unknown) => {
  const result = fullCheck(value);
  return !result.success && result.issues.some((issue) => issue.kind === 'schema');
};
const shapeAccepts = (value: unknown) => {
  try {
    decodeServerFrame(JSON.stringify(value));
    return true;
  } catch (err) {
    if (!(err instanceof FlagError) || err.code !== 'invalid-frame') throw err;
    return false;
  }
};

/** Every one-field change of a frame: a key removed, a value of another JSON type, an unknown key added. */
function* mutations(frame: unknown): Generator<[string, unknown]> {
  const others = [null, 7, 'x', true, [], {}];
  function* at(value: unknown, path: string[], replace: (next: unknown) => unknown): Generator<[string, unknown]> {
    for (const other of others) if (JSON.stringify(other) !== JSON.stringify(value)) yield [`${path.join('.')} = ${JSON.stringify(other)}`, replace(other)];
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) yield* at(value[i], [...path, String(i)], (next) => replace(value.map((x, j) => (j === i ? next : x))));
    } else if (typeof value === 'object' && value !== null) {
      const object = value as Record<string, unknown>;
      yield [`${path.join('.')} + unknown key`, replace({ ...object, zz: 1 })];
      for (const key of Object.keys(object)) {
        const { [key]: _removed, ...rest } = object;
        yield [`${[...path, key].join('.')} removed`, replace(rest)];
        yield* at(object[key], [...path, key], (next) => replace({ ...object, [key]: next }));
      }
    }
  }
  yield* at(frame, [], (next) => next);
}

describe('server frames: the shape the client checks agrees with the schema', () => {
  it('has a valid sample of every frame and every event type, and both accept each unchanged', () => {
    const seen = (key: 't' | 'type') => new Set(frames.flatMap((f) => { const frame = f as { t: string; event?: { type: string } }; return key === 't' ? [frame.t] : frame.event ? [frame.event.type] : []; }));
    const tags = (schema: unknown, key: string) => ((schema as Node).options as Node[]).flatMap((o) => { const tag = o.entries![key]!; return tag.type === 'literal' ? [tag.literal] : (tag.options as unknown[]); });
    expect([...seen('t')].sort()).to.deep.equal(tags(ServerFrameSchema, 't').sort());
    expect([...seen('type')].sort()).to.deep.equal(tags(EventSchema, 'type').sort());
    for (const frame of frames) {
      expect(fullCheck(frame).success, JSON.stringify(frame)).to.equal(true);
      expect(decodeServerFrame(JSON.stringify(frame))).to.deep.equal(frame);
    }
  });

  it('on every one-field mutation, refuses exactly what the schema refuses for its shape', () => {
    let checked = 0;
    for (const frame of frames) {
      for (const [what, mutated] of mutations(frame)) {
        expect(shapeAccepts(mutated), `${(frame as { t: string }).t}: ${what}`).to.equal(!refusedByShape(mutated));
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(5000);
  });

  it('leaves refinements to the source of truth: lengths, id formats, integers', () => {
    const [event] = frames.filter((f) => (f as { t: string }).t === 'event') as Array<{ event: Record<string, unknown> }>;
    for (const change of [{ flagId: 'has space' }, { flagId: '' }, { seq: 0 }, { seq: 1.5 }, { message: 'x'.repeat(70_000) }]) {
      const frame = { ...event, event: { ...event!.event, ...change } };
      expect(fullCheck(frame).success, JSON.stringify(change)).to.equal(false);
      expect(shapeAccepts(frame), JSON.stringify(change)).to.equal(true);
    }
  });

  it('names the path and what was expected', () => {
    expect(() => decodeServerFrame('{"v":1,"t":"hello"}')).to.throw(FlagError, /at t: unknown t "hello"; expected one of "welcome", "event"/);
    expect(() => decodeServerFrame('{"v":1,"t":"bye","reason":1,"reconnectInMs":0}')).to.throw(FlagError, 'at reason: expected string, got number');
    expect(() => decodeServerFrame('{"v":1,"t":"bye","reason":"r","reconnectInMs":0,"extra":1}')).to.throw(FlagError, 'at extra: unknown key');
    expect(() => decodeServerFrame('{"v":1,"t":"bye","reason":"r"}')).to.throw(FlagError, 'at reconnectInMs: expected number, got undefined');
  });

  it('bounds how deep a value of unknown shape nests', () => {
    const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });
    expect(mismatch('u', nested(MAX_UNKNOWN_DEPTH))).to.equal(null);
    expect(mismatch('u', nested(MAX_UNKNOWN_DEPTH + 1))).to.deep.equal([[], `nests deeper than ${MAX_UNKNOWN_DEPTH} levels`]);
  });
});
