/** The customer conversation a host feeds to Flagline: turns, validated where they come in. */
import * as v from 'valibot';
import { FlagError } from '../errors.js';

/** Longest turn kept, in characters; longer turns are cut (the context shares far less). */
export const MAX_STORED_TURN_LENGTH = 4_000;

export const TurnSchema = v.strictObject({
  from: v.picklist(['customer', 'agent']),
  text: v.string(),
  /** Milliseconds since the epoch. */
  at: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

export type Turn = v.InferOutput<typeof TurnSchema>;

/** A valibot result as a value, or an `invalid-input` FlagError naming the first issue and where. */
export function parseOrThrow<T extends v.GenericSchema>(schema: T, input: unknown, what: string): v.InferOutput<T> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  throw new FlagError('invalid-input', `Invalid ${what}${path ? ` at ${path}` : ''}: ${issue.message}`);
}
