/**
 * The customer conversation a host feeds to Flagline, and the context a flag carries: schemas
 * only, so the wire protocol can validate a context without loading the scorers.
 */
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

/** Most turns a flag's context may carry, and longest text in it. */
export const MAX_CONTEXT_TURNS = 20;
export const MAX_CONTEXT_TEXT = 500;
export const MAX_SUMMARY_SENTENCES = 5;

const ContextText = v.pipe(v.string(), v.maxLength(MAX_CONTEXT_TEXT));

/** The context on a flag: what the agent agreed to share (they may edit or remove any of it). */
export const FlagContextSchema = v.strictObject({
  turns: v.pipe(v.array(v.strictObject({ ...TurnSchema.entries, text: ContextText })), v.maxLength(MAX_CONTEXT_TURNS)),
  summary: v.pipe(v.array(ContextText), v.maxLength(MAX_SUMMARY_SENTENCES)),
});
export type FlagContext = v.InferOutput<typeof FlagContextSchema>;
