/**
 * The relay's HTTP side: health, readiness, metrics, the authorized transcript read, the
 * dev-only token endpoint and optional static files. Authorization uses core's rules only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { FlagError, canSee, reduceEvents, toTranscriptEntry, type FlagEvent, type TranscriptEntry } from '@flagline/core';
import type { Metrics } from './metrics.js';
import { DEV_DIRECTORY, devParticipant } from './dev-directory.js';
import { HTTP_STATUS } from './http-status.js';
import { isLoopback } from './loopback.js';
import { OPENAPI_PATH } from './openapi.js';
import { serviceApiDocument } from './service-api.js';
import { parseSuggestionReport, type TeamRules } from './team-rules.js';
import { TokenBucket } from '@flagline/core/authority';
import type { Tenants } from './tenants.js';

/** What the HTTP side reads from storage; any store (SQLite, Redis) can offer it. */
export interface EventReader {
  /** Every committed event of an interaction's flags, in log order. */
  interactionEvents(interactionId: string): FlagEvent[] | Promise<FlagEvent[]>;
  /** Group-commit counters, if the store keeps them. */
  readonly stats?: { transactions: number; batches: number };
}

export interface HttpContext {
  /** Every token is answered from its own tenant's Authority, store and presence. */
  tenants: Tenants;
  metrics: Metrics;
  /** When set, GET /metrics requires `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  originAllowed(origin: string | undefined, host: string | undefined): boolean;
  ready(): Promise<boolean>;
  /** Label /metrics' per-tenant gauges by tenant (a multi-tenant relay). */
  tenantLabels: boolean;
  /** Present only in dev mode. */
  devToken?: (participantId: string) => Promise<{ token: string; expiresAt: number }>;
  /** Dev mode: host names it answers besides loopback ones (those of --origins). */
  devHosts?: readonly string[];
  staticDir?: string;
  /** Conversation rules per team (--rules), for GET /api/rules/:team. */
  teamRules?: TeamRules;
}


const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export function createHttpHandler(ctx: HttpContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://relay');
    // Dev mode hands a token to whoever asks, so it answers only requests addressed to this machine
    // (or a host of --origins): a page whose name was rebound to 127.0.0.1 is refused.
    if (ctx.devToken && !devHostAllowed(req.headers.host, ctx.devHosts ?? [])) {
      json(res, 403, { error: new FlagError('not-allowed', 'A relay in dev mode answers only requests for localhost (or a host of --origins).').toJSON() });
      return;
    }
    const origin = req.headers.origin;
    if (origin && ctx.originAllowed(origin, req.headers.host) && (url.pathname.startsWith('/api/') || url.pathname.startsWith('/dev/'))) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE', 'Access-Control-Allow-Headers': 'authorization, content-type, idempotency-key', 'Access-Control-Max-Age': '600' });
        res.end();
        return;
      }
    }
    try {
      await route(ctx, req, res, url);
    } catch (err) {
      const error = err instanceof FlagError ? err : new FlagError('internal', 'Internal error.');
      ctx.metrics.error(error.code);
      const headers: Record<string, string> = {};
      if (error.code === 'unauthenticated') headers['WWW-Authenticate'] = 'Bearer';
      const retryAfterMs = error.details?.retryAfterMs;
      if (typeof retryAfterMs === 'number') headers['Retry-After'] = String(Math.ceil(retryAfterMs / 1000));
      json(res, HTTP_STATUS[error.code], { error: error.toJSON() }, headers);
    }
  };
}

function devHostAllowed(host: string | undefined, devHosts: readonly string[]): boolean {
  if (host === undefined) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return false;
  }
  return isLoopback(hostname) || devHosts.includes(hostname);
}

