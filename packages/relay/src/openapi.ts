/**
 * The OpenAPI 3.1 document served at GET /api/openapi.json, generated from the service API's
 * route table and its valibot schemas (@valibot/to-json-schema), plus the participant reads
 * (transcript, presence). Nothing here is written by hand twice: a schema changed in code is
 * changed in the document.
 */
import * as v from 'valibot';
import { toJsonSchema } from '@valibot/to-json-schema';
import { RuleSchema } from '@flagline/core/automation';
import { HTTP_STATUS } from './http-status.js';
import type { Route } from './service-routes.js';
import * as S from './service-schemas.js';

type Json = Record<string, unknown>;

export const OPENAPI_PATH = '/api/openapi.json';

/** The participant routes of http-routes.ts (a participant's token, not a service's). */
const PARTICIPANT_ROUTES = [
  {
    operationId: 'getParticipantTranscript',
    path: '/api/transcript/{interactionId}',
    summary: "The transcript entries of an interaction's flags that the caller may see (404 when none, exactly as for an interaction with no flag).",
    response: v.strictObject({ entries: v.array(S.TranscriptEntry) }),
  },
  {
    operationId: 'getPresence',
    path: '/api/presence/{team}',
    summary: "Supervisors of a team with an open connection, for the team's members.",
    response: v.strictObject({ team: S.Agent.entries.id, supervisors: v.array(v.strictObject({ id: S.Agent.entries.id, name: v.string(), role: v.picklist(['agent', 'supervisor']) })) }),
  },
  {
    operationId: 'getTeamRules',
    path: '/api/rules/{team}',
    summary: "The team's conversation rules (the relay's --rules file), for the team's members; 404 when the relay has none.",
    response: v.strictObject({ team: S.Agent.entries.id, rules: v.array(RuleSchema) }),
  },
] as const;

function schema(s: v.GenericSchema): Json {
  // errorMode 'ignore': refinements JSON Schema cannot say (error details' nesting depth) are left out.
  const { $schema: _, ...rest } = toJsonSchema(s, { target: 'draft-2020-12', errorMode: 'ignore' }) as Json;
  return rest;
}

const jsonContent = (s: v.GenericSchema) => ({ 'application/json': { schema: schema(s) } });
const pathParams = (path: string) =>
  [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string', pattern: '^[\\w.:@-]{1,128}$' } }));

/** Error statuses every call may answer, with the FlagError codes each carries. */
function errorResponses(): Json {
  const byStatus = new Map<number, string[]>();
  for (const [code, status] of Object.entries(HTTP_STATUS)) byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  const out: Json = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b))
    out[String(status)] = { description: `A FlagError: ${codes.join(', ')}.`, content: jsonContent(S.ErrorBody) };
  return out;
}

export function openApiDocument(routes: readonly Route[]): Json {
  const paths: Record<string, Json> = {};
  const errors = errorResponses();
  const add = (path: string, method: string, op: Json) => (paths[path] = { ...paths[path], [method]: op });
  for (const r of routes) {
    const parameters = [
      ...pathParams(r.path),
      ...(r.query ?? []).map((q) => ({
        name: q.name,
        in: 'query',
        required: false,
        description: q.description,
        schema: q.type === 'integer' ? { type: 'integer', minimum: q.minimum ?? 0, ...(q.maximum !== undefined ? { maximum: q.maximum } : {}) } : { type: 'string', ...(q.enum ? { enum: q.enum } : {}) },
      })),
      ...(r.command
        ? [{ name: 'Idempotency-Key', in: 'header', required: true, description: 'The command id: a retry with the same key returns the first outcome and never repeats the effect.', schema: { type: 'string', pattern: '^[\\w.:@-]{1,128}$' } }]
        : []),
    ];
    add(r.path, r.method.toLowerCase(), {
      operationId: r.operationId,
      summary: r.summary,
      security: [{ serviceToken: [r.scope] }],
      'x-flagline-scope': r.scope,
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: jsonContent(r.body) } } : {}),
      responses: { '200': { description: 'Done.', content: jsonContent(r.response) }, ...errors },
    });
  }
  for (const r of PARTICIPANT_ROUTES) {
    add(r.path, 'get', {
      operationId: r.operationId,
      summary: r.summary,
      security: [{ participantToken: [] }],
      parameters: pathParams(r.path),
      responses: { '200': { description: 'Done.', content: jsonContent(r.response) }, ...errors },
    });
  }
  add(OPENAPI_PATH, 'get', {
    operationId: 'getOpenApiDocument',
    summary: 'This document.',
    security: [],
    responses: { '200': { description: 'The OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } } },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Flagline relay',
      version: '1.0.0',
      description:
        'The service API for host backends (a service token: a JWT whose role claim names a service, with scopes) and the participant reads. Errors are FlagErrors `{ error: { code, message, details? } }`; commands take an Idempotency-Key.',
    },
    components: {
      securitySchemes: {
        serviceToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A service token; the security requirement names the scope it needs.' },
        participantToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "An agent's or supervisor's token." },
      },
    },
    paths,
  };
}
