/**
 * The customer conversation a host feeds to Flagline, and the context a flag carries: schemas
 * only. Part of the wire protocol (a raise may carry a context), so it lives in core's main entry
 * and loads no scorer; `@flagline/core/automation` re-exports it.
 */
import * as v from 'valibot';

export const TurnSchema = v.strictObject({
  from: v.picklist(['customer', 'agent']),
  text: v.string(),
  /** Milliseconds since the epoch. */
  at: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER)),
});

export type Turn = v.InferOutput<typeof TurnSchema>;

/** Most turns a flag's context may carry, and longest text in it. */
export const MAX_CONTEXT_TURNS = 20;
export const MAX_CONTEXT_TEXT = 500;
export const MAX_SUMMARY_SENTENCES = 5;
/**
 * Most characters of text in a whole context (turns and summary). With the longest message it
 * keeps a raise within the relay's default 32 KiB frame whatever the script (3 UTF-8 bytes a
 * character) and even if every character is JSON-escaped (6 bytes).
 */
export const MAX_CONTEXT_LENGTH = 4_000;

const contextLength = (context: { turns: readonly { text: string }[]; summary: readonly string[] }) =>
  context.turns.reduce((n, t) => n + t.text.length, 0) + context.summary.reduce((n, s) => n + s.length, 0);

const ContextText = v.pipe(v.string(), v.maxLength(MAX_CONTEXT_TEXT));

/** The context on a flag: what the agent agreed to share (they may edit or remove any of it). */
export const FlagContextSchema = v.pipe(
  v.strictObject({
    turns: v.pipe(v.array(v.strictObject({ ...TurnSchema.entries, text: ContextText })), v.maxLength(MAX_CONTEXT_TURNS)),
    summary: v.pipe(v.array(ContextText), v.maxLength(MAX_SUMMARY_SENTENCES)),
  }),
  v.check((c) => contextLength(c) <= MAX_CONTEXT_LENGTH, `a context holds at most ${MAX_CONTEXT_LENGTH} characters of text in all`),
);

/** The context as it fits: its oldest turns dropped until its text is within MAX_CONTEXT_LENGTH. */
export function fitContext(context: FlagContext): FlagContext {
  let turns = context.turns;
  while (turns.length > 0 && contextLength({ turns, summary: context.summary }) > MAX_CONTEXT_LENGTH) turns = turns.slice(1);
  return turns === context.turns ? context : { ...context, turns };
}
export type FlagContext = v.InferOutput<typeof FlagContextSchema>;

/** Longest rule id and rule name (the rules' schema allows the same). */
export const MAX_RULE_ID = 64;
export const MAX_RULE_NAME = 80;

/** A rule, by its id and name: the one that raised a flag by itself (`automatic`) or suggested it (`suggested`). */
export const RuleRefSchema = v.strictObject({
  ruleId: v.pipe(v.string(), v.regex(/^[\w.:-]{1,64}$/, `rule ids use 1 to ${MAX_RULE_ID} letters, digits and _ . : -`)),
  ruleName: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_RULE_NAME)),
});
export type RuleRef = v.InferOutput<typeof RuleRefSchema>;
