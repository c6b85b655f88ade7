/**
 * Token verification: a signed JWT in, a Participant out, or FlagError('unauthenticated') with
 * the reason. Identity comes from here and nowhere else. Claims: sub (participant id), name,
 * role ('agent' | 'supervisor'), teams (string[]); plus iss, aud, exp and iat as configured.
 */
import { readFileSync } from 'node:fs';
import {
  SignJWT,
  createLocalJWKSet,
  errors,
  importSPKI,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { FlagError, ROLES, type Participant } from '@flagline/core';

export interface AuthConfig {
  /** HS256 shared secret. */
  secret?: string;
  /** PEM (SPKI) public key file for ES256 or EdDSA tokens. */
  publicKeyFile?: string;
  /** JWKS JSON file (a key set; rotation = replace the file and restart). */
  jwksFile?: string;
  /** Accepted `alg` values; anything else (including `none`) is refused. */
  algorithms: string[];
  issuer: string;
  audience: string;
  /** Oldest accepted token, by its `iat` (e.g. '12h'); tokens without `iat` are refused. */
  maxTokenAge: string;
  clockToleranceSec: number;
}

export interface Verified {
  participant: Participant;
  /** Expiry, ms since the epoch: the connection must refresh before then. */
  expiresAt: number;
}

export type Verifier = (token: string | undefined) => Promise<Verified>;

const ID = /^[\w.:@-]{1,128}$/;

export async function createVerifier(config: AuthConfig): Promise<Verifier> {
  const key = await resolveKey(config);
  return async (token) => {
    if (!token) throw new FlagError('unauthenticated', 'No token: send a signed JWT in the hello frame.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as JWTVerifyGetKey, {
        algorithms: config.algorithms,
        issuer: config.issuer,
        audience: config.audience,
        maxTokenAge: config.maxTokenAge,
        clockTolerance: config.clockToleranceSec,
        requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (err) {
      throw new FlagError('unauthenticated', describe(err), { reason: err instanceof errors.JOSEError ? err.code : 'ERR_INVALID' });
    }
    return { participant: toParticipant(payload), expiresAt: payload.exp! * 1000 };
  };
}

function toParticipant(p: JWTPayload): Participant {
  const { sub, name, role, teams } = p as JWTPayload & { name?: unknown; role?: unknown; teams?: unknown };
  const bad = (what: string) => new FlagError('unauthenticated', `Token claim ${what} is missing or invalid.`, { reason: 'ERR_CLAIMS' });
  if (typeof sub !== 'string' || !ID.test(sub)) throw bad('sub');
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) throw bad('name');
  if (!ROLES.includes(role as Participant['role'])) throw bad('role');
  if (!Array.isArray(teams) || teams.length > 256 || !teams.every((t) => typeof t === 'string' && ID.test(t))) throw bad('teams');
  return { id: sub, name, role: role as Participant['role'], teams: [...teams] as string[] };
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

async function resolveKey(config: AuthConfig): Promise<Uint8Array | CryptoKey | JWTVerifyGetKey> {
  const sources = [config.secret, config.publicKeyFile, config.jwksFile].filter((s) => s !== undefined);
  if (sources.length !== 1) throw new Error('Configure exactly one of a JWT secret, a public key file or a JWKS file.');
  if (config.secret !== undefined) {
    if (config.secret.length < 32) throw new Error('The JWT secret must be at least 32 characters.');
    return new TextEncoder().encode(config.secret);
  }
  if (config.publicKeyFile !== undefined) {
    const alg = config.algorithms.find((a) => a === 'ES256' || a === 'EdDSA');
    if (!alg || config.algorithms.length !== 1) throw new Error('With a public key, set exactly one algorithm: ES256 or EdDSA.');
    return importSPKI(readFileSync(config.publicKeyFile, 'utf8'), alg);
  }
  return createLocalJWKSet(JSON.parse(readFileSync(config.jwksFile!, 'utf8')));
}

/** Signs an HS256 token (dev mode and tests). */
export async function signToken(
  participant: Participant,
  opts: { secret: string; issuer: string; audience: string; expiresIn?: string | number },
): Promise<string> {
  return new SignJWT({ name: participant.name, role: participant.role, teams: participant.teams })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(participant.id)
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(opts.secret));
}
