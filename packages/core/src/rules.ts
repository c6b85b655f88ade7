import { availability, type FlagConfig } from './config.js';
import type { Command } from './commands.js';
import { FlagError } from './errors.js';
import type { Channel, Flag, Participant } from './model.js';

/**
 * Who may see a flag: its agent, the supervisors of its team, the second tier once it
 * escalated, every supervisor once it escalated twice.
 */
export function canSee(p: Participant, flag: Flag, config: FlagConfig): boolean {
  if (p.role === 'agent') return flag.agent.id === p.id;
  if (p.teams.includes(flag.team)) return true;
  if (flag.escalation >= 2) return true;
  return flag.escalation >= 1 && p.teams.some((t) => config.escalation.secondTierTeams.includes(t));
}

const SUPERVISOR_ONLY: ReadonlySet<Command['type']> = new Set([
  'acknowledge',
  'accept-join',
  'decline-join',
  'transfer',
  'accept-transfer',
  'decline-transfer',
  'check-in',
  'set-status',
]);
const AGENT_ONLY: ReadonlySet<Command['type']> = new Set(['raise', 'request-join', 'cancel-join', 'end-interaction']);

/** Role rules that need no state: checked first, by the client and the source of truth alike. */
export function checkRole(p: Participant, command: Command): FlagError | null {
  if (p.role === 'agent' && SUPERVISOR_ONLY.has(command.type))
    return new FlagError('not-allowed', `Only a supervisor can ${command.type.replace('-', ' ')} (you are an agent).`);
  if (p.role === 'supervisor' && AGENT_ONLY.has(command.type))
    return new FlagError('not-allowed', `Only an agent can ${command.type.replace('-', ' ')} (you are a supervisor).`);
  return null;
}

/**
 * The answer for a flag that does not exist, and the same one for a flag the caller may not
 * see: someone who may not see a flag must not learn whether it exists (or whose it is).
 */
export function noSuchFlag(flagId: string): FlagError {
  return new FlagError('not-found', `There is no flag ${flagId} that you can see.`);
}

/** Authorization on an existing flag: the agent on their own flags, supervisors on flags they can see. */
export function checkAccess(p: Participant, flag: Flag, config: FlagConfig): FlagError | null {
  return canSee(p, flag, config) ? null : noSuchFlag(flag.id);
}

/** Fallback mode and channel availability, as errors. */
export function checkAvailability(config: FlagConfig, channel: Channel | null): FlagError | null {
  if (config.fallbackMode)
    return new FlagError('fallback-mode', 'Flagline is in fallback mode: flags are unavailable.');
  if (channel === null) return null;
  const a = availability(config, channel);
  return a.available
    ? null
    : new FlagError('channel-unavailable', `Flags are not enabled on ${channel} interactions.`);
}
