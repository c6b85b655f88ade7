/**
 * The service API's routes, one table: the dispatcher (service-api.ts) serves it, the OpenAPI
 * document (openapi.ts) describes it, the client (client.ts) calls it. Every command goes
 * through the same Authority, state machine and permanent idempotency as the WebSocket; the
 * Idempotency-Key header is the command id.
 */
import type * as v from 'valibot';
import type { Authority } from '@flagline/core/authority';
import { FlagError, toTranscriptEntry, type Flag, type FlagEvent, type Outcome, type Participant, type ServiceRef } from '@flagline/core';
import type { Verifier } from './auth.js';
import type { Scope, ServiceIdentity } from './claims.js';
import type { EventReader } from './http-routes.js';
import { ServiceStore, type ServiceState } from './service-store.js';
import type { WebhookDelivery } from './webhook-delivery.js';
import type { Logger } from './log.js';
import * as S from './service-schemas.js';

export interface ServiceContext {
  authority: Authority;
  storage: EventReader & { flagEvents(flagId: string): Promise<FlagEvent[]>; outcome(id: string): Promise<{ outcome: Outcome } | undefined> };
  /** The audit log, assignments and blocked participants. */
  store: ServiceState;
  verify: Verifier;
  /** Calls per second per service (burst twice that); 0 = unlimited. */
  rate: number;
  /** Webhook delivery, when endpoints are configured. */
  webhooks: WebhookDelivery | null;
  log: Logger;
  /** Closes every connection of a participant with this error; returns how many. */
  disconnect(participantId: string, error: FlagError): number;
  now(): number;
}

export interface QueryParam {
  name: string;
  type: 'string' | 'integer';
  description: string;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
}

export interface Call {
  service: ServiceIdentity;
  params: Record<string, string>;
  body: unknown;
  query: Record<string, string | number>;
  /** The Idempotency-Key (commands only). */
  key: string;
}

export interface Route {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** OpenAPI path template. */
  path: string;
  scope: Scope;
  summary: string;
  /** The path parameter recorded as the audit target. */
  target?: string;
  /** A command: needs an Idempotency-Key. */
  command?: boolean;
  body?: v.GenericSchema;
  query?: readonly QueryParam[];
  response: v.GenericSchema;
  handle(call: Call): Promise<unknown>;
}

const LIMIT: QueryParam = { name: 'limit', type: 'integer', description: 'Page size (default 100).', minimum: 1, maximum: 500 };
const CURSOR: QueryParam = { name: 'cursor', type: 'string', description: 'The `next` of the previous page.' };