async function route(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { pathname } = url;
  const get = req.method === 'GET' || req.method === 'HEAD';
  if (get && pathname === '/healthz') return json(res, 200, { status: 'ok' });
  if (get && pathname === '/readyz') {
    const ready = await ctx.ready();
    return json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not-ready' });
  }
  if (get && pathname === '/metrics') {
    if (ctx.metricsToken !== undefined && !sameSecret(req.headers.authorization ?? '', `Bearer ${ctx.metricsToken}`))
      throw new FlagError('unauthenticated', 'GET /metrics needs Authorization: Bearer <metrics token>.');
    return renderMetrics(ctx, res);
  }
  if (get && pathname === OPENAPI_PATH) return json(res, 200, serviceApiDocument());
  if (pathname.startsWith('/api/v1/')) {
    const { tenant } = await ctx.tenants.service(bearer(req), res);
    await tenant.serviceApi(req, res, url);
    return;
  }
  const transcript = /^\/api\/transcript\/([^/]+)$/.exec(pathname);
  if (get && transcript) return json(res, 200, { entries: await readTranscript(ctx, req, res, decodePath(transcript[1]!)) });
  const presence = /^\/api\/presence\/([^/]+)$/.exec(pathname);
  if (get && presence) return json(res, 200, await readPresence(ctx, req, res, decodePath(presence[1]!)));
  const rules = /^\/api\/rules\/([^/]+)$/.exec(pathname);
  if (get && rules) return json(res, 200, await readRules(ctx, req, res, decodePath(rules[1]!)));
  const feedback = /^\/api\/rules\/([^/]+)\/feedback$/.exec(pathname);
  if (req.method === 'POST' && feedback) return json(res, 200, await recordFeedback(ctx, req, res, decodePath(feedback[1]!)));
  if (ctx.devToken && req.method === 'GET' && pathname === '/dev/directory') return json(res, 200, { devOnly: true, participants: DEV_DIRECTORY });
  if (ctx.devToken && req.method === 'POST' && pathname === '/dev/token') {
    const body = (await readJson(req)) as { participantId?: unknown };
    const participant = typeof body.participantId === 'string' ? devParticipant(body.participantId) : undefined;
    if (!participant) throw new FlagError('not-found', `No sample participant ${JSON.stringify(body.participantId)}; see GET /dev/directory.`);
    return json(res, 200, { devOnly: true, participant, ...(await ctx.devToken(participant.id)) });
  }
  if (get && ctx.staticDir) return serveStatic(ctx.staticDir, pathname, res);
  throw new FlagError('not-found', `No route for ${req.method} ${pathname}.`);
}

/**
 * The relay's counters (every tenant's commands together) and, per open tenant, its log
 * position, histories in memory, connections and webhook counters — labelled by tenant on a
 * multi-tenant relay, so the series are bounded by --max-tenants.
 */
async function renderMetrics(ctx: HttpContext, res: ServerResponse): Promise<void> {
  const tenants = await ctx.tenants.all();
  const webhooks = await Promise.all(tenants.map((t) => t.webhooks?.metrics() ?? ''));
  const perTenant = tenants.map((t) => ({
    ...(ctx.tenantLabels ? { tenant: t.id } : {}),
    pos: t.authority.pos,
    retainedHistories: t.authority.retainedHistories,
    connections: t.connections.size,
    openFlags: t.authority.openFlags(),
    ...(t.storage.stats ? { storage: t.storage.stats } : {}),
  }));
  res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
  res.end(ctx.metrics.render({ ready: await ctx.ready(), tenants: perTenant }) + webhooks.join(''));
}

/** Supervisors online for a team, for members of that team (agents and supervisors). */
async function readPresence(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, team: string) {
  const { auth, tenant } = await ctx.tenants.authenticate(bearer(req), res);
  if (!auth.participant.teams.includes(team)) throw new FlagError('not-allowed', `You are not a member of team ${team}.`);
  return { team, supervisors: await tenant.presence.online(team) };
}

/** A team's conversation rules, for members of that team: what their agents' rules engines run. */
async function readRules(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, team: string) {
  const { auth } = await ctx.tenants.authenticate(bearer(req), res);
  if (!auth.participant.teams.includes(team)) throw new FlagError('not-allowed', `You are not a member of team ${team}.`);
  if (!ctx.teamRules) throw new FlagError('not-found', 'This relay serves no rules (start it with --rules FILE).');
  return { team, rules: ctx.teamRules.get(team) ?? [] };
}

/**
 * What a team member's rules engine did with the suggestions since its last report: counted on
 * `flagline_rule_suggestions_total`. Members only, rule ids of that team only, at most
 * FEEDBACK_PER_SECOND reports a second per participant.
 */
