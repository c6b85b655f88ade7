/**
 * An identity provider's signing keys, from a JWKS URL or found through OpenID Connect discovery
 * (`{issuer}/.well-known/openid-configuration` → `jwks_uri`, its `issuer` checked).
 *
 * Built on jose's remote key set, with the behaviour a long-running relay needs:
 * - the set never goes stale in the request path: it is refetched in the background every
 *   `refreshMs`, and a failed refetch keeps the keys already known, so an identity-provider
 *   outage logs nobody out whose token is valid;
 * - a token with an unknown `kid` triggers one refetch (at most one per `cooldownMs`, so forged
 *   kids cannot make the relay hammer the provider): keys rotated at the provider are picked up
 *   with no restart. jose counts its cooldown from the last fetch that worked; a failed fetch
 *   starts one too (`keyFetch`), so a provider that is down is not asked again per token;
 * - a JWKS or discovery document over 1 MB, or a set of more than 100 keys, is refused: whoever
 *   answers for the provider cannot make the relay parse and hold gigabytes;
 * - when keys are needed and cannot be fetched, the caller gets FlagError('unavailable') saying
 *   so (clients retry later), never a misleading "invalid token".
 */
import { createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey } from 'jose';
import { FlagError } from '@flagline/core';
import { isLoopback } from './loopback.js';

export interface KeySetEvents {
  fetched?(info: { url: string; keys: number }): void;
  /** Every key set fetched (in the background or for an unknown `kid`): the `kid`s it holds. */
  keys?(kids: string[]): void;
  failed?(info: { url: string; error: string }): void;
}

export interface RemoteKeySet {
  getKey: JWTVerifyGetKey;
  close(): void;
}

type Source = { jwksUrl: string } | { issuer: string };
type Jwks = ReturnType<typeof createRemoteJWKSet>;

const TIMEOUT_MS = 5_000;
/** A failed discovery is retried on the next token after this long, not on every token. */
const DISCOVERY_RETRY_MS = 5_000;


/** https, or http on loopback only (a test or a provider on the same machine). */
export function checkKeyUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${what} ${JSON.stringify(raw)} is not a URL.`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) return url;
  throw new Error(`${what} must use https (http is accepted on loopback only): ${raw}`);
}

/** The most a JWKS or discovery document may weigh, and the most keys a set may hold. */
export const MAX_BODY_BYTES = 1_000_000;
export const MAX_KEYS = 100;

/** A response's body as text, refused past MAX_BODY_BYTES (read as it streams in, never whole first). */
async function cappedText(res: Response, what: string): Promise<string> {
  if (Number(res.headers.get('content-length')) > MAX_BODY_BYTES) throw new Error(`${what} is larger than ${MAX_BODY_BYTES} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw new Error(`${what} is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * jose's fetch of the key set: the body capped, at most MAX_KEYS keys, and no fetch within
 * `cooldownMs` of one that failed.
 */
function keyFetch(cooldownMs: number, onKeys: (kids: string[]) => void): typeof fetch {
  let failedAt = -Infinity;
  return async (input, init) => {
    if (Date.now() - failedAt < cooldownMs) throw new Error(`the last fetch failed less than ${cooldownMs} ms ago`);
    try {
      const res = await fetch(input, init);
      if (res.status !== 200) throw new Error(`the JWKS URL answered HTTP ${res.status}`);
      const text = await cappedText(res, 'The JWKS');
      const keys = (JSON.parse(text) as { keys?: unknown }).keys;
      if (Array.isArray(keys) && keys.length > MAX_KEYS) throw new Error(`The JWKS holds ${keys.length} keys, more than ${MAX_KEYS}`);
      if (Array.isArray(keys)) onKeys(keys.flatMap((k: { kid?: unknown }) => (typeof k?.kid === 'string' ? [k.kid] : [])));
      return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
    } catch (err) {
      failedAt = Date.now();
      throw err;
    }
  };
}

async function discover(issuer: string): Promise<URL> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error', headers: { accept: 'application/json' } });
  if (res.status !== 200) throw new Error(`OpenID discovery at ${url} answered HTTP ${res.status}`);
  const doc = JSON.parse(await cappedText(res, `OpenID discovery at ${url}`)) as { issuer?: unknown; jwks_uri?: unknown };
  if (doc.issuer !== issuer) throw new Error(`OpenID discovery at ${url} names issuer ${JSON.stringify(doc.issuer)}, not ${JSON.stringify(issuer)}`);
  if (typeof doc.jwks_uri !== 'string') throw new Error(`OpenID discovery at ${url} has no jwks_uri`);
  return checkKeyUrl(doc.jwks_uri, 'jwks_uri');
}

const reason = (err: unknown) => (err instanceof Error ? (err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message) : String(err));

/** Errors that say something about the token, not about reaching the provider. */
const TOKEN_ERRORS = [errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys, errors.JOSENotSupported];

export function remoteKeySet(source: Source, opts: { refreshMs: number; cooldownMs?: number }, events: KeySetEvents = {}): RemoteKeySet {
  const where = 'jwksUrl' in source ? source.jwksUrl : source.issuer;
  const retryMs = Math.min(opts.cooldownMs ?? DISCOVERY_RETRY_MS, DISCOVERY_RETRY_MS);
  let jwks: Promise<{ set: Jwks; url: string }> | null = null;
  let failed: { at: number; error: unknown } | null = null;

  const load = (): Promise<{ set: Jwks; url: string }> => {
    if (jwks) return jwks;
    if (failed && Date.now() - failed.at < retryMs) return Promise.reject(failed.error);
    jwks = (async () => {
      const url = 'jwksUrl' in source ? checkKeyUrl(source.jwksUrl, 'The JWKS URL') : await discover(source.issuer);
      const cooldownMs = opts.cooldownMs ?? 30_000;
      return { set: createRemoteJWKSet(url, { cacheMaxAge: Infinity, cooldownDuration: cooldownMs, timeoutDuration: TIMEOUT_MS, [customFetch]: keyFetch(cooldownMs, (kids) => events.keys?.(kids)) }), url: url.href };
    })();
    jwks.catch((error: unknown) => {
      jwks = null;
      failed = { at: Date.now(), error };
    });
    return jwks;
  };

  const unavailable = (err: unknown) => {
    const why = reason(err);
    events.failed?.({ url: where, error: why });
    return new FlagError('unavailable', `The identity provider's signing keys could not be fetched (${why}); try again shortly.`, {
      reason: 'ERR_JWKS_UNAVAILABLE',
      retryAfterMs: DISCOVERY_RETRY_MS,
    });
  };

  const getKey: JWTVerifyGetKey = async (header, token) => {
    let loaded;
    try {
      loaded = await load();
    } catch (err) {
      throw unavailable(err);
    }
    try {
      return await loaded.set(header, token);
    } catch (err) {
      if (TOKEN_ERRORS.some((E) => err instanceof E)) throw err;
      throw unavailable(err);
    }
  };

  const refresh = async () => {
    try {
      const { set, url } = await load();
      await set.reload();
      events.fetched?.({ url, keys: set.jwks()?.keys.length ?? 0 });
    } catch (err) {
      events.failed?.({ url: where, error: reason(err) });
    }
  };
  void refresh();
  const timer = setInterval(() => void refresh(), opts.refreshMs);
  timer.unref();
  return { getKey, close: () => clearInterval(timer) };
}