/** The routes, given what they act on. */
export function serviceRoutes(ctx: ServiceContext): Route[] {
  const via = (service: ServiceIdentity): ServiceRef => ({ id: service.id, name: service.name });
  const sqlite = (): ServiceStore => {
    if (!(ctx.store instanceof ServiceStore)) throw new FlagError('unavailable', 'This call needs the SQLite store (--store sqlite:…); it is not available on Redis yet.');
    return ctx.store;
  };
  const answered = (outcome: Outcome): { outcome: Extract<Outcome, { ok: true }> } => {
    if (!outcome.ok) throw FlagError.from(outcome.error);
    return { outcome };
  };
  const webhooks = async (endpointId?: string): Promise<WebhookDelivery> => {
    if (!ctx.webhooks) throw new FlagError('not-found', 'No webhook endpoints are configured (--webhooks).');
    if (endpointId !== undefined && !(await ctx.webhooks.status()).some((e) => e.id === endpointId)) throw new FlagError('not-found', `No webhook endpoint ${endpointId}.`);
    return ctx.webhooks;
  };
  const interactionEvents = async (interactionId: string) => {
    const events = await ctx.storage.interactionEvents(interactionId);
    if (events.length === 0) throw new FlagError('not-found', `No flag was ever raised on interaction ${interactionId}.`);
    return events;
  };

  return [
    {
      operationId: 'raiseFlag',
      method: 'POST',
      path: '/api/v1/flags',
      scope: 'flags:write',
      summary: "Raise a flag on behalf of an agent (the flag shows the agent and, as raisedVia, the service). The Idempotency-Key becomes the flag's id.",
      command: true,
      body: S.RaiseBody,
      response: S.CommandResult,
      async handle({ service, body, key }) {
        const { agent, ...raise } = body as v.InferOutput<typeof S.RaiseBody>;
        const actor: Participant = { ...agent, role: 'agent' };
        return answered(await ctx.authority.execute(actor, { id: key, command: { type: 'raise', ...raise } }, via(service)));
      },
    },
    {
      operationId: 'listOpenFlags',
      method: 'GET',
      path: '/api/v1/flags',
      scope: 'flags:read',
      summary: 'Open flags, oldest first, optionally filtered.',
      query: [
        { name: 'team', type: 'string', description: "Only this team's flags." },
        { name: 'agent', type: 'string', description: "Only this agent's flags." },
        { name: 'interactionId', type: 'string', description: 'Only the flag of this interaction.' },
        { name: 'status', type: 'string', description: 'Only flags in this status.', enum: ['raised', 'acknowledged'] },
        { name: 'minEscalation', type: 'integer', description: 'Only flags escalated at least this far.', minimum: 0, maximum: 2 },
        LIMIT,
        CURSOR,
      ],
      response: S.FlagPage,
      async handle({ query }) {
        const { team, agent, interactionId, status, minEscalation = 0, limit = 100, cursor } = query as Record<string, string | undefined> & { minEscalation?: number; limit?: number };
        const after = cursor === undefined ? null : parseCursor(cursor);
        const flags = ctx.authority
          .openFlags()
          .filter((f) => (team === undefined || f.team === team) && (agent === undefined || f.agent.id === agent))
          .filter((f) => (interactionId === undefined || f.interactionId === interactionId) && (status === undefined || f.status === status) && f.escalation >= minEscalation)
          .sort(byRaised)
          .filter((f) => after === null || byRaised(f, after) > 0);
        const page = flags.slice(0, limit);
        const last = page.at(-1);
        return { flags: page, next: flags.length > limit && last ? `${last.raisedAt},${last.id}` : null };
      },
    },
    {
      operationId: 'getFlag',
      method: 'GET',
      path: '/api/v1/flags/{flagId}',
      scope: 'flags:read',
      summary: 'A flag as everyone who can see it sees it.',
      target: 'flagId',
      response: S.FlagResult,
      async handle({ params }) {
        return { flag: known(ctx.authority.flag(params.flagId!), params.flagId!) };
      },
    },
    {
      operationId: 'lowerFlag',
      method: 'POST',
      path: '/api/v1/flags/{flagId}/lower',
      scope: 'flags:write',
      summary: 'Lower a flag on behalf of its agent or a supervisor who can see it (the same rules as theirs).',
      target: 'flagId',
      command: true,
      body: S.LowerBody,
      response: S.CommandResult,
      async handle({ service, params, body, key }) {
        const { as, reason } = body as v.InferOutput<typeof S.LowerBody>;
        return answered(await ctx.authority.execute(as, { id: key, command: { type: 'lower', flagId: params.flagId!, ...(reason !== undefined ? { reason } : {}) } }, via(service)));
      },
    },
    {
      operationId: 'listFlagEvents',
      method: 'GET',
      path: '/api/v1/flags/{flagId}/events',
      scope: 'flags:read',
      summary: "A flag's committed events in order, paged by sequence number.",
      target: 'flagId',
      query: [LIMIT, { ...CURSOR, description: 'The `next` of the previous page (a sequence number).' }],
      response: S.EventPage,
      async handle({ params, query }) {
        known(ctx.authority.flag(params.flagId!), params.flagId!);
        const afterSeq = query.cursor === undefined ? 0 : Number(query.cursor);
        const events = (await ctx.storage.flagEvents(params.flagId!)).filter((e) => e.seq > afterSeq);
        const limit = (query.limit as number | undefined) ?? 100;
        const page = events.slice(0, limit);
        return { events: page, next: events.length > limit ? String(page.at(-1)!.seq) : null };
      },
    },
    {
      operationId: 'endInteraction',
      method: 'POST',
      path: '/api/v1/interactions/{interactionId}/end',
      scope: 'flags:write',
      summary: "The interaction ended (call hung up, chat closed): its open flag is lowered with cause interaction-ended, whether or not anyone's browser is open.",
      target: 'interactionId',
      command: true,
      response: S.CommandResult,
      async handle({ service, params, key }) {
        return answered(await ctx.authority.executeService(via(service), { id: key, command: { type: 'end-interaction', interactionId: params.interactionId! } }));
      },
    },
    {
      operationId: 'assignInteraction',
      method: 'PUT',
      path: '/api/v1/interactions/{interactionId}/assignment',
      scope: 'flags:write',
      summary: 'Assign or transfer an interaction to an agent: only they may raise on it from now on, and its open flag moves to them.',
      target: 'interactionId',
      command: true,
      body: S.AssignBody,
      response: S.AssignResult,
      async handle({ service, params, body, key }) {
        const { agent, team } = body as v.InferOutput<typeof S.AssignBody>;
        const interactionId = params.interactionId!;
        const stored = await ctx.storage.outcome(key);
        // A retried key answers as the first time, without assigning again over a later assignment.
        if (!stored) {
          if (team !== undefined && !agent.teams.includes(team)) throw new FlagError('invalid-input', `Agent ${agent.id} is not a member of team ${team}.`);
          if (ctx.authority.config.fallbackMode) throw new FlagError('fallback-mode', 'Flagline is in fallback mode: flags are unavailable.');
          await ctx.store.assign(interactionId, agent.id, ctx.now());
        }
        const command = { type: 'assign' as const, interactionId, agent: { ...agent, role: 'agent' as const }, ...(team !== undefined ? { team } : {}) };
        const { outcome } = answered(await ctx.authority.executeService(via(service), { id: key, command }));
        return { interactionId, agentId: agent.id, outcome };
      },
    },
    {
      operationId: 'listInteractionEvents',
      method: 'GET',
      path: '/api/v1/interactions/{interactionId}/events',
      scope: 'flags:read',
      summary: "Every committed event of an interaction's flags, in log order, paged.",
      target: 'interactionId',
      query: [LIMIT, CURSOR],
      response: S.EventPage,
      async handle({ params, query }) {
        return paged('events', await interactionEvents(params.interactionId!), query);
      },
    },
    {
      operationId: 'getTranscript',
      method: 'GET',
      path: '/api/v1/interactions/{interactionId}/transcript',
      scope: 'transcripts:read',
      summary: "The interaction's transcript: one readable entry per event (ids `flagId:seq`, stable), in order, paged.",
      target: 'interactionId',
      query: [LIMIT, CURSOR],
      response: S.TranscriptPage,
      async handle({ params, query }) {
        const id = params.interactionId!;
        return paged('entries', (await interactionEvents(id)).map((e) => toTranscriptEntry(e, id)), query);
      },
    },
    {
      operationId: 'deleteInteraction',
      method: 'DELETE',
      path: '/api/v1/interactions/{interactionId}',
      scope: 'admin',
      summary: "Privacy request: delete every flag, message and transcript entry of an interaction (none may be open: end it first), and its assignment. The audit log keeps that it happened, not what was said.",
      target: 'interactionId',
      response: S.DeleteResult,
      async handle({ params }) {
        const interactionId = params.interactionId!;
        const serviceStore = sqlite();
        let erased = { flags: 0, events: 0 };
        await ctx.authority.forgetInteraction(interactionId, () => {
          erased = serviceStore.eraseInteraction(interactionId);
        });
        // A new checkpoint replaces the one that may still hold the forgotten flags' events.
        await ctx.authority.checkpoint();
        return { interactionId, flagsDeleted: erased.flags, eventsDeleted: erased.events };
      },
    },
    {
      operationId: 'disconnectParticipant',
      method: 'POST',
      path: '/api/v1/participants/{participantId}/disconnect',
      scope: 'admin',
      summary: "Account disabled: close the participant's connections now and refuse their tokens until `until` (ms since the epoch).",
      target: 'participantId',
      body: S.DisconnectBody,
      response: S.DisconnectResult,
      async handle({ params, body }) {
        const participantId = params.participantId!;
        const { until } = body as v.InferOutput<typeof S.DisconnectBody>;
        // Nothing between storing the block and closing the connections may throw: a block
        // stored with the sockets left open would refuse new tokens while the old ones go on.
        const error = blockedError(until);
        await ctx.store.block(participantId, until);
        const connectionsClosed = ctx.disconnect(participantId, error);
        return { participantId, until, connectionsClosed };
      },
    },
    {
      operationId: 'listWebhookEndpoints',
      method: 'GET',
      path: '/api/v1/webhooks',
      scope: 'admin',
      summary: 'The configured webhook endpoints: queued events, delivered, failed and retried counts, and whether each is paused.',
      response: S.WebhookEndpoints,
      async handle() {
        return { endpoints: await (await webhooks()).status() };
      },
    },
    {
      operationId: 'replayWebhooks',
      method: 'POST',
      path: '/api/v1/webhooks/{endpointId}/replay',
      scope: 'admin',
      summary: 'Queue again the events with log positions from..to (inclusive) that the endpoint subscribes to, with their original webhook-ids (receivers dedupe).',
      target: 'endpointId',
      body: S.ReplayBody,
      response: S.ReplayResult,
      async handle({ params, body }) {
        const { from, to } = body as v.InferOutput<typeof S.ReplayBody>;
        if (to < from) throw new FlagError('invalid-input', 'to must not be before from.');
        return { queued: await (await webhooks(params.endpointId)).replay(params.endpointId!, from, to) };
      },
    },
    {
      operationId: 'resumeWebhooks',
      method: 'POST',
      path: '/api/v1/webhooks/{endpointId}/resume',
      scope: 'admin',
      summary: 'Resume a paused endpoint: everything queued for it is due at once.',
      target: 'endpointId',
      response: S.WebhookEndpoints,
      async handle({ params }) {
        const delivery = await webhooks(params.endpointId);
        await delivery.resume(params.endpointId!);
        return { endpoints: await delivery.status() };
      },
    },
    {
      operationId: 'listAudit',
      method: 'GET',
      path: '/api/v1/audit',
      scope: 'admin',
      summary: 'The audit log of service calls (who, what, on what, when, result), oldest first.',
      query: [LIMIT, CURSOR],
      response: S.AuditPage,
      async handle({ query }) {
        const limit = (query.limit as number | undefined) ?? 100;
        const records = await ctx.store.auditLog(query.cursor === undefined ? 0 : Number(query.cursor), limit + 1);
        const page = records.slice(0, limit);
        return { records: page, next: records.length > limit ? String(page.at(-1)!.id) : null };
      },
    },
  ];
}

