/**
 * The service API's dispatcher: for every call under /api/v1 — a service token (never a
 * participant's), the route's scope, a rate limit per service, the body and query validated,
 * the Idempotency-Key of a command, and an audit record (who, what, on what, when, result)
 * written whatever the result. The routes themselves are in service-routes.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { FlagError } from '@flagline/core';
import type { ServiceIdentity } from './claims.js';
import { bearer, decodePath, json, readJson } from './http-routes.js';
import { HTTP_STATUS } from './http-status.js';
import { openApiDocument } from './openapi.js';
import { TokenBucket } from '@flagline/core/authority';
import { serviceRoutes, type Route, type ServiceContext } from './service-routes.js';

const ID = /^[\w.:@-]{1,128}$/;
/** Largest request body: a raise carries a message, a label and a reason within core's limits. */
const MAX_BODY = 64 * 1024;

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): Compiled {
  const names: string[] = [];
  const pattern = new RegExp(
    '^' +
      route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      }) +
      '$',
  );
  return { route, pattern, names };
}

/** Handles /api/v1/* requests (false for other paths) of one tenant. */
export function createServiceApi(ctx: ServiceContext) {
  const routes = serviceRoutes(ctx);
  const compiled = routes.map(compile);
  const buckets = new Map<string, TokenBucket>();
  const limit = (service: ServiceIdentity) => {
    let bucket = buckets.get(service.id);
    if (!bucket) buckets.set(service.id, (bucket = new TokenBucket(ctx.rate, ctx.rate * 2)));
    if (!bucket.take()) throw new FlagError('rate-limited', `Too many calls from service ${service.id}; slow down.`, { retryAfterMs: bucket.retryAfterMs() });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (!url.pathname.startsWith('/api/v1/')) return false;
    const found = match(compiled, req.method ?? 'GET', url.pathname);
    const service = await ctx.verify.service(bearer(req));
    const key = header(req, 'idempotency-key');
    const target = found && found.route.target ? (found.params[found.route.target] ?? null) : null;
    // A key that is not an id is recorded as none: the audit log keeps what was done, not what was sent.
    const audit = (status: number, code: string | null) =>
      ctx.store.audit({ at: ctx.now(), serviceId: service.id, operation: found?.route.operationId ?? `${req.method} ${url.pathname}`.slice(0, 200), target, idempotencyKey: key !== undefined && ID.test(key) ? key : null, status, code });
    try {
      // First, before any other check: a flood of refused calls is limited (and not audited) like any other.
      limit(service);
      if (!found) throw new FlagError('not-found', `No route for ${req.method} ${url.pathname}.`);
      const { route, params } = found;
      if (!service.scopes.includes(route.scope)) throw new FlagError('not-allowed', `${route.operationId} needs the ${route.scope} scope.`, { scope: route.scope });
      if (route.command && (key === undefined || !ID.test(key)))
        throw new FlagError('invalid-input', 'Commands need an Idempotency-Key header ([\\w.:@-], 1–128 characters): retrying with the same key never repeats the effect.');
      const body = route.body ? parse(route.body, await readJson(req, MAX_BODY), 'body') : undefined;
      const query = parseQuery(route, url.searchParams);
      const result = await route.handle({ service, params, body, query, key: key ?? '' });
      await audit(200, null);
      json(res, 200, result);
    } catch (err) {
      const error = err instanceof FlagError ? err : new FlagError('internal', 'Internal error.');
      if (!(err instanceof FlagError)) ctx.log.error('service API call failed', { operation: found?.route.operationId ?? null, error: String(err) });
      // Calls refused for their rate did nothing; auditing each would let a flood write the log at its own rate.
      if (error.code !== 'rate-limited') await audit(HTTP_STATUS[error.code], error.code);
      throw error;
    }
    return true;
  };
  return handle;
}

let document: Record<string, unknown> | undefined;
/**
 * The OpenAPI document, the same for every tenant: built from the routes' shapes (paths,
 * scopes, schemas) — their handlers, the only readers of the context, never run here.
 */
export function serviceApiDocument(): Record<string, unknown> {
  return (document ??= openApiDocument(serviceRoutes({} as ServiceContext)));
}

export type ServiceApi = ReturnType<typeof createServiceApi>;

function match(compiled: Compiled[], method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined {
  for (const { route, pattern, names } of compiled) {
    if (route.method !== method) continue;
    const m = pattern.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      const value = decodePath(m[i + 1]!);
      if (!ID.test(value)) throw new FlagError('invalid-input', `${name} must be an id ([\\w.:@-], 1–128 characters).`);
      params[name] = value;
    });
    return { route, params };
  }
  return undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parse<T extends v.GenericSchema>(schema: T, data: unknown, where: string): v.InferOutput<T> {
  const result = v.safeParse(schema, data);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  throw new FlagError('invalid-input', `Invalid ${where}${path ? ` at ${path}` : ''}: ${issue.message}`);
}

function parseQuery(route: Route, search: URLSearchParams): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const known = new Set((route.query ?? []).map((q) => q.name));
  for (const name of search.keys()) if (!known.has(name)) throw new FlagError('invalid-input', `Unknown query parameter ${name}.`);
  for (const q of route.query ?? []) {
    const raw = search.get(q.name);
    if (raw === null) continue;
    if (q.type === 'integer') {
      const n = Number(raw);
      if (!/^\d{1,15}$/.test(raw) || (q.maximum !== undefined && n > q.maximum) || (q.minimum !== undefined && n < q.minimum))
        throw new FlagError('invalid-input', `Query parameter ${q.name} must be an integer from ${q.minimum ?? 0} to ${q.maximum ?? Number.MAX_SAFE_INTEGER}.`);
      out[q.name] = n;
    } else {
      if (q.enum ? !q.enum.includes(raw) : raw.length > 256) throw new FlagError('invalid-input', `Query parameter ${q.name} must be ${q.enum ? `one of ${q.enum.join(', ')}` : 'at most 256 characters'}.`);
      out[q.name] = raw;
    }
  }
  return out;
}