async function recordFeedback(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, team: string) {
  const { auth, tenant } = await ctx.tenants.authenticate(bearer(req), res);
  const { participant } = auth;
  if (!participant.teams.includes(team)) throw new FlagError('not-allowed', `You are not a member of team ${team}.`);
  if (!ctx.teamRules) throw new FlagError('not-found', 'This relay serves no rules (start it with --rules FILE).');
  const bucket = feedbackBucket(ctx, `${tenant.id}/${participant.id}`);
  if (!bucket.take()) throw new FlagError('rate-limited', 'Too many suggestion reports; send them at most once a second.', { retryAfterMs: bucket.retryAfterMs() });
  const report = parseSuggestionReport(ctx.teamRules, team, await readJson(req, 16_384));
  for (const [rule, counts] of Object.entries(report)) ctx.metrics.ruleSuggestions(team, rule, counts);
  return { recorded: Object.keys(report).length };
}

const FEEDBACK_PER_SECOND = 1;
const feedbackBuckets = new WeakMap<HttpContext, Map<string, TokenBucket>>();
function feedbackBucket(ctx: HttpContext, participantId: string): TokenBucket {
  let buckets = feedbackBuckets.get(ctx);
  if (!buckets) feedbackBuckets.set(ctx, (buckets = new Map()));
  let bucket = buckets.get(participantId);
  if (!bucket) {
    // Bounded: the buckets of many participants are dropped together (they only refill anyway).
    if (buckets.size >= 10_000) buckets.clear();
    bucket = new TokenBucket(FEEDBACK_PER_SECOND, 5);
    buckets.set(participantId, bucket);
  }
  return bucket;
}

/** Constant-time comparison (of digests, so the lengths leak nothing either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function bearer(req: IncomingMessage): string {
  const auth = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
  if (!auth) throw new FlagError('unauthenticated', 'Send the token as Authorization: Bearer <JWT>.');
  return auth[1]!;
}

/**
 * Transcript entries of an interaction's flags that the caller may see (core's canSee rules).
 * An interaction with no flag the caller may see answers exactly like one with no flag at all:
 * the caller learns nothing about what exists.
 */
async function readTranscript(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, interactionId: string): Promise<TranscriptEntry[]> {
  const { auth, tenant } = await ctx.tenants.authenticate(bearer(req), res);
  const { participant } = auth;
  const events = await tenant.storage.interactionEvents(interactionId);
  const byFlag = new Map<string, FlagEvent[]>();
  for (const e of events) byFlag.set(e.flagId, [...(byFlag.get(e.flagId) ?? []), e]);
  const visible = new Set([...byFlag].filter(([, flagEvents]) => canSee(participant, reduceEvents(flagEvents)!, tenant.authority.config)).map(([id]) => id));
  if (visible.size === 0) throw new FlagError('not-found', `No transcript that you can read for interaction ${interactionId}.`);
  return events.filter((e) => visible.has(e.flagId)).map((e) => toTranscriptEntry(e, interactionId));
}

export async function readJson(req: IncomingMessage, limit = 4096): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > limit) throw new FlagError('invalid-input', `Request body larger than ${limit} characters.`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null) return value;
  } catch {
    // fall through to the error below
  }
  throw new FlagError('invalid-input', 'Expected a JSON object body.');
}

function serveStatic(dir: string, pathname: string, res: ServerResponse): void {
  const root = resolve(dir);
  let file = normalize(join(root, decodePath(pathname)));
  if (file !== root && !file.startsWith(root + sep)) throw new FlagError('not-found', 'Not found.');
  let stat = statSync(file, { throwIfNoEntry: false });
  if (stat?.isDirectory()) {
    file = join(file, 'index.html');
    stat = statSync(file, { throwIfNoEntry: false });
  }
  if (!stat?.isFile()) throw new FlagError('not-found', `No file ${pathname}.`);
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': stat.size,
    'X-Content-Type-Options': 'nosniff',
  });
  createReadStream(file).pipe(res);
}

export function decodePath(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new FlagError('invalid-input', 'Malformed percent-encoding in the path.');
  }
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}
