/** The customer conversation a host feeds to Flagline: turns, validated where they come in. */
import * as v from 'valibot';

/** Longest turn kept, in characters; longer turns are cut (the context shares far less). */
export const MAX_STORED_TURN_LENGTH = 4_000;

export const TurnSchema = v.strictObject({
  from: v.picklist(['customer', 'agent']),
  text: v.string(),
  /** Milliseconds since the epoch. */
  at: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

export type Turn = v.InferOutput<typeof TurnSchema>;
