/**
 * A team's rules from the relay (GET /api/rules/:team) and the answers to their suggestions back
 * to it (POST /api/rules/:team/feedback), so admins tune rules on `/metrics` from what agents
 * actually did with them. Both authenticate with the participant's own token.
 */
import * as v from 'valibot';
import { FlagError } from '../errors.js';
import { ErrorSchema } from '../schemas.js';
import type { RuleCounters } from './rule-engine.js';
import { parseRules, type Rule } from './rule-schema.js';

/** Where the relay is and who asks: `relayUrl` is its HTTP origin (e.g. `https://flagline.example.com`). */
export interface RelayRulesOptions {
  relayUrl: string;
  team: string;
  /** The participant's token (the same the WebSocket transport uses). */
  token: () => Promise<string> | string;
  fetch?: typeof fetch;
}

/** What the agents did with one rule's suggestions since the last report. */
export interface SuggestionCounts {
  shown: number;
  accepted: number;
  dismissed: number;
}

/** Per rule id. */
export type SuggestionReport = Record<string, SuggestionCounts>;

/** Most of one outcome of one rule in a single report (the relay refuses more). */
export const MAX_REPORTED_COUNT = 1000;

const ErrorBody = v.object({ error: ErrorSchema });

async function call(options: RelayRulesOptions, path: string, init: RequestInit = {}): Promise<unknown> {
  const url = `${options.relayUrl.replace(/\/$/, '')}/api/rules/${encodeURIComponent(options.team)}${path}`;
  const headers = { authorization: `Bearer ${await options.token()}`, ...(init.body ? { 'content-type': 'application/json' } : {}) };
  let res: Response;
  try {
    res = await (options.fetch ?? fetch)(url, { ...init, headers });
  } catch (err) {
    throw new FlagError('unavailable', `The relay could not be reached for team ${options.team}'s rules: ${(err as Error).message}`);
  }
  const body: unknown = res.headers.get('content-type')?.includes('json') ? await res.json().catch(() => null) : null;
  if (res.ok) return body;
  const error = v.safeParse(ErrorBody, body);
  throw error.success ? FlagError.from(error.output.error) : new FlagError('unavailable', `The relay answered ${res.status} for team ${options.team}'s rules.`);
}

/** The team's rules, validated here too; a FlagError (`not-found` when the relay serves none). */
export async function fetchTeamRules(options: RelayRulesOptions): Promise<Rule[]> {
  const body = (await call(options, '')) as { rules?: unknown };
  return parseRules(Array.isArray(body?.rules) ? body.rules : []);
}

/**
 * Reports a rules engine's suggestion counters to the relay as deltas. A report that fails is
 * not lost: its counts stay pending and go with the next `flush()`. One report at a time.
 */
export class SuggestionReporter {
  readonly #counters: () => Record<string, RuleCounters>;
  readonly #options: RelayRulesOptions;
  #reported: Record<string, SuggestionCounts> = {};
  #inFlight: Promise<void> | undefined;

  constructor(counters: () => Record<string, RuleCounters>, options: RelayRulesOptions) {
    this.#counters = counters;
    this.#options = options;
  }

  /** Counts not yet reported, by rule (rules with nothing new are left out). */
  pending(): SuggestionReport {
    const report: SuggestionReport = {};
    for (const [rule, now] of Object.entries(this.#counters())) {
      const before = this.#reported[rule] ?? { shown: 0, accepted: 0, dismissed: 0 };
      const delta = {
        shown: Math.min(MAX_REPORTED_COUNT, now.shown - before.shown),
        accepted: Math.min(MAX_REPORTED_COUNT, now.accepted - before.accepted),
        dismissed: Math.min(MAX_REPORTED_COUNT, now.dismissed - before.dismissed),
      };
      if (delta.shown + delta.accepted + delta.dismissed > 0) report[rule] = delta;
    }
    return report;
  }

  /** Send what is pending; rejects with the relay's FlagError (the counts stay pending). */
  flush(): Promise<void> {
    this.#inFlight ??= this.#send().finally(() => (this.#inFlight = undefined));
    return this.#inFlight;
  }

  async #send(): Promise<void> {
    const report = this.pending();
    if (Object.keys(report).length === 0) return;
    // keepalive: a report sent as the page goes away (pagehide) still reaches the relay.
    await call(this.#options, '/feedback', { method: 'POST', body: JSON.stringify({ counts: report }), keepalive: true });
    for (const [rule, delta] of Object.entries(report)) {
      const before = this.#reported[rule] ?? { shown: 0, accepted: 0, dismissed: 0 };
      this.#reported[rule] = { shown: before.shown + delta.shown, accepted: before.accepted + delta.accepted, dismissed: before.dismissed + delta.dismissed };
    }
  }
}
