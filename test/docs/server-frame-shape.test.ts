/**
 * The shape a client checks server frames with (packages/core/src/wire/server-frame.shape.ts) is
 * generated from the protocol's valibot schema: it cannot drift from it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as v from 'valibot';
import { serverFrameShapeSource, SERVER_FRAME_SHAPE_FILE, shapeOf } from '../../scripts/wire-shape-source.js';
import { SERVER_FRAME } from '../../packages/core/src/wire/server-frame.shape.js';
import { ServerFrameSchema } from '../../packages/core/src/protocol.js';

describe('server frame shape', () => {
  it('is what `npm run generate:shapes` writes from ServerFrameSchema today', () => {
    assert.equal(readFileSync(SERVER_FRAME_SHAPE_FILE, 'utf8'), serverFrameShapeSource(), 'stale: run `npm run generate:shapes`');
  });

  it('defines the shared shapes once and means the same as the schema written out in full', () => {
    assert.deepEqual(SERVER_FRAME, shapeOf(ServerFrameSchema));
  });

  it('refuses a schema it has no shape for, instead of checking less than the schema says', () => {
    assert.throws(() => shapeOf(v.object({ a: v.string() })), /no shape for valibot's object/);
    assert.throws(() => shapeOf(v.tuple([v.string()])), /no shape for valibot's tuple/);
  });
});
