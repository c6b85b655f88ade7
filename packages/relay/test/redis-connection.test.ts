/** The Redis part of --store: one server, a primary found through Sentinel, or a Cluster. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../src/config.js';
import { redisTarget } from '../src/redis-connection.js';

describe('--store for Redis', () => {
  it('reads Sentinel addresses, the master name, a database and a password', () => {
    assert.deepEqual(redisTarget('redis-sentinel://10.0.0.1:26379,sentinel-b:26380,[::1]:26381/flagline'), {
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-b', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'flagline',
      db: 0,
    });
    assert.deepEqual(redisTarget('redis-sentinel://:s%40cret@h:1/main/2'), { kind: 'sentinel', sentinels: [{ host: 'h', port: 1 }], name: 'main', db: 2, password: 's@cret' });
    assert.deepEqual(redisTarget('redis://127.0.0.1:6379/1'), { kind: 'single', url: 'redis://127.0.0.1:6379/1' });
  });

  it('reads Cluster node addresses and a password', () => {
    assert.deepEqual(redisTarget('redis-cluster://10.0.0.1:7000,node-b:7001,[::1]:7002'), {
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'node-b', port: 7001 },
        { host: '::1', port: 7002 },
      ],
    });
    assert.deepEqual(redisTarget('redis-cluster://:s%40cret@h:1/'), { kind: 'cluster', nodes: [{ host: 'h', port: 1 }], password: 's@cret' });
  });

  it('refuses malformed addresses at start with a message naming the expected forms', () => {
    for (const store of ['redis-sentinel://h:1', 'redis-sentinel://h/main', 'redis-sentinel://h:0/main', 'redis-sentinel://h:1,:2/main', 'redis-cluster://h', 'redis-cluster://h:1/x', 'mysql://x', 'sqlite:']) {
      assert.throws(() => loadConfig(['--store', store], {}), (err: unknown) => err instanceof ConfigError && /redis-sentinel:\/\/HOST:PORT.*redis-cluster:\/\/HOST:PORT/.test(err.message), store);
    }
  });

  it('takes --min-replicas-acked and --replica-ack-timeout-ms (unset: the store decides, 1 with Sentinel)', () => {
    const { config } = loadConfig(['--store', 'redis-sentinel://h:1/main', '--min-replicas-acked', '2', '--replica-ack-timeout-ms', '250'], {});
    assert.equal(config.minReplicasAcked, 2);
    assert.equal(config.replicaAckTimeoutMs, 250);
    const defaults = loadConfig(['--store', 'redis-sentinel://h:1/main'], {}).config;
    assert.equal(defaults.minReplicasAcked, undefined);
    assert.equal(defaults.replicaAckTimeoutMs, 1000);
  });
});
