/**
 * `--max-tenants` under a burst: the first tokens of many new tenants at once. Each takes a free
 * slot or evicts an idle tenant of its own; the rest are answered `unavailable`. Before, every
 * one of them evicted the same idle tenant and all of them opened (on Redis, where opening a
 * tenant takes round trips; 20 hellos with a cap of 3 opened 20).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerFrame } from '@flagline/core';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { RawClient } from './helpers/raw-client.js';
import { RedisServer } from './helpers/redis-server.js';
import { serviceToken } from './helpers/service.js';
import { request } from 'node:http';
import { ann } from './helpers/people.js';

const MAX = 3;

/** A hello for `tenant`: the first answer (welcome or error) and the client, still open. */
async function hello(relay: RelayProcess, tenant: string): Promise<{ first: ServerFrame; c: RawClient }> {
  const c = await RawClient.open(relay.wsUrl);
  c.send({ t: 'hello', token: await tokenFor(ann, '10m', { tenant }), resume: null });
  return { first: await c.next((f) => f.t === 'welcome' || f.t === 'error'), c };
}

describe('--max-tenants', () => {
  let relay: RelayProcess;
  // On Redis a tenant takes a few round trips to open: the window in which the burst raced.
  const redis = new RedisServer();
  before(async () => {
    await redis.start('none');
    relay = await RelayProcess.start({ store: redis.url, args: ['--claim-tenant', 'tenant', '--max-tenants', String(MAX), '--rate-per-connection', '0', '--rate-per-user', '0'] });
  });
  after(async () => {
    await relay.dispose();
    await redis.dispose();
  });

  it('a burst of first hellos for new tenants opens no more than the cap: each evicts an idle tenant of its own', async () => {
    for (let i = 0; i < MAX; i++) {
      const { first, c } = await hello(relay, `idle-${i}`);
      assert.equal(first.t, 'welcome');
      c.close();
      await c.closed;
    }
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => hello(relay, `burst-${i}`)));
    const answers = burst.map(({ first }) => (first.t === 'welcome' ? 'welcome' : first.t === 'error' ? first.error.code : first.t));
    assert.equal(answers.filter((a) => a === 'welcome').length, MAX, answers.join(', '));
    assert.equal(answers.filter((a) => a === 'unavailable').length, 20 - MAX, answers.join(', '));
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    assert.match(metrics, new RegExp(`^flagline_tenants_open ${MAX}$`, 'm'));
    for (const { c } of burst) c.close();
  });

  it('a tenant serving an HTTP request is not evicted under it: the next new tenant waits instead', async () => {
    const one = await RelayProcess.start({ store: redis.url, args: ['--claim-tenant', 'tenant', '--max-tenants', '1'] });
    try {
      // A service-API call for tenant "busy" whose body is still on its way: the tenant is open and serving it.
      const body = JSON.stringify({ until: 0 });
      const req = request({ host: '127.0.0.1', port: one.port, method: 'POST', path: '/api/v1/participants/ann/disconnect', headers: { authorization: `Bearer ${await serviceToken(undefined, 'crm', 'Acme CRM', { tenant: 'busy' })}`, 'content-type': 'application/json', 'content-length': String(body.length) } });
      const status = new Promise<number>((resolve, reject) => req.on('response', (res) => (res.resume(), resolve(res.statusCode!))).on('error', reject));
      req.write(body.slice(0, 5));
      while (!/^flagline_tenants_open 1$/m.test(await (await fetch(`${one.url}/metrics`)).text())) await new Promise((r) => setTimeout(r, 20));
      const { first, c } = await hello(one, 'other');
      assert.equal(first.t === 'error' && first.error.code, 'unavailable');
      c.close();
      req.end(body.slice(5));
      assert.equal(await status, 200);
    } finally {
      await one.dispose();
    }
  });
});
