/**
 * The few assertions the conformance suite needs, dependency-free so the suite runs under any
 * test framework (mocha in the browser, node:test) without bringing an assertion library.
 */
import { FlagError } from '../errors.js';

export class ConformanceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceError';
  }
}

export function fail(message: string): never {
  throw new ConformanceError(message);
}

export function ok(condition: unknown, message: string): asserts condition {
  if (!condition) fail(message);
}

/** Stable JSON (sorted keys) for structural comparison and readable failure messages. */
export function show(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

export function equal<T>(actual: T, expected: T, what: string): void {
  if (show(actual) !== show(expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

export interface Failure {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A decision against the command: the promise must resolve with an `ok: false` outcome. */
export async function refusal(promise: Promise<unknown>, what: string): Promise<Failure> {
  let value: unknown;
  try {
    value = await promise;
  } catch (err) {
    return fail(`${what}: a refused command must resolve with an ok: false outcome, but it rejected with ${String(err)}`);
  }
  const outcome = value as { ok?: boolean; error?: Failure };
  if (outcome && outcome.ok === false && outcome.error) return outcome.error;
  return fail(`${what}: expected an ok: false outcome, got ${show(value)}`);
}

/** A request the transport could not even send or decode: a rejected FlagError or an `ok: false` outcome. */
export async function anyFailure(promise: Promise<unknown>, what: string): Promise<Failure> {
  let value: unknown;
  try {
    value = await promise;
  } catch (err) {
    if (err instanceof FlagError) return { code: err.code, message: err.message };
    return fail(`${what}: rejected with a non-FlagError ${String(err)}`);
  }
  return refusal(Promise.resolve(value), what);
}
