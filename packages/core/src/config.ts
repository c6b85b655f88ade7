import * as v from 'valibot';
import { FlagError } from './errors.js';
import type { Channel } from './model.js';
import { TeamRoutingSchema } from './schemas.js';

/**
 * How a team's new flags reach its supervisors when it chose offer routing (a team without one
 * broadcasts to every supervisor of the team, the default): offered to one online, available
 * supervisor at a time for `offerMs`, then the next, then the whole team (see routing.ts).
 */
export type TeamRouting = v.InferOutput<typeof TeamRoutingSchema>;

/** Host and source-of-truth configuration. Every field has a default (see DEFAULT_CONFIG). */
export interface FlagConfig {
  /** Flags on `legacy-chat` interactions are off unless the host enables them. */
  legacyChatEnabled: boolean;
  /** Fallback mode: the feature is unavailable and every command rejects with `fallback-mode`. */
  fallbackMode: boolean;
  escalation: {
    /** An unacknowledged flag escalates one level after this long (and again after as long). */
    afterMs: number;
    /** Teams whose supervisors form the second tier (level 1). Level 2 reaches every supervisor. */
    secondTierTeams: string[];
  };
  limits: {
    /** Characters in a flag message or a chat message. */
    messageLength: number;
    /** Characters in a reason (raise, lower, decline). */
    reasonLength: number;
    /** Characters in a customer label. */
    labelLength: number;
  };
  /** Lowered flags stay in snapshots this long. */
  recentMs: number;
  /** Agents may raise only on interactions the host assigned to them (the relay's `--require-assignment`). */
  requireAssignment: boolean;
  /** A hand-off not accepted within this long expires: the flag goes back to its team's queue. */
  transferTimeoutMs: number;
  /** Teams that chose offer routing, by team id; every other team broadcasts. */
  routing: Record<string, TeamRouting>;
}

export const DEFAULT_CONFIG: FlagConfig = Object.freeze({
  legacyChatEnabled: false,
  fallbackMode: false,
  escalation: Object.freeze({ afterMs: 60_000, secondTierTeams: [] as string[] }),
  limits: Object.freeze({ messageLength: 1000, reasonLength: 200, labelLength: 120 }),
  recentMs: 60 * 60_000,
  requireAssignment: false,
  transferTimeoutMs: 60_000,
  routing: Object.freeze({}),
}) as FlagConfig;

export type FlagConfigInput = Partial<Omit<FlagConfig, 'escalation' | 'limits'>> & {
  escalation?: Partial<FlagConfig['escalation']>;
  limits?: Partial<FlagConfig['limits']>;
};

/** Throws `invalid-input` for a routing entry that is not a TeamRouting (offerMs ≥ 1 s, cap ≥ 1). */
export function resolveConfig(input: FlagConfigInput = {}): FlagConfig {
  for (const [team, rule] of Object.entries(input.routing ?? {})) {
    const checked = v.safeParse(TeamRoutingSchema, rule);
    if (!checked.success) throw new FlagError('invalid-input', `routing.${team}: ${checked.issues[0].message} (${checked.issues[0].path?.map((p) => String(p.key)).join('.') ?? 'entry'}).`);
  }
  return mergeConfig(input);
}

/**
 * The defaults with the input's settings over them, unchecked: what a client previews with until
 * its source of truth tells its own (`clientConfig`). Only a source of truth routes, so only
 * `resolveConfig` checks routing (and keeps valibot out of a client's bundle).
 */
export function mergeConfig(input: FlagConfigInput = {}): FlagConfig {
  return {
    ...DEFAULT_CONFIG,
    ...input,
    escalation: { ...DEFAULT_CONFIG.escalation, ...input.escalation },
    limits: { ...DEFAULT_CONFIG.limits, ...input.limits },
  };
}

/**
 * What a client decides with once its source of truth said how it is configured: the source of
 * truth's rules (what it accepts, who sees what, how long lowered flags stay), made stricter
 * where the host asked — fallback mode if either says so, legacy chat only if both allow it,
 * the lower of each limit.
 */
export function clientConfig(source: FlagConfig, host: FlagConfigInput = {}): FlagConfig {
  const limits = { ...source.limits };
  for (const key of Object.keys(limits) as (keyof FlagConfig['limits'])[]) limits[key] = Math.min(limits[key], host.limits?.[key] ?? Infinity);
  return {
    ...source,
    fallbackMode: source.fallbackMode || host.fallbackMode === true,
    legacyChatEnabled: source.legacyChatEnabled && host.legacyChatEnabled !== false,
    limits,
  };
}

export type Availability =
  | { available: true }
  | { available: false; reason: 'fallback-mode' | 'channel-unavailable' };

/** Whether flags can be raised on a channel under this configuration. */
export function availability(config: FlagConfig, channel: Channel): Availability {
  if (config.fallbackMode) return { available: false, reason: 'fallback-mode' };
  if (channel === 'legacy-chat' && !config.legacyChatEnabled)
    return { available: false, reason: 'channel-unavailable' };
  return { available: true };
}
