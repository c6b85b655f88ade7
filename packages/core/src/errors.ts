import type { InferOutput } from 'valibot';
import type { ErrorSchema } from './schemas.js';
/** Stable error codes: hosts switch on these, never on messages. */
export const ERROR_CODES = [
  'invalid-state',
  'already-acknowledged',
  'already-open',
  /** A settings save based on an older version than the stored one (compare-and-set). */
  'conflict',
  'not-found',
  'not-allowed',
  'unauthenticated',
  'channel-unavailable',
  'fallback-mode',
  'too-long',
  'invalid-input',
  'rate-limited',
  'unavailable',
  'transport-closed',
  'invalid-frame',
  'internal',
] as const;
export type FlagErrorCode = (typeof ERROR_CODES)[number];

/** Plain-data form of a FlagError (`code`, `message`, `details?`), as it crosses the wire. */
export type FlagErrorData = InferOutput<typeof ErrorSchema>;

/** Every failure Flagline reports is a FlagError with a stable `code`. */
export class FlagError extends Error {
  readonly code: FlagErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: FlagErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'FlagError';
    this.code = code;
    if (details) this.details = details;
  }

  toJSON(): FlagErrorData {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }

  static from(data: FlagErrorData): FlagError {
    return new FlagError(data.code, data.message, data.details);
  }
}

export function isFlagError(value: unknown): value is FlagError {
  return value instanceof FlagError;
}
