/**
 * Fuzzing the protocol decoder (core's decodeClientFrame / decodeServerFrame) with fast-check:
 * valid frames round-trip; malformed JSON, wrong types, huge and deeply nested values, unknown
 * versions, random bytes and torn frames are refused with a short `invalid-frame` FlagError and
 * nothing else is ever thrown. CI runs thousands of cases, `npm run fuzz` over a million.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FlagError, decodeClientFrame, decodeServerFrame } from '@flagline/core';
import { clientFrame, deepFrame, garbage, huge, mutated, serverFrame, truncated, unknownVersion, wrongType } from './frames.js';
import { report, scale } from '../reliability/support/scale.js';

type Decode = (raw: unknown) => unknown;
const decoders: [string, Decode][] = [
  ['client', decodeClientFrame],
  ['server', decodeServerFrame],
];
/** Runs per property (a few properties run fewer or more): CI ~8,500 cases in all, full ~1,150,000. */
const RUNS = scale(600, 80_000);
const TARGET = scale(5_000, 1_000_000);
/** Long enough for a schema message listing every allowed value; a frame's content is never echoed whole. */
const LONGEST_MESSAGE = 512;
let cases = 0;

function refused(decode: Decode, raw: unknown): FlagError {
  cases++;
  try {
    decode(raw);
  } catch (err) {
    assert.ok(err instanceof FlagError, `threw ${String(err)} instead of a FlagError`);
    assert.equal(err.code, 'invalid-frame');
    assert.ok(err.message.length <= LONGEST_MESSAGE, `error message of ${err.message.length} characters`);
    return err;
  }
  assert.fail(`accepted ${String(raw).slice(0, 200)}`);
}

/** Either a frame that re-encodes to itself, or a clean refusal. */
function acceptedOrRefused(decode: Decode, raw: unknown): void {
  let frame: unknown;
  try {
    frame = decode(raw);
  } catch {
    refused(decode, raw);
    return;
  }
  cases++;
  assert.deepEqual(decode(JSON.stringify(frame)), frame);
}

/** fast-check builds null-prototype records; the decoder answers plain objects. */
const plain = (f: object): unknown => JSON.parse(JSON.stringify(f));
const run = <T>(arb: fc.Arbitrary<T>, check: (value: T) => void, numRuns = RUNS) => fc.assert(fc.property(arb, check), { numRuns });

describe('fuzz: protocol decoder', () => {
  after(() => report('fuzz', { 'decoder cases': cases }));

  it('valid frames are accepted and round-trip', () => {
    run(clientFrame, (f) => {
      cases++;
      assert.deepEqual(decodeClientFrame(JSON.stringify(f)), plain(f));
    });
    run(serverFrame, (f) => {
      cases++;
      assert.deepEqual(decodeServerFrame(JSON.stringify(f)), plain(f));
    });
  });

  it('a value of the wrong type anywhere in a client frame is refused', () => {
    run(wrongType(clientFrame), (f) => void refused(decodeClientFrame, JSON.stringify(f)), RUNS * 2);
  });

  for (const [side, decode] of decoders) {
    const frames = side === 'client' ? clientFrame : serverFrame;
    it(`${side}: mutated frames (a key removed, an unknown key, anything anywhere) never break the decoder`, () => {
      run(mutated(frames), (f) => acceptedOrRefused(decode, JSON.stringify(f)));
    });
    it(`${side}: unknown protocol versions are refused with a short message`, () => {
      run(unknownVersion, (f) => assert.match(refused(decode, JSON.stringify(f)).message, /Unsupported protocol version/));
    });
    it(`${side}: deeply nested values get a clean answer, not a stack overflow`, () => {
      run(deepFrame, (raw) => acceptedOrRefused(decode, raw), Math.ceil(RUNS / 10));
    });
    it(`${side}: random bytes, random text and JSON that is no frame`, () => {
      run(garbage, (raw) => acceptedOrRefused(decode, raw));
    });
    it(`${side}: torn frames (every prefix of a valid frame) are refused`, () => {
      run(truncated(frames), (raw) => void refused(decode, raw));
    });
    it(`${side}: frames at and over the size limit, and values that are not text`, () => {
      run(huge, (raw) => acceptedOrRefused(decode, raw), Math.ceil(RUNS / 20));
      run(fc.anything().filter((x) => typeof x !== 'string'), (x) => void refused(decode, x));
    });
  }

  it(`ran at least ${TARGET} decoder cases`, () => {
    assert.ok(cases >= TARGET, `${cases} cases`);
  });
});
