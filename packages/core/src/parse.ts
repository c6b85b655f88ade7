/** Validation at the API's edges: one typed error for every bad input. */
import * as v from 'valibot';
import { FlagError } from './errors.js';

/** A valibot result as a value, or an `invalid-input` FlagError naming the first issue and where. */
export function parseOrError<T extends v.GenericSchema>(schema: T, input: unknown, what: string): v.InferOutput<T> | FlagError {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  return new FlagError('invalid-input', `Invalid ${what}${path ? ` at ${path}` : ''}: ${issue.message}`);
}

/** `parseOrError` that throws the error. */
export function parseOrThrow<T extends v.GenericSchema>(schema: T, input: unknown, what: string): v.InferOutput<T> {
  const parsed = parseOrError(schema, input, what);
  if (parsed instanceof FlagError) throw parsed;
  return parsed;
}
