/**
 * Token verification: a signed JWT in, a Participant out, or a FlagError with the reason
 * (`unauthenticated`; `unavailable` when the identity provider's keys cannot be fetched).
 * Identity comes from here and nowhere else. Keys come from one source: an HS* secret, a PEM
 * public key, a JWKS file, a JWKS URL, or an OpenID Connect issuer (discovery → jwks_uri). Which
 * claims hold the participant's id, name, role and teams is configurable (`ClaimMapping`).
 * Shared-secret (HS*) tokens are checked by `verifyHmac` below; every other source by jose's `jwtVerify`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  SignJWT,
  UnsecuredJWT,
  base64url,
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  importSPKI,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { FlagError } from '@flagline/core';
import type { Authenticated } from '@flagline/core/authority';
import { mapClaims, mapService, mapTenant, type ClaimMapping, type ServiceIdentity } from './claims.js';
import { remoteKeySet, type KeySetEvents, type RemoteKeySet } from './remote-keys.js';

export interface AuthConfig {
  /** Shared secret for HS256 (HS384, HS512 if listed in `algorithms`). */
  secret?: string;
  /** PEM (SPKI) public key file for ES256 or EdDSA tokens. */
  publicKeyFile?: string;
  /** JWKS JSON file (a key set; rotation = replace the file and restart). */
  jwksFile?: string;
  /** JWKS URL (the identity provider's key set; fetched, cached, refetched for an unknown `kid`). */
  jwksUrl?: string;
  /** OpenID Connect issuer: its discovery document names the JWKS URL; tokens' `iss` must equal it. */
  oidcIssuer?: string;
  /** Accepted `alg` values; anything else (including `none`) is refused. */
  algorithms: string[];
  issuer: string;
  audience: string;
  /** Oldest accepted token, by its `iat` (e.g. '12h'); tokens without `iat` are refused. */
  maxTokenAge: string;
  clockToleranceSec: number;
  claims: ClaimMapping;
  /** Remote key sets only: how often the set is refetched in the background. */
  jwksRefreshMs?: number;
  /** Remote key sets only: least time between two refetches for unknown `kid`s. */
  jwksCooldownMs?: number;
}

/** A verified participant token and the tenant it belongs to. */
export interface TenantAuthenticated extends Authenticated {
  tenant: string;
}

export interface Verifier {
  /** A participant's token (WebSocket, participant HTTP reads); service tokens are refused. */
  (token: string | undefined): Promise<TenantAuthenticated>;
  /** A service token (the service API), with the same keys, issuer, audience and age limits. */
  service(token: string | undefined): Promise<ServiceIdentity>;
  /** Stops background work (remote key refresh). */
  close(): void;
}

/** Asymmetric algorithms accepted from an identity provider's key set unless configured otherwise. */
export const REMOTE_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export async function createVerifier(config: AuthConfig, events: KeySetEvents = {}): Promise<Verifier> {
  const source = await resolveKey(config, events);
  const options: JWTVerifyOptions = {
    algorithms: config.algorithms,
    issuer: config.oidcIssuer ?? config.issuer,
    audience: config.audience,
    maxTokenAge: config.maxTokenAge,
    clockTolerance: config.clockToleranceSec,
    requiredClaims: ['exp', 'iat', 'sub'],
  };
  const check =
    config.secret !== undefined
      ? (token: string) => verifyHmac(token, source.key as Uint8Array, options)
      : async (token: string) => (await jwtVerify(token, source.key as JWTVerifyGetKey, options)).payload;
  const verified = async (token: string | undefined): Promise<JWTPayload> => {
    if (!token) throw new FlagError('unauthenticated', 'No token: send a signed JWT in the hello frame.');
    let payload: JWTPayload;
    try {
      payload = await check(token);
    } catch (err) {
      if (err instanceof FlagError) throw err;
      throw new FlagError('unauthenticated', describe(err), { reason: err instanceof errors.JOSEError ? err.code : 'ERR_INVALID' });
    }
    return payload;
  };
  // A connection ends when its token would no longer be accepted: at `exp`, or once it is older than the maximum age.
  const maxAgeSec = durationSeconds(config.maxTokenAge) + config.clockToleranceSec;
  const verify = async (token: string | undefined): Promise<TenantAuthenticated> => {
    const payload = await verified(token);
    const expiresAt = Math.min(payload.exp!, payload.iat! + maxAgeSec) * 1000;
    const { kid } = decodeProtectedHeader(token!);
    return { participant: mapClaims(payload, config.claims), expiresAt, tenant: mapTenant(payload, config.claims), ...(kid !== undefined ? { keyId: kid } : {}) };
  };
  const service = async (token: string | undefined) => mapService(await verified(token), config.claims);
  return Object.assign(verify, { service, close: () => source.close() });
}

