// The soak's Node core client (forked by bench/soak/soak.mjs with --expose-gc): a supervisor who
// sees every team, on the real WebSocket transport, listening to what a wallboard listens to.
// On 'sample' it collects garbage and reports its heap and the flags its client holds.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { createFlagClient, createWebSocketTransport } from '@flagline/core';

const WebSocket = createRequire(resolve(import.meta.dirname, '../../packages/relay/package.json'))('ws');
let client;
const stops = [];

process.on('message', async (msg) => {
  if (msg.type === 'start') {
    client = createFlagClient({ transport: createWebSocketTransport({ url: msg.url, token: () => msg.token, WebSocket }), me: msg.me });
    stops.push(client.$openFlags.listen(() => {}), client.$unread.listen(() => {}), client.$flags.listen(() => {}));
    await new Promise((ok) => client.$status.subscribe((s) => s === 'online' && ok()));
    process.send({ type: 'started' });
  } else if (msg.type === 'sample') {
    globalThis.gc();
    process.send({ type: 'sample', heapBytes: process.memoryUsage().heapUsed, flagsHeld: client.$flags.get().size, openFlags: client.$openFlags.get().length });
  } else if (msg.type === 'close') {
    for (const stop of stops) stop();
    client.close();
    process.exit(0);
  }
});
