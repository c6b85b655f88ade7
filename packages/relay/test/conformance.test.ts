/**
 * The core transport conformance suite against a real relay process over the WebSocket
 * transport: one relay (temp SQLite file, free loopback port) shared by the tests, restarted on
 * the same file and port for the restart tests.
 */
import { after, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { runTransportConformance } from '@flagline/core/conformance';
import type { FrameTransport } from '@flagline/core';
import { createWebSocketTransport } from '../../core/src/transports/websocket.js';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';

const args = ['--rate-per-connection', '0', '--rate-per-user', '0'];
let first: Promise<RelayProcess> | null = null;
let current: Promise<RelayProcess> | null = null;
after(async () => {
  await (await current)?.dispose();
  // The first process owns the temp directory holding the database.
  await (await first)?.dispose();
});

runTransportConformance({
  name: 'WebSocket transport ↔ relay process',
  describe,
  it: (name, fn) => it(name, { timeout: 20_000 }, fn),
  features: { dropConnections: true, restart: true },
  async createHarness() {
    current ??= first ??= RelayProcess.start({ args });
    const { wsUrl } = await current;
    const open = new Set<FrameTransport>();
    return {
      transportFor: (p) => {
        const transport = createWebSocketTransport({
          url: wsUrl,
          token: () => tokenFor(p),
          WebSocket,
          backoff: { initialMs: 20, maxMs: 200 },
        });
        open.add(transport);
        return transport;
      },
      // Drops at the client as a network failure would; each transport reconnects and resumes.
      dropConnections: () => {
        for (const t of open) t.drop();
      },
      restart: async () => {
        const old = await current!;
        await old.stop();
        current = RelayProcess.start({ db: old.db, port: old.port, args });
        await current;
      },
      close: async () => {
        for (const t of open) t.close();
      },
    };
  },
});
