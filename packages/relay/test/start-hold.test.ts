/**
 * A relay listens as soon as it starts and loads its state after: until it is loaded `/readyz`
 * answers 503 and WebSocket upgrades are held, then all let in together (src/upgrade-hold.ts);
 * one held longer than --start-hold-ms gets 503 with Retry-After. A Redis store that is not up
 * yet keeps the relay loading for as long as the test needs.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { RawClient } from './helpers/raw-client.js';
import { RedisServer } from './helpers/redis-server.js';
import { ann } from './helpers/people.js';

/** Resolves with the HTTP status of a refused upgrade and its Retry-After header. */
function refusal(url: string): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(url);
    ws.once('open', () => fail(new Error('the upgrade was accepted')));
    ws.once('unexpected-response', (_req, res) => {
      ok({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined });
      ws.terminate();
    });
    ws.once('error', fail);
  });
}

describe('start: listening while the state loads', () => {
  const redis = new RedisServer();
  after(() => redis.dispose());

  it('answers healthz but not readyz, and refuses an upgrade held past --start-hold-ms with 503 Retry-After', async () => {
    // No redis-server on this port yet: the relay cannot load.
    await redis.start();
    const port = redis.port;
    await redis.kill();
    const relay = await RelayProcess.start({ store: `redis://127.0.0.1:${port}`, loading: true, args: ['--start-hold-ms', '200'] });
    try {
      assert.equal((await fetch(`${relay.url}/healthz`)).status, 200);
      const ready = await fetch(`${relay.url}/readyz`);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { status: 'not-ready' });
      assert.deepEqual(await refusal(relay.wsUrl), { status: 503, retryAfter: '1' });
    } finally {
      await relay.dispose();
    }
  });

  it('holds a connection made while loading and welcomes it once the store is up', async () => {
    const relay = await RelayProcess.start({ store: redis.url, loading: true });
    try {
      const opening = RawClient.connect(relay.wsUrl, await tokenFor(ann));
      await relay.waitForLog('upgrade held while the state loads');
      assert.equal((await fetch(`${relay.url}/readyz`)).status, 503, 'still loading: the store is down');
      await redis.start();
      const client = await opening;
      assert.equal((await fetch(`${relay.url}/readyz`)).status, 200);
      const raised = await client.command('held-1', { type: 'raise', interactionId: 'i-held', channel: 'voice', message: 'after the start' });
      assert.equal(raised.t === 'result' && raised.outcome.ok, true, JSON.stringify(raised));
      client.ws.close();
    } finally {
      await relay.dispose();
    }
  });
});
