/**
 * The OpenAPI document served by a real relay: valid OpenAPI 3.1 by a real validator
 * (@seriousme/openapi-schema-validator), and no drift: every /api route the code serves is in
 * the document and every documented operation is served.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { serviceRoutes, type ServiceContext } from '../src/service-routes.js';
import { RelayProcess } from './helpers/relay-process.js';
import { serviceToken } from './helpers/service.js';

type Doc = { openapi: string; paths: Record<string, Record<string, { operationId: string; security: unknown[]; parameters?: { in: string; name: string }[] }>> };

describe('OpenAPI document', () => {
  let relay: RelayProcess;
  let doc: Doc;
  before(async () => {
    relay = await RelayProcess.start();
    const res = await fetch(`${relay.url}/api/openapi.json`);
    assert.equal(res.status, 200);
    doc = (await res.json()) as Doc;
  });
  after(() => relay.dispose());

  const operations = () => Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    assert.equal(validator.version, '3.1');
    assert.deepEqual(result.errors, undefined);
    assert.equal(result.valid, true);
  });

  it('the validator is real: a broken document is refused', async () => {
    const broken = structuredClone(doc);
    (broken.paths['/api/v1/flags']!.post as Record<string, unknown>).responses = 'none';
    assert.equal((await new Validator().validate(broken)).valid, false);
  });

  it('documents exactly the service routes in code, plus the participant reads of http-routes.ts and itself', () => {
    const inCode = serviceRoutes({} as ServiceContext).map((r) => `${r.method} ${r.path}`);
    // The participant routes are matched by regular expressions in http-routes.ts: read them there.
    const source = readFileSync(resolve(import.meta.dirname, '../src/http-routes.ts'), 'utf8');
    const participant = [...source.matchAll(/\/\^\\\/api\\\/(\w+)\\\/\(\[\^\/\]\+\)\$\//g)].map(([, name]) => `GET /api/${name}/{${name === 'transcript' ? 'interactionId' : 'team'}}`);
    assert.deepEqual(participant.sort(), ['GET /api/presence/{team}', 'GET /api/rules/{team}', 'GET /api/transcript/{interactionId}']);
    const documented = operations().map(({ path, method }) => `${method} ${path}`);
    assert.deepEqual(documented.sort(), [...inCode, ...participant, 'GET /api/openapi.json'].sort());
  });

  it('every documented operation is served: a service token without scopes is refused for want of the scope, never "no route"', async () => {
    const noScopes = { authorization: `Bearer ${await serviceToken([])}` };
    for (const { path, method, op } of operations()) {
      const url = relay.url + path.replace(/\{\w+\}/g, 'x-1');
      const service = path.startsWith('/api/v1/');
      const res = await fetch(url, { method, ...(service ? { headers: noScopes } : {}) });
      // Participant reads without a token: 401 (an unknown path would be 404).
      const expected = op.security.length === 0 ? 200 : service ? 403 : 401;
      assert.equal(res.status, expected, `${method} ${path}`);
    }
  });

  it('an undocumented path under /api/v1 is not served', async () => {
    const res = await fetch(`${relay.url}/api/v1/flags/x-1/acknowledge`, { method: 'POST', headers: { authorization: `Bearer ${await serviceToken()}` } });
    assert.equal(res.status, 404);
  });

  it('commands document their Idempotency-Key header and scopes', () => {
    for (const { op, path } of operations().filter(({ path }) => path.startsWith('/api/v1/'))) {
      const route = serviceRoutes({} as ServiceContext).find((r) => r.operationId === op.operationId)!;
      assert.ok(route, op.operationId);
      const hasKey = (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      assert.equal(hasKey, route.command === true, `${path} Idempotency-Key`);
      assert.deepEqual(op.security, [{ serviceToken: [route.scope] }]);
    }
  });
});
