/** Validation at the automation API's edges: one typed error for every bad input. */
import * as v from 'valibot';
import { FlagError } from '../errors.js';

/** A valibot result as a value, or an `invalid-input` FlagError naming the first issue and where. */
export function parseOrThrow<T extends v.GenericSchema>(schema: T, input: unknown, what: string): v.InferOutput<T> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  throw new FlagError('invalid-input', `Invalid ${what}${path ? ` at ${path}` : ''}: ${issue.message}`);
}
