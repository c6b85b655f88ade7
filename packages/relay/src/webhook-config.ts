/**
 * Webhook endpoints, registered by config: `--webhooks FILE`, a JSON file (it holds secrets:
 * keep it out of the command line and of version control).
 *
 * ```json
 * { "endpoints": [{ "id": "crm", "url": "https://crm.example.com/flagline", "secret": "whsec_…",
 *                   "types": ["raised", "message", "lowered"], "teams": ["billing"] }],
 *   "initialBackoffMs": 1000, "maxBackoffMs": 3600000, "timeoutMs": 10000, "pauseAfterFailures": 50 }
 * ```
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { Webhook } from 'standardwebhooks';
import { EVENT_TYPES, schemas } from '@flagline/core';

const Ms = v.pipe(v.number(), v.integer(), v.minValue(1));

const EndpointSchema = v.strictObject({
  id: schemas.Id,
  url: v.pipe(v.string(), v.url()),
  /** Standard Webhooks secret: `whsec_` + base64 of 24–64 random bytes. */
  secret: v.pipe(v.string(), v.regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'a secret is whsec_ followed by base64 (24 bytes or more)')),
  /** Event types delivered (default: all). */
  types: v.optional(v.array(v.picklist(EVENT_TYPES))),
  /** Only flags of these teams (default: all). */
  teams: v.optional(v.array(schemas.Id)),
});

const FileSchema = v.strictObject({
  endpoints: v.pipe(v.array(EndpointSchema), v.minLength(1), v.check((list) => new Set(list.map((e) => e.id)).size === list.length, 'endpoint ids must be unique')),
  /** First retry after about this long; each failure doubles it (full jitter), up to maxBackoffMs. */
  initialBackoffMs: v.optional(Ms, 1_000),
  maxBackoffMs: v.optional(Ms, 3_600_000),
  /** A delivery that takes longer failed. */
  timeoutMs: v.optional(Ms, 10_000),
  /** Consecutive failed attempts (no success between) after which an endpoint is paused and reported. */
  pauseAfterFailures: v.optional(Ms, 50),
  /** Deliveries in flight per endpoint (each to a different flag: a flag's events go one after another). */
  concurrency: v.optional(v.pipe(Ms, v.maxValue(64)), 8),
  /** Redis: the delivering process's lease; another process takes over this long after it died. */
  leaseMs: v.optional(Ms, 10_000),
});

export type WebhookEndpoint = v.InferOutput<typeof EndpointSchema>;
export type WebhookConfig = v.InferOutput<typeof FileSchema>;

export function loadWebhookConfig(file: string): WebhookConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read the webhooks file ${file}: ${(err as Error).message}`, { cause: err });
  }
  const result = v.safeParse(FileSchema, json);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new Error(`${file}${path ? ` at ${path}` : ''}: ${issue.message}`);
  }
  for (const endpoint of result.output.endpoints) {
    try {
      new Webhook(endpoint.secret);
    } catch (err) {
      throw new Error(`${file}: endpoint ${endpoint.id}: unusable secret (${(err as Error).message}).`, { cause: err });
    }
  }
  return result.output;
}
