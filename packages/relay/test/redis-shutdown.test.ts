/**
 * A relay stopped (SIGTERM) while its Redis answers nothing — a network partition, here Redis
 * paused with SIGSTOP so that its sockets stay open and silent — used to wait for the store
 * forever. It now stops after --shutdown-timeout-ms, logs what it could not flush and exits 69;
 * the command it left unanswered, sent again, is applied once.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Command, ServerFrame } from '@flagline/core';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { RedisServer } from './helpers/redis-server.js';
import { RawClient } from './helpers/raw-client.js';
import { ann } from './helpers/people.js';

type ResultFrame = Extract<ServerFrame, { t: 'result' }>;
const ARGS = ['--shutdown-timeout-ms', '500'];
const raise = (interactionId: string): Command => ({ type: 'raise', interactionId, channel: 'voice', message: `help on ${interactionId}` });

describe('a relay stopped while its Redis answers nothing', { timeout: 60_000 }, () => {
  const cleanup: (() => unknown)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });
  const redisServer = async () => {
    const redis = new RedisServer();
    cleanup.push(() => redis.dispose());
    await redis.start();
    return redis;
  };
  const start = async (store: string, port?: number) => {
    const relay = await RelayProcess.start({ store, args: ARGS, ...(port !== undefined ? { port } : {}) });
    cleanup.push(() => relay.dispose());
    return relay;
  };

  it('exits 69 after --shutdown-timeout-ms, logging what it could not flush; the unanswered command, sent again, is applied once', async () => {
    const redis = await redisServer();
    const relay = await start(redis.url);
    const agent = await RawClient.connect(relay.wsUrl, await tokenFor(ann));
    cleanup.push(() => agent.close());
    const before = (await agent.command('before', raise('before'))) as ResultFrame;
    assert.equal(before.outcome.ok, true);

    redis.pause();
    agent.send({ t: 'cmd', id: 'during', cmd: raise('during') });
    // A binary frame is refused at once, after the relay has taken the raise sent before it.
    agent.sendRaw(Buffer.from('binary'));
    await agent.next((f) => f.t === 'error' && f.error.code === 'invalid-frame');
    relay.proc.kill('SIGTERM');

    assert.deepEqual(await relay.exited, { code: 69, signal: null }, relay.output.slice(-3000));
    const report = relay.logs.find((e) => e.msg === 'shutdown: the store did not answer; stopping without it');
    assert.ok(report, relay.output.slice(-3000));
    assert.equal(report.timeoutMs, 500);
    assert.equal(report.unansweredCommands, 1, 'the raise sent while Redis was silent');
    assert.deepEqual(report.unflushedTenants, ['default']);
    assert.deepEqual(relay.logs.at(-1), { ...relay.logs.at(-1), msg: 'stopped', flushed: false });
    assert.ok(agent.log.some((f) => f.t === 'bye'), 'the client was told to reconnect');
    assert.equal(agent.log.some((f) => f.t === 'result' && f.id === 'during'), false, 'the raise was not acknowledged');

    // Redis answers again and a relay serves it: the raise sent again is applied once, next to the one before.
    redis.resume();
    const again = await start(redis.url, relay.port);
    const back = await RawClient.connect(again.wsUrl, await tokenFor(ann));
    cleanup.push(() => back.close());
    const during = (await back.command('during', raise('during'))) as ResultFrame;
    assert.equal(during.outcome.ok, true, JSON.stringify(during));
    back.send({ t: 'snapshot', rid: 'after' });
    const { snapshot } = await back.next<Extract<ServerFrame, { t: 'snapshot' }>>((f) => f.t === 'snapshot');
    const raised = snapshot.events.filter((e) => e.type === 'raised').map((e) => e.interactionId);
    assert.deepEqual(raised.sort(), ['before', 'during']);
  });

  it('a relay whose Redis answers stops flushed, exit 0', async () => {
    const redis = await redisServer();
    const relay = await start(redis.url);
    assert.deepEqual(await relay.stop(), { code: 0, signal: null });
    assert.deepEqual(relay.logs.at(-1), { ...relay.logs.at(-1), msg: 'stopped', flushed: true });
  });
});
