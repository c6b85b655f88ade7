/**
 * Automation rules are JSON data, validated here (the schema is documented in the package README,
 * "Automation rules"). `parseRules` accepts JSON text or parsed data and throws an `invalid-input`
 * FlagError naming the first problem and where it is.
 */
import * as v from 'valibot';
import { FlagError } from '../errors.js';
import { CHANNELS, SEVERITIES } from '../model.js';
import { parseOrThrow } from '../parse.js';

/** Longest regex source accepted. */
export const MAX_PATTERN_LENGTH = 200;
/** A regex sees at most this many characters of a turn. */
export const MAX_REGEX_INPUT = 2_000;

/** What an unbounded quantifier (`*`, `+`, `{n,}`) counts in a pattern's cost (see unsafePatternReason). */
const UNBOUNDED = 1_000;
/** Highest pattern cost accepted: one unbounded quantifier and a few small bounded ones. */
export const MAX_PATTERN_COST = 5_000;

/** The quantifier starting at `i` (with its lazy `?`): how many repeat counts it allows, and its length. */
function quantifierAt(pattern: string, i: number): { factor: number; length: number } | null {
  const c = pattern[i];
  let factor: number;
  let length = 1;
  if (c === '*' || c === '+') factor = UNBOUNDED;
  else if (c === '?') factor = 2;
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i, i + 24));
    if (!m) return null;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity;
    factor = max === Infinity ? UNBOUNDED : max - min + 1;
    length = m[0].length;
  } else return null;
  if (pattern[i + length] === '?') length++;
  return { factor, length };
}

/**
 * Why a pattern could backtrack for too long, or null when it is accepted. Checked on the
 * pattern's text, conservatively: no back-references; a repeated group contains no quantifier and
 * no alternation (`(a+)+`, `(a|ab)*`); and the product of every quantifier's repeat counts (an
 * unbounded one counts 1,000) is at most MAX_PATTERN_COST, because adjacent quantifiers multiply:
 * `a*a*b` takes 0.7 s on 500 characters, `\s{0,50}\s{0,50}\s{0,50}x` 2.5 s on 2,000.
 */
export function unsafePatternReason(pattern: string): string | null {
  const groups: { risky: boolean }[] = [{ risky: false }];
  let cost = 1;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    const top = groups[groups.length - 1]!;
    if (c === '(') {
      groups.push({ risky: false });
      i += pattern[i + 1] === '?' ? 2 : 1;
      continue;
    }
    if (c === '|') {
      top.risky = true;
      i++;
      continue;
    }
    let risky = false;
    if (c === ')') {
      risky = groups.pop()!.risky;
      if (groups.length === 0) return 'unbalanced parentheses';
      i++;
    } else if (c === '\\') {
      if (/[1-9k]/.test(pattern[i + 1] ?? '')) return 'back-references are not allowed';
      i += 2;
    } else if (c === '[') {
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
      i++;
    } else i++;
    const q = quantifierAt(pattern, i);
    const parent = groups[groups.length - 1]!;
    if (q) {
      if (risky) return 'a repeated group must not contain a quantifier or an alternation';
      cost *= q.factor;
      if (cost > MAX_PATTERN_COST)
        return 'too much backtracking possible: use at most one unbounded quantifier (*, +, {n,}) and small bounded ones ({m,n})';
      i += q.length;
    }
    if (q || risky) parent.risky = true;
  }
  return groups.length === 1 ? null : 'unbalanced parentheses';
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'iu');
    return true;
  } catch {
    return false; // the schema reports it as an issue
  }
}

const Text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const From = v.optional(v.picklist(['customer', 'agent', 'any']), 'customer');
const Int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const HOUR = 60 * 60_000;

const Pattern = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(MAX_PATTERN_LENGTH),
  v.check(compiles, 'not a valid regular expression (flags i and u are added)'),
  v.rawCheck(({ dataset, addIssue }) => {
    const reason = dataset.typed ? unsafePatternReason(dataset.value) : null;
    if (reason) addIssue({ message: `unsafe pattern: ${reason}` });
  }),
);

export const ConditionSchema = v.variant('type', [
  v.strictObject({ type: v.literal('keywords'), any: v.pipe(v.array(Text(80)), v.minLength(1), v.maxLength(200)), from: From }),
  v.strictObject({ type: v.literal('regex'), pattern: Pattern, from: From }),
  v.strictObject({
    type: v.literal('sentiment-shift'),
    direction: v.optional(v.picklist(['negative', 'positive']), 'negative'),
    /** How far the mean score must move (the scale is -1…1). */
    delta: v.pipe(v.number(), v.minValue(0.1), v.maxValue(2)),
    /** Customer turns in the recent window compared with as many before. */
    window: v.optional(Int(1, 10), 2),
  }),
  v.strictObject({ type: v.literal('silence'), overMs: Int(1_000, HOUR) }),
  v.strictObject({ type: v.literal('handle-time'), overMs: Int(1_000, 24 * HOUR) }),
  v.strictObject({
    type: v.literal('repeated'),
    /** Customer messages alike, counting the latest. */
    count: v.optional(Int(2, 20), 3),
    /** Token-set overlap (0…1) at which two messages count as the same. */
    similarity: v.optional(v.pipe(v.number(), v.minValue(0.1), v.maxValue(1)), 0.8),
  }),
]);

export const RuleSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^[\w.:-]{1,64}$/, 'ids use 1 to 64 letters, digits and _ . : -')),
  name: Text(80),
  enabled: v.optional(v.boolean(), true),
  /** Channels the rule runs on; all when absent. `silence` only ever fires on voice. */
  channels: v.optional(v.pipe(v.array(v.picklist(CHANNELS)), v.minLength(1))),
  when: ConditionSchema,
  action: v.picklist(['suggest', 'auto-raise']),
  /** What the agent is shown for a suggestion; default "<name> — raise a flag?". */
  suggestion: v.optional(Text(200)),
  /** The flag it raises (prefilled for a suggestion). */
  raise: v.strictObject({
    message: Text(1000),
    reason: v.optional(Text(200)),
    severity: v.optional(v.picklist(SEVERITIES), 'normal'),
  }),
  /** Quiet time for this rule on one interaction after it fired; default 5 minutes. */
  cooldownMs: v.optional(Int(0, 24 * HOUR), 5 * 60_000),
});

export const RuleSetSchema = v.pipe(
  v.array(RuleSchema),
  v.maxLength(200),
  v.check((rules) => new Set(rules.map((r) => r.id)).size === rules.length, 'rule ids must be unique'),
);

export type Rule = v.InferOutput<typeof RuleSchema>;
export type RuleInput = v.InferInput<typeof RuleSchema>;
export type RuleCondition = v.InferOutput<typeof ConditionSchema>;

/** Rules from JSON text or data; `invalid-input` FlagError on the first problem. */
export function parseRules(input: unknown): Rule[] {
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input) as unknown;
    } catch {
      throw new FlagError('invalid-input', 'Invalid rules: not valid JSON.');
    }
  }
  return parseOrThrow(RuleSetSchema, input, 'rules');
}
