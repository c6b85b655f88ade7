/**
 * The core transport conformance suite against two relay processes sharing one real
 * redis-server: each new client goes to the next process, so every test crosses processes.
 * "Restart" stops both processes and starts two new ones on the same Redis data.
 */
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { runTransportConformance } from '@flagline/core/conformance';
import { createWebSocketTransport, type FrameTransport } from '@flagline/core';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { RedisServer } from './helpers/redis-server.js';

const redis = new RedisServer();
let relays: RelayProcess[] = [];
const start = () => RelayProcess.start({ store: redis.url, args: ['--rate-per-connection', '0', '--rate-per-user', '0'] });
let turn = 0;

describe('relay processes on Redis', () => {
  before(async () => {
    await redis.start('always');
    relays = await Promise.all([start(), start()]);
  });
  after(async () => {
    for (const r of relays) await r.dispose();
    await redis.dispose();
  });

  runTransportConformance({
    name: 'WebSocket transport ↔ two relay processes on Redis',
    describe,
    it: (name, fn) => it(name, { timeout: 20_000 }, fn),
    features: { dropConnections: true, restart: true },
    async createHarness() {
      const open = new Set<FrameTransport>();
      return {
        transportFor: (p) => {
          const mine = turn++ % 2;
          const transport = createWebSocketTransport({ url: () => relays[mine]!.wsUrl, token: () => tokenFor(p), WebSocket, backoff: { initialMs: 20, maxMs: 200 } });
          open.add(transport);
          return transport;
        },
        dropConnections: () => {
          for (const t of open) t.drop();
        },
        restart: async () => {
          for (const r of relays) await r.stop();
          relays = await Promise.all([start(), start()]);
        },
        close: async () => {
          for (const t of open) t.close();
        },
      };
    },
  });
});
