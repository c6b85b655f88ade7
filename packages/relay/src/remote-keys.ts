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
 *   with no restart;
 * - when keys are needed and cannot be fetched, the caller gets FlagError('unavailable') saying
 *   so (clients retry later), never a misleading "invalid token".
 */
import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { FlagError } from '@flagline/core';
import { isLoopback } from './loopback.js';

export interface KeySetEvents {
  fetched?(info: { url: string; keys: number }): void;
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

async function discover(issuer: string): Promise<URL> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error', headers: { accept: 'application/json' } });
  if (res.status !== 200) throw new Error(`OpenID discovery at ${url} answered HTTP ${res.status}`);
  const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
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
      return { set: createRemoteJWKSet(url, { cacheMaxAge: Infinity, cooldownDuration: opts.cooldownMs ?? 30_000, timeoutDuration: TIMEOUT_MS }), url: url.href };
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