/** A duration in jose's words ('12h', '30 minutes', '7 days'), in seconds. */
export function durationSeconds(text: string): number {
  const m = /^(\d+(?:\.\d+)?) ?(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)$/i.exec(text.trim());
  if (!m) throw new Error(`Not a duration: '${text}' (e.g. '12h', '30m', '7 days').`);
  const unit = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800, y: 31_557_600 }[m[2]![0]!.toLowerCase() as 's'];
  return Number(m[1]) * unit;
}

function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return err.claim === 'iat' ? 'Token is older than the maximum age.' : 'Token expired.';
  if (err instanceof errors.JWTClaimValidationFailed) return `Token rejected: ${err.message}.`;
  if (err instanceof errors.JOSEAlgNotAllowed) return 'Token algorithm is not allowed.';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'Token signature is invalid.';
  if (err instanceof errors.JWKSNoMatchingKey) return 'No configured key matches the token.';
  if (err instanceof errors.JOSEError) return `Token rejected: ${err.message}.`;
  return 'Token is malformed.';
}

interface KeySource {
  key: Uint8Array | CryptoKey | JWTVerifyGetKey;
  close(): void;
}

const HMAC_HASHES = new Map([
  ['HS256', 'sha256'],
  ['HS384', 'sha384'],
  ['HS512', 'sha512'],
]);
const NONE_HEADER = base64url.encode('{"alg":"none"}');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `jwtVerify` for a shared secret, without WebCrypto: on Node 20 jose's HMAC verify costs ~0.1 ms
 * of main-thread CPU a token (a reconnect storm of 2,000 clients: ~15 % of the relay's CPU); here,
 * 2,000 tokens in a fresh process take ~85–115 ms of CPU against ~190–230 ms. The checks, their
 * order, error classes and messages are jose 6's (lib/jws_verify.js), with jose's own base64url
 * decoder, so a refusal reads as before; one difference, by choice: a
 * `crit` or `b64` header is refused outright (jose would honour `crit: ["b64"]`; our issuers never
 * send either). The claims are checked by jose itself: the verified payload goes to
 * UnsecuredJWT.decode, which runs the same validateClaimsSet as jwtVerify. The header that check
 * sees is the rebuilt `{"alg":"none"}`, read only for a `typ` option, which is not set.
 */
export async function verifyHmac(token: string, secret: Uint8Array, options: JWTVerifyOptions): Promise<JWTPayload> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new errors.JWSInvalid('Invalid Compact JWS');
  const [encodedHeader, encodedPayload, signature] = parts as [string, string, string];
  let header: unknown;
  try {
    header = JSON.parse(strictUtf8.decode(base64url.decode(encodedHeader)));
  } catch (cause) {
    throw new errors.JWSInvalid('JWS Protected Header is invalid', { cause });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new errors.JWSInvalid('JWS Protected Header is invalid');
  if (Object.hasOwn(header, 'crit') || Object.hasOwn(header, 'b64'))
    throw new errors.JOSENotSupported('"crit" and "b64" JWS Header Parameters are not supported');
  const { alg } = header as { alg?: unknown };
  if (typeof alg !== 'string' || !alg) throw new errors.JWSInvalid('JWS "alg" (Algorithm) Header Parameter missing or invalid');
  // createVerifier allows only HS* next to a secret (resolveKey refuses any other at start).
  const hash = options.algorithms?.includes(alg) ? HMAC_HASHES.get(alg) : undefined;
  if (!hash) throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  // jose refuses a non-ASCII payload before it looks at the signature, and a payload that is not
  // base64url only after it (with JWSInvalid, where UnsecuredJWT.decode would say JWTInvalid).
  if (/[\u0080-\uffff]/.test(encodedPayload)) throw new errors.JWSInvalid('The payload is not a valid base64url string');
  let mac: Uint8Array;
  try {
    mac = base64url.decode(signature);
  } catch (cause) {
    throw new errors.JWSInvalid('Failed to base64url decode the signature', { cause });
  }
  const expected = createHmac(hash, secret).update(`${encodedHeader}.${encodedPayload}`).digest();
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw new errors.JWSSignatureVerificationFailed();
  try {
    base64url.decode(encodedPayload);
  } catch (cause) {
    throw new errors.JWSInvalid('Failed to base64url decode the payload', { cause });
  }
  return UnsecuredJWT.decode(`${NONE_HEADER}.${encodedPayload}.`, options).payload;
}

async function resolveKey(config: AuthConfig, events: KeySetEvents): Promise<KeySource> {
  const sources = [config.secret, config.publicKeyFile, config.jwksFile, config.jwksUrl, config.oidcIssuer].filter((s) => s !== undefined);
  if (sources.length !== 1) throw new Error('Configure exactly one of a JWT secret, a public key file, a JWKS file, a JWKS URL or an OIDC issuer.');
  const fixed = (key: KeySource['key']): KeySource => ({ key, close: () => {} });
  if (config.secret !== undefined) {
    if (config.secret.length < 32) throw new Error('The JWT secret must be at least 32 characters.');
    const others = config.algorithms.filter((a) => !HMAC_HASHES.has(a));
    if (others.length) throw new Error(`A JWT secret verifies HS256, HS384 or HS512 tokens only; --jwt-algorithms also lists ${others.join(', ')}.`);
    return fixed(new TextEncoder().encode(config.secret));
  }
  if (config.publicKeyFile !== undefined) {
    const alg = config.algorithms.find((a) => a === 'ES256' || a === 'EdDSA');
    if (!alg || config.algorithms.length !== 1) throw new Error('With a public key, set exactly one algorithm: ES256 or EdDSA.');
    return fixed(await importSPKI(readFileSync(config.publicKeyFile, 'utf8'), alg));
  }
  if (config.jwksFile !== undefined) return fixed(createLocalJWKSet(JSON.parse(readFileSync(config.jwksFile, 'utf8'))));
  if (config.algorithms.some((a) => !REMOTE_ALGORITHMS.includes(a)))
    throw new Error(`An identity provider's key set verifies asymmetric algorithms only (${REMOTE_ALGORITHMS.join(', ')}).`);
  const set: RemoteKeySet = remoteKeySet(
    config.jwksUrl !== undefined ? { jwksUrl: config.jwksUrl } : { issuer: config.oidcIssuer! },
    { refreshMs: config.jwksRefreshMs ?? 600_000, ...(config.jwksCooldownMs !== undefined ? { cooldownMs: config.jwksCooldownMs } : {}) },
    events,
  );
  return { key: set.getKey, close: () => set.close() };
}

/** Signs an HS256 token (dev mode and tests). */
export async function signToken(
  participant: { id: string; name: string; role: string; teams: string[] },
  opts: { secret: string; issuer: string; audience: string; expiresIn?: string | number; claims?: Record<string, unknown> },
): Promise<string> {
  return new SignJWT({ ...opts.claims, name: participant.name, role: participant.role, teams: participant.teams })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(participant.id)
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(opts.secret));
}
