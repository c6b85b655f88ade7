/**
 * Token verification: a signed JWT in, a Participant out, or a FlagError with the reason
 * (`unauthenticated`; `unavailable` when the identity provider's keys cannot be fetched).
 * Identity comes from here and nowhere else. Keys come from one source: an HS256 secret, a PEM
 * public key, a JWKS file, a JWKS URL, or an OpenID Connect issuer (discovery → jwks_uri). Which
 * claims hold the participant's id, name, role and teams is configurable (`ClaimMapping`).
 */
import { readFileSync } from 'node:fs';
import { SignJWT, createLocalJWKSet, errors, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { FlagError } from '@flagline/core';
import type { Authenticated } from '@flagline/core/authority';
import { mapClaims, mapService, mapTenant, type ClaimMapping, type ServiceIdentity } from './claims.js';
import { remoteKeySet, type KeySetEvents, type RemoteKeySet } from './remote-keys.js';

export interface AuthConfig {
  /** HS256 shared secret. */
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
  const issuer = config.oidcIssuer ?? config.issuer;
  const verified = async (token: string | undefined): Promise<JWTPayload> => {
    if (!token) throw new FlagError('unauthenticated', 'No token: send a signed JWT in the hello frame.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, source.key as JWTVerifyGetKey, {
        algorithms: config.algorithms,
        issuer,
        audience: config.audience,
        maxTokenAge: config.maxTokenAge,
        clockTolerance: config.clockToleranceSec,
        requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (err) {
      if (err instanceof FlagError) throw err;
      throw new FlagError('unauthenticated', describe(err), { reason: err instanceof errors.JOSEError ? err.code : 'ERR_INVALID' });
    }
    return payload;
  };
  const verify = async (token: string | undefined): Promise<TenantAuthenticated> => {
    const payload = await verified(token);
    return { participant: mapClaims(payload, config.claims), expiresAt: payload.exp! * 1000, tenant: mapTenant(payload, config.claims) };
  };
  const service = async (token: string | undefined) => mapService(await verified(token), config.claims);
  return Object.assign(verify, { service, close: () => source.close() });
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

/**
 * The shared secret as a CryptoKey per HS algorithm, imported once: given the raw bytes, jose
 * imports them again for every token, which cost more than the HMAC itself (2,000 tokens on a
 * cold relay, a reconnect storm: ~400 ms of CPU against ~170 ms). jose has checked the token's
 * algorithm against the allowlist before it asks for the key; any other gets the bytes, and
 * jose's refusal, as before.
 */
function hmacKeys(secret: Uint8Array<ArrayBuffer>): JWTVerifyGetKey {
  const keys = new Map<string, Promise<CryptoKey>>();
  return ({ alg }) => {
    if (alg !== 'HS256' && alg !== 'HS384' && alg !== 'HS512') return secret;
    let key = keys.get(alg);
    if (!key) keys.set(alg, (key = crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: `SHA-${alg.slice(2)}` }, false, ['verify'])));
    return key;
  };
}

async function resolveKey(config: AuthConfig, events: KeySetEvents): Promise<KeySource> {
  const sources = [config.secret, config.publicKeyFile, config.jwksFile, config.jwksUrl, config.oidcIssuer].filter((s) => s !== undefined);
  if (sources.length !== 1) throw new Error('Configure exactly one of a JWT secret, a public key file, a JWKS file, a JWKS URL or an OIDC issuer.');
  const fixed = (key: KeySource['key']): KeySource => ({ key, close: () => {} });
  if (config.secret !== undefined) {
    if (config.secret.length < 32) throw new Error('The JWT secret must be at least 32 characters.');
    return fixed(hmacKeys(new TextEncoder().encode(config.secret)));
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
