/**
 * Rules per team (`--rules FILE`): a JSON object from team id to a rule set, each validated with
 * core's `parseRules` when the relay starts, so a bad file stops it with the path of the problem
 * instead of reaching clients. Served to the team's members at GET /api/rules/:team; what their
 * agents did with the suggestions comes back at POST /api/rules/:team/feedback.
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { FlagError } from '@flagline/core';
import { MAX_REPORTED_COUNT, parseRules, type Rule, type SuggestionReport } from '@flagline/core/automation';

export type TeamRules = ReadonlyMap<string, readonly Rule[]>;

const TEAM = /^[\w.:@-]{1,128}$/;

/** The file's rule sets by team; a FlagError (`invalid-input`) naming the file, team and path otherwise. */
export function loadTeamRules(file: string): TeamRules {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FlagError('invalid-input', `Cannot read rules file ${file}: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new FlagError('invalid-input', `${file}: expected a JSON object from team id to a list of rules, e.g. {"billing": [ … ]}.`);
  const rules = new Map<string, readonly Rule[]>();
  for (const [team, set] of Object.entries(json)) {
    if (!TEAM.test(team)) throw new FlagError('invalid-input', `${file}: "${team.slice(0, 40)}" is not a team id (letters, digits and _ . : @ -).`);
    try {
      rules.set(team, parseRules(set as unknown[]));
    } catch (err) {
      throw new FlagError('invalid-input', `${file}: team ${team}: ${(err as Error).message}`);
    }
  }
  return rules;
}

const Count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_REPORTED_COUNT));
const FeedbackSchema = v.strictObject({
  counts: v.record(v.pipe(v.string(), v.maxLength(64)), v.strictObject({ shown: Count, accepted: Count, dismissed: Count })),
});

/**
 * A suggestion report for `team`, checked: every rule id must be one of the team's rules (so the
 * metric's labels stay the admins' rule ids, never a caller's strings), every count 0…1000.
 */
export function parseSuggestionReport(rules: TeamRules, team: string, body: unknown): SuggestionReport {
  const parsed = v.safeParse(FeedbackSchema, body);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new FlagError('invalid-input', `Invalid suggestion report${path ? ` at ${path}` : ''}: ${issue.message}`);
  }
  const known = new Set((rules.get(team) ?? []).map((r) => r.id));
  const unknown = Object.keys(parsed.output.counts).find((id) => !known.has(id));
  if (unknown !== undefined) throw new FlagError('invalid-input', `Team ${team} has no rule ${JSON.stringify(unknown.slice(0, 64))}.`);
  return parsed.output.counts;
}
