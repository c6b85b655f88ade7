import type { FlagErrorCode } from '@flagline/core';

/** The HTTP status for each FlagError code, on every HTTP endpoint (the service API documents them). */
export const HTTP_STATUS: Record<FlagErrorCode, number> = {
  'invalid-input': 400,
  'invalid-frame': 400,
  unauthenticated: 401,
  'not-allowed': 403,
  'not-found': 404,
  'invalid-state': 409,
  'already-acknowledged': 409,
  'already-open': 409,
  conflict: 409,
  'too-long': 422,
  'channel-unavailable': 422,
  'rate-limited': 429,
  internal: 500,
  unavailable: 503,
  'fallback-mode': 503,
  'transport-closed': 503,
};