/** The error a blocked participant's tokens get (the WebSocket and the participant HTTP reads). */
export function blockedError(until: number): FlagError {
  // Never throws: a block stored before `until` was bounded (or written to the store by hand)
  // may be past the largest Date, and formatting it must not turn every later call into a 500.
  const when = Number.isFinite(until) && Math.abs(until) <= S.MAX_DATE_MS ? new Date(until).toISOString() : 'further notice';
  return new FlagError('unauthenticated', `Your sessions were ended by your organization until ${when}.`, { reason: 'ERR_BLOCKED', until });
}

function known(flag: Flag | undefined, flagId: string): Flag {
  if (!flag) throw new FlagError('not-found', `There is no flag ${flagId}.`);
  return flag;
}

function byRaised(a: Pick<Flag, 'raisedAt' | 'id'>, b: Pick<Flag, 'raisedAt' | 'id'>): number {
  return a.raisedAt - b.raisedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function parseCursor(cursor: string): Pick<Flag, 'raisedAt' | 'id'> {
  const m = /^(\d{1,15}),([\w.:@-]{1,128})$/.exec(cursor);
  if (!m) throw new FlagError('invalid-input', 'Malformed cursor: pass the `next` of the previous page.');
  return { raisedAt: Number(m[1]), id: m[2]! };
}

/** Offset pages over an append-only list (an interaction's events only grow, in log order). */
function paged<K extends string, T>(key: K, items: T[], query: Record<string, string | number>): Record<K, T[]> & { next: string | null } {
  const offset = query.cursor === undefined ? 0 : Number(query.cursor);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new FlagError('invalid-input', 'Malformed cursor: pass the `next` of the previous page.');
  const limit = (query.limit as number | undefined) ?? 100;
  const page = items.slice(offset, offset + limit);
  return { [key]: page, next: offset + limit < items.length ? String(offset + limit) : null } as Record<K, T[]> & { next: string | null };
}
