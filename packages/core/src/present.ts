/**
 * The view model every element renders: where a flag stands, what the viewer may do to it now
 * and the limits of what they type. Elements show this and decide nothing, so a rule or a
 * default lives in core only.
 */
import type { Command } from './commands.js';
import type { FlagConfig } from './config.js';
import { allowedActions, type FlagAction } from './machine.js';
import { isOpen, type Flag, type Participant, type ParticipantRef, type Transfer } from './model.js';
import { isRouting } from './routing.js';

/**
 * One word for where a flag stands, the most telling first: lowered; raising (this client's
 * raise not yet confirmed); joined; join requested; acknowledged; escalated; raised.
 */
export type FlagPhase = 'lowered' | 'raising' | 'joined' | 'join-requested' | 'acknowledged' | 'escalated' | 'raised';

export interface FlagView {
  flag: Flag;
  phase: FlagPhase;
  open: boolean;
  /** The person the phase is about: who lowered, joined, asked to join or acknowledged. */
  by?: ParticipantRef;
  /** Whether the viewer is the flag's agent. */
  mine: boolean;
  /** What the viewer may do now: what the source of truth would accept and change something by. */
  actions: ReadonlySet<FlagAction>;
  /** Commands of this client in flight on the flag (show them busy, don't offer them twice). */
  busy: ReadonlySet<Command['type']>;
  /** Longest message, reason and customer label, in characters. */
  limits: FlagConfig['limits'];
  /** A pending hand-off: to whom (`toMe` when to the viewer), from whom, and when it expires. */
  transfer?: Transfer & { toMe: boolean; expiresAt: number };
  /** Set on a check-in (a supervisor opened it with the agent): that supervisor. */
  checkInBy?: ParticipantRef;
  /** Offer routing: the flag is offered to `to` (the viewer when `toMe`) until `until`; only they may take it meanwhile. */
  offer?: { to: ParticipantRef; until: number; toMe: boolean };
}

export function presentFlag(
  flag: Flag,
  me: Participant,
  config: FlagConfig,
  busy: readonly Command['type'][] = [],
): FlagView {
  const inFlight = new Set(busy);
  const { phase, by } = phaseOf(flag, inFlight);
  return {
    flag,
    phase,
    open: isOpen(flag),
    ...(by ? { by } : {}),
    mine: flag.agent.id === me.id,
    actions: allowedActions(me, flag, config),
    busy: inFlight,
    limits: config.limits,
    ...(flag.transfer ? { transfer: { ...flag.transfer, toMe: flag.transfer.to.id === me.id, expiresAt: flag.transfer.at + config.transferTimeoutMs } } : {}),
    ...(flag.checkInBy ? { checkInBy: flag.checkInBy } : {}),
    ...(flag.offer && isRouting(flag, config) ? { offer: { ...flag.offer, toMe: flag.offer.to.id === me.id } } : {}),
  };
}

function phaseOf(flag: Flag, busy: ReadonlySet<Command['type']>): { phase: FlagPhase; by?: ParticipantRef | undefined } {
  if (flag.lowered) return { phase: 'lowered', by: flag.lowered.by };
  if (busy.has('raise')) return { phase: 'raising' };
  if (flag.join === 'accepted') return { phase: 'joined', by: flag.joinBy };
  if (flag.join === 'requested') return { phase: 'join-requested', by: flag.joinBy };
  if (flag.acknowledgedBy) return { phase: 'acknowledged', by: flag.acknowledgedBy };
  return { phase: flag.escalation > 0 ? 'escalated' : 'raised' };
}
