// `npm run generate:shapes`: writes the shape of every server frame (packages/core/src/wire/
// server-frame.shape.ts) from the protocol's valibot schema. The client checks frames with it
// instead of carrying valibot; packages/core/src/wire/shape.test.ts fails while it is stale.
import { writeFileSync } from 'node:fs';
import { serverFrameShapeSource, SERVER_FRAME_SHAPE_FILE } from './wire-shape-source.js';

writeFileSync(SERVER_FRAME_SHAPE_FILE, serverFrameShapeSource());
console.log(`wrote ${SERVER_FRAME_SHAPE_FILE}`);
