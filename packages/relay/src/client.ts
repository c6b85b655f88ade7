/**
 * `@flagline/relay/client`: a typed Node (or browser) client for the relay's service API. Types
 * come from the same valibot schemas the relay validates with and documents in
 * /api/openapi.json. Every failure rejects with a FlagError carrying the relay's code, and the
 * HTTP status in `details.status`.
 *
 * ```ts
 * const flagline = createServiceClient({ baseUrl: 'https://relay.example.com', token: () => idp.serviceToken() });
 * await flagline.raiseFlag({ agent, interactionId: 'call-42', channel: 'voice', message: 'VIP caller' }, { idempotencyKey: 'crm-rule-7:call-42' });
 * ```
 */
import type * as v from 'valibot';
import { ERROR_CODES, FlagError, type FlagErrorData } from '@flagline/core';
import type * as S from './service-schemas.js';

export type RaiseRequest = v.InferInput<typeof S.RaiseBody>;
export type LowerRequest = v.InferInput<typeof S.LowerBody>;
export type AssignRequest = v.InferInput<typeof S.AssignBody>;
export type CommandResult = v.InferOutput<typeof S.CommandResult>;
export type AssignResult = v.InferOutput<typeof S.AssignResult>;
export type FlagResult = v.InferOutput<typeof S.FlagResult>;
export type FlagPage = v.InferOutput<typeof S.FlagPage>;
export type EventPage = v.InferOutput<typeof S.EventPage>;
export type TranscriptPage = v.InferOutput<typeof S.TranscriptPage>;
export type AuditPage = v.InferOutput<typeof S.AuditPage>;
export type DeleteResult = v.InferOutput<typeof S.DeleteResult>;
export type DisconnectResult = v.InferOutput<typeof S.DisconnectResult>;
export type WebhookEndpoints = v.InferOutput<typeof S.WebhookEndpoints>;
export type ReplayResult = v.InferOutput<typeof S.ReplayResult>;

export interface ServiceClientOptions {
  /** The relay's base URL, e.g. `https://relay.example.com`. */
  baseUrl: string;
  /** A service token, or a function returning a fresh one (called for every request). */
  token: string | (() => string | Promise<string>);
  fetch?: typeof fetch;
}

/** Commands take an Idempotency-Key: pass your own to make a retry safe (default: a new UUID). */
export interface CommandOptions {
  idempotencyKey?: string;
}

export interface PageQuery {
  limit?: number;
  cursor?: string;
}

export interface FlagFilter extends PageQuery {
  team?: string;
  agent?: string;
  interactionId?: string;
  status?: 'raised' | 'acknowledged';
  minEscalation?: number;
}

type Query = Record<string, string | number | undefined>;

export function createServiceClient(opts: ServiceClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.baseUrl.replace(/\/$/, '');
  const enc = encodeURIComponent;

  async function call<T>(method: string, path: string, init: { body?: unknown; query?: Query; key?: string } = {}): Promise<T> {
    const token = typeof opts.token === 'string' ? opts.token : await opts.token();
    const search = new URLSearchParams();
    for (const [k, val] of Object.entries(init.query ?? {})) if (val !== undefined) search.set(k, String(val));
    const qs = search.size ? `?${search}` : '';
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.key !== undefined) headers['idempotency-key'] = init.key;
    const res = await doFetch(`${base}${path}${qs}`, { method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
    const text = await res.text();
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new FlagError('internal', `The relay answered ${res.status} with a body that is not JSON.`, { status: res.status });
    }
    if (res.ok) return data as T;
    const error = (data as { error?: FlagErrorData }).error;
    if (error && (ERROR_CODES as readonly string[]).includes(error.code)) throw new FlagError(error.code, error.message, { ...error.details, status: res.status });
    throw new FlagError('internal', `The relay answered ${res.status}.`, { status: res.status });
  }
  const key = (o?: CommandOptions) => o?.idempotencyKey ?? globalThis.crypto.randomUUID();

  return {
    raiseFlag: (body: RaiseRequest, o?: CommandOptions) => call<CommandResult>('POST', '/api/v1/flags', { body, key: key(o) }),
    listOpenFlags: (filter: FlagFilter = {}) => call<FlagPage>('GET', '/api/v1/flags', { query: { ...filter } }),
    getFlag: (flagId: string) => call<FlagResult>('GET', `/api/v1/flags/${enc(flagId)}`),
    lowerFlag: (flagId: string, body: LowerRequest, o?: CommandOptions) => call<CommandResult>('POST', `/api/v1/flags/${enc(flagId)}/lower`, { body, key: key(o) }),
    listFlagEvents: (flagId: string, page: PageQuery = {}) => call<EventPage>('GET', `/api/v1/flags/${enc(flagId)}/events`, { query: { ...page } }),
    endInteraction: (interactionId: string, o?: CommandOptions) => call<CommandResult>('POST', `/api/v1/interactions/${enc(interactionId)}/end`, { key: key(o) }),
    assignInteraction: (interactionId: string, body: AssignRequest, o?: CommandOptions) =>
      call<AssignResult>('PUT', `/api/v1/interactions/${enc(interactionId)}/assignment`, { body, key: key(o) }),
    listInteractionEvents: (interactionId: string, page: PageQuery = {}) => call<EventPage>('GET', `/api/v1/interactions/${enc(interactionId)}/events`, { query: { ...page } }),
    getTranscript: (interactionId: string, page: PageQuery = {}) => call<TranscriptPage>('GET', `/api/v1/interactions/${enc(interactionId)}/transcript`, { query: { ...page } }),
    deleteInteraction: (interactionId: string) => call<DeleteResult>('DELETE', `/api/v1/interactions/${enc(interactionId)}`),
    disconnectParticipant: (participantId: string, until: number) => call<DisconnectResult>('POST', `/api/v1/participants/${enc(participantId)}/disconnect`, { body: { until } }),
    listWebhookEndpoints: () => call<WebhookEndpoints>('GET', '/api/v1/webhooks'),
    replayWebhooks: (endpointId: string, from: number, to: number) => call<ReplayResult>('POST', `/api/v1/webhooks/${enc(endpointId)}/replay`, { body: { from, to } }),
    resumeWebhooks: (endpointId: string) => call<WebhookEndpoints>('POST', `/api/v1/webhooks/${enc(endpointId)}/resume`),
    listAudit: (page: PageQuery = {}) => call<AuditPage>('GET', '/api/v1/audit', { query: { ...page } }),
  };
}

export type ServiceClient = ReturnType<typeof createServiceClient>;
