/**
 * Rules per team (`--rules FILE`): a JSON object from team id to a rule set, each validated with
 * core's `parseRules` when the relay starts, so a bad file stops it with the path of the problem
 * instead of reaching clients. Served to the team's members at GET /api/rules/:team.
 */
import { readFileSync } from 'node:fs';
import { FlagError } from '@flagline/core';
import { parseRules, type Rule } from '@flagline/core/automation';

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
