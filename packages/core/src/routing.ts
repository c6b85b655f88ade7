/**
 * Offer routing (a team's `routing` entry in FlagConfig): a new flag is offered to one
 * supervisor at a time, who alone may acknowledge it for `offerMs`; then to the next; once
 * nobody is left, to the whole team (`offer-ended`), whose escalation clock starts then.
 * Pure functions of a flag, the time and the supervisors as the source of truth knows them:
 * the Authority calls them on a raise and on its tick, and tests call them with a fake clock.
 */
import type { FlagConfig, TeamRouting } from './config.js';
import type { Flag, ParticipantRef, SupervisorStatus } from './model.js';

/** A supervisor of the flag's team as routing sees them. */
export interface Candidate {
  ref: ParticipantRef;
  /** Connected to the source of truth right now. */
  online: boolean;
  status: SupervisorStatus;
  /** Open flags they acknowledged plus flags offered to them now. */
  inHand: number;
  /** When they last took a flag, came online or became available: the longest idle go first. */
  idleSince: number;
}

/** What routing does next with a flag: offer it to someone until a time, or open it to the team. */
export type RoutingStep = { type: 'offered'; to: ParticipantRef; until: number } | { type: 'offer-ended' };

/** The team's offer routing, or undefined when the team broadcasts (the default). */
export function teamRouting(config: FlagConfig, team: string): TeamRouting | undefined {
  // Own keys only: a team called `constructor` must not find Object's.
  return Object.hasOwn(config.routing, team) ? config.routing[team] : undefined;
}

/**
 * Whether offer routing still decides who gets this flag: a raised flag not yet opened to its
 * team and never acknowledged (one handed back after a hand-off goes to the whole team).
 */
export function isRouting(flag: Flag, config: FlagConfig): boolean {
  return (
    flag.status === 'raised' &&
    flag.escalation === 0 &&
    flag.teamSince === undefined &&
    flag.acknowledgedAt === undefined &&
    teamRouting(config, flag.team) !== undefined
  );
}

/**
 * Who is offered the flag next: online, `available`, not offered this flag before, under the
 * team's cap, with the flag's reason among their skills if they have a skills list; then the
 * fewest flags in hand, the longest idle, the smallest id (so the choice is deterministic).
 */
export function pickSupervisor(flag: Flag, rule: TeamRouting, candidates: readonly Candidate[]): ParticipantRef | null {
  const asked = new Set(flag.offeredTo ?? []);
  let best: Candidate | null = null;
  for (const c of candidates) {
    if (!c.online || c.status !== 'available' || asked.has(c.ref.id) || c.inHand >= rule.maxPerSupervisor) continue;
    const skills = rule.skills && Object.hasOwn(rule.skills, c.ref.id) ? rule.skills[c.ref.id] : undefined;
    if (skills && !(flag.reason !== undefined && skills.includes(flag.reason))) continue;
    if (better(c, best)) best = c;
  }
  return best?.ref ?? null;
}

function better(c: Candidate, best: Candidate | null): boolean {
  if (!best) return true;
  if (c.inHand !== best.inHand) return c.inHand < best.inHand;
  if (c.idleSince !== best.idleSince) return c.idleSince < best.idleSince;
  return c.ref.id < best.ref.id;
}

/**
 * What routing does with `flag` at `now`, or null while its offer runs (or when it is not
 * routed): a flag with no pending offer, or whose offer ran out or whose supervisor left or
 * became busy or away, goes to the next supervisor, else to the whole team.
 */
export function routingStep(flag: Flag, now: number, config: FlagConfig, candidates: readonly Candidate[]): RoutingStep | null {
  const rule = teamRouting(config, flag.team);
  if (!rule || !isRouting(flag, config)) return null;
  // An offer runs its time unless its supervisor went offline, busy or away meanwhile. One this
  // source of truth does not know (another relay process made the offer) keeps it until it ends.
  const { offer } = flag;
  const holder = offer && candidates.find((c) => c.ref.id === offer.to.id);
  if (offer && now < offer.until && (!holder || (holder.online && holder.status === 'available'))) return null;
  const to = pickSupervisor(flag, rule, candidates);
  return to ? { type: 'offered', to, until: now + rule.offerMs } : { type: 'offer-ended' };
}

/** Flags in hand per supervisor among open flags: acknowledged by them, or offered to them now. */
export function loadOf(openFlags: Iterable<Flag>): Map<string, number> {
  const load = new Map<string, number>();
  for (const flag of openFlags) {
    const holder = flag.status === 'acknowledged' ? flag.acknowledgedBy?.id : flag.status === 'raised' ? flag.offer?.to.id : undefined;
    if (holder !== undefined) load.set(holder, (load.get(holder) ?? 0) + 1);
  }
  return load;
}
