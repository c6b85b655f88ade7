/**
 * The flag state machine: `decide` turns a command into events (or a FlagError), `applyEvent`
 * folds an event into a flag. The source of truth and the client's optimistic preview both
 * use these two functions, so the rules exist exactly once.
 */
import type { FlagConfig } from './config.js';
import type { CommandEnvelope, ServiceCommand } from './commands.js';
import { FlagError } from './errors.js';
import {
  isOpen,
  refOf,
  type Flag,
  type FlagEvent,
  type Participant,
  type ParticipantRef,
  type ServiceRef,
  SYSTEM_ACTOR,
} from './model.js';
import { isRouting, routingStep, teamRouting, type Candidate } from './routing.js';
import { checkAccess, checkAvailability, checkRole, noSuchFlag } from './rules.js';

/** Read access to current state that a decision needs. */
export interface DecisionState {
  flag(id: string): Flag | undefined;
  openFlagFor(interactionId: string): Flag | undefined;
  /** The agent who first raised a flag on this interaction (or whom its flag was transferred to), if any. */
  interactionAgent(interactionId: string): string | undefined;
  /** The agent the host assigned this interaction to (service API), if any: it overrides `interactionAgent`. */
  assignee?(interactionId: string): string | undefined;
  /**
   * Someone online at the source of truth, by id: whom a flag can be handed to, with whom a
   * check-in can be opened. A client deciding ahead of its source of truth knows nobody and
   * leaves those commands to it.
   */
  participant?(id: string): Participant | undefined;
  /**
   * The supervisors of a team as offer routing sees them (presence, status, load). Only the
   * source of truth knows them: a raise decided without it (a client's preview) is not routed.
   */
  candidates?(team: string): readonly Candidate[];
}

export interface Decision {
  flagId: string | null;
  events: FlagEvent[];
  changed: boolean;
  note?: string;
}

/** An event before the source of truth stamps it (distributes over the union). */
type Draft = FlagEvent extends infer E ? (E extends FlagEvent ? Omit<E, 'flagId' | 'seq' | 'at' | 'actor' | 'via'> : never) : never;

function checkText(value: string, max: number, what: string, required: boolean): FlagError | null {
  if (required && value.trim().length === 0) return new FlagError('invalid-input', `${what} must not be empty.`);
  if (value.length > max) return new FlagError('too-long', `${what} is ${value.length} characters; the limit is ${max}.`, { limit: max, length: value.length });
  return null;
}

function optional(value: string | undefined, max: number, what: string): FlagError | null {
  return value === undefined ? null : checkText(value, max, what, false);
}

/**
 * A raise is marked by a rule that raised it (automatic) or suggested it (suggested), not both.
 * The context and the marks' fields are checked where commands enter (the protocol's frames, the
 * service API), with the rest of the command's fields.
 */
function checkAutomation(command: Extract<CommandEnvelope['command'], { type: 'raise' }>): FlagError | null {
  if (command.automatic && command.suggested) return new FlagError('invalid-input', 'A flag is raised by a rule (automatic) or suggested by one (suggested), not both.');
  return null;
}

/** Decide what a command does. Pure: returns events with sequence numbers assigned, or an error. */
export function decide(
  state: DecisionState,
  actor: Participant,
  envelope: CommandEnvelope,
  now: number,
  config: FlagConfig,
  /** The service sending the command on the actor's behalf (recorded on the events), if any. */
  via?: ServiceRef,
): Decision | FlagError {
  const { command } = envelope;
  const fallback = checkAvailability(config, null);
  if (fallback) return fallback;
  const role = checkRole(actor, command);
  if (role) return role;
  const who = refOf(actor);
  const stamp = (draft: Draft, flagId: string, prevSeq: number, at: number, by: ParticipantRef) => stamped(draft, flagId, prevSeq, at, by, via);
  const { limits } = config;

  if (command.type === 'raise') {
    const unavailable = checkAvailability(config, command.channel);
    if (unavailable) return unavailable;
    const bad =
      checkText(command.message, limits.messageLength, 'The flag message', true) ??
      optional(command.reason, limits.reasonLength, 'The reason') ??
      optional(command.customerLabel, limits.labelLength, 'The customer label') ??
      checkAutomation(command);
    if (bad) return bad;
    const team = command.team ?? actor.teams[0];
    if (team === undefined || !actor.teams.includes(team))
      return new FlagError('not-allowed', team === undefined ? 'You belong to no team, so no supervisor could see your flag.' : `You are not a member of team ${team}.`);
    const notOwner = checkOwner(state, actor, command.interactionId, config);
    if (notOwner) return notOwner;
    const open = state.openFlagFor(command.interactionId);
    if (open) return new FlagError('already-open', `Interaction ${command.interactionId} already has an open flag (${open.id}).`, { flagId: open.id });
    if (state.flag(envelope.id)) return new FlagError('invalid-input', `Command id ${envelope.id} was already used.`);
    const draft: Draft = {
      type: 'raised',
      interactionId: command.interactionId,
      channel: command.channel,
      customerLabel: command.customerLabel ?? '',
      team,
      message: command.message,
      severity: command.severity ?? 'normal',
      ...(command.reason ? { reason: command.reason } : {}),
      // An empty context shares nothing: stored as none.
      ...(command.context && (command.context.turns.length > 0 || command.context.summary.length > 0) ? { context: command.context } : {}),
      ...(command.automatic ? { automatic: command.automatic } : {}),
      ...(command.suggested ? { suggested: command.suggested } : {}),
    };
    const raised = stamp(draft, envelope.id, 0, now, who);
    // An offer-routed team's flag is offered in the same write: it is never open to all by accident.
    const routed = state.candidates && teamRouting(config, team) ? routingDue(applyEvent(undefined, raised), now, config, state.candidates(team)) : null;
    return { flagId: envelope.id, changed: true, events: routed ? [raised, routed] : [raised] };
  }

  if (command.type === 'check-in') return decideCheckIn(state, actor, envelope.id, command, now, config, stamp);

  if (command.type === 'set-status') return { flagId: null, events: [], changed: true };

  if (command.type === 'end-interaction') {
    const notOwner = checkOwner(state, actor, command.interactionId, config);
    if (notOwner) return notOwner;
    const open = state.openFlagFor(command.interactionId);
    if (!open) return { flagId: null, events: [], changed: false, note: 'no-open-flag' };
    return {
      flagId: open.id,
      changed: true,
      events: [stamp({ type: 'lowered', cause: 'interaction-ended' }, open.id, open.seq, now, who)],
    };
  }

  const flag = state.flag(command.flagId);
  if (!flag) return noSuchFlag(command.flagId);
  const denied = checkAccess(actor, flag, config);
  if (denied) return denied;
  const one = (draft: Draft): Decision => ({ flagId: flag.id, changed: true, events: [stamp(draft, flag.id, flag.seq, now, who)] });

  if (command.type === 'lower') {
    const bad = optional(command.reason, limits.reasonLength, 'The reason');
    if (bad) return bad;
    if (!isOpen(flag)) return { flagId: flag.id, events: [], changed: false, note: 'already-lowered' };
    return one({ type: 'lowered', cause: actor.role, ...(command.reason ? { reason: command.reason } : {}) });
  }
  if (!isOpen(flag)) return new FlagError('invalid-state', `Flag ${flag.id} was lowered; it takes no more ${command.type.replace('-', ' ')} commands.`, { status: flag.status });

  switch (command.type) {
    case 'acknowledge': {
      const offered = offeredElsewhere(flag, actor, config);
      if (offered) return offered;
      if (flag.acknowledgedBy)
        return flag.acknowledgedBy.id === actor.id
          ? { flagId: flag.id, events: [], changed: false, note: 'already-acknowledged' }
          : alreadyClaimed(flag, flag.acknowledgedBy);
      return one({ type: 'acknowledged' });
    }
    case 'send-message': {
      const bad = checkText(command.text, limits.messageLength, 'The message', true);
      if (bad) return bad;
      return one({ type: 'message', text: command.text, clientId: envelope.id });
    }
    case 'request-join':
      if (flag.join === 'requested') return { flagId: flag.id, events: [], changed: false, note: 'already-requested' };
      if (flag.join === 'accepted') return new FlagError('invalid-state', `The supervisor already joined (flag ${flag.id}).`, { join: flag.join });
      return one({ type: 'join-requested' });
    case 'cancel-join':
      if (flag.join !== 'requested') return new FlagError('invalid-state', `There is no pending join request on flag ${flag.id} to cancel.`, { join: flag.join });
      return one({ type: 'join-cancelled' });
    case 'accept-join':
    case 'decline-join': {
      // Someone else helping is the first answer: of two supervisors who accept an escalated flag's
      // request at once, the second learns who took it, not that the request is gone.
      if (flag.acknowledgedBy && flag.acknowledgedBy.id !== actor.id) return alreadyClaimed(flag, flag.acknowledgedBy);
      if (flag.join !== 'requested') return new FlagError('invalid-state', `There is no pending join request on flag ${flag.id}.`, { join: flag.join });
      // While the flag is offered to someone else, the agent's request is theirs to answer either way.
      const offered = offeredElsewhere(flag, actor, config);
      if (offered) return offered;
      if (command.type === 'decline-join') {
        const bad = optional(command.reason, limits.reasonLength, 'The reason');
        if (bad) return bad;
        return one({ type: 'join-declined', ...(command.reason ? { reason: command.reason } : {}) });
      }
      // Accepting an unclaimed flag claims it: everyone must see who is helping.
      const events: FlagEvent[] = [];
      if (!flag.acknowledgedBy) events.push(stamp({ type: 'acknowledged' }, flag.id, flag.seq, now, who));
      events.push(stamp({ type: 'join-accepted' }, flag.id, flag.seq + events.length, now, who));
      return { flagId: flag.id, changed: true, events };
    }
    case 'transfer': {
      const bad = optional(command.note, limits.messageLength, 'The note');
      if (bad) return bad;
      if (!flag.acknowledgedBy) return new FlagError('invalid-state', `Nobody helps on flag ${flag.id} yet: acknowledge it instead of handing it off.`, { status: flag.status });
      if (flag.acknowledgedBy.id !== actor.id) return new FlagError('not-allowed', `${flag.acknowledgedBy.name} helps on flag ${flag.id}; only they can hand it off.`, { acknowledgedBy: flag.acknowledgedBy });
      if (flag.transfer) return new FlagError('invalid-state', `Flag ${flag.id} is already offered to ${flag.transfer.to.name}.`, { to: flag.transfer.to });
      const note = command.note?.trim() ? { note: command.note } : {};
      if (command.to === undefined) return one({ type: 'handed-back', ...note });
      if (command.to === actor.id) return new FlagError('invalid-input', `You already help on flag ${flag.id}.`);
      if (!state.participant) return leftToSource(command.type);
      const to = state.participant(command.to);
      // Unknown, not a supervisor, or not allowed to see the flag: one answer, so it tells nothing about who exists.
      if (!to || to.role !== 'supervisor' || checkAccess(to, flag, config))
        return new FlagError('not-found', `There is no supervisor ${command.to} online who can see flag ${flag.id}.`, { to: command.to });
      return one({ type: 'transfer-offered', to: refOf(to), ...note });
    }
    case 'accept-transfer':
    case 'decline-transfer': {
      if (!flag.transfer) return new FlagError('invalid-state', `There is no pending hand-off of flag ${flag.id}.`);
      if (flag.transfer.to.id !== actor.id) return new FlagError('not-allowed', `Flag ${flag.id} is offered to ${flag.transfer.to.name}, not to you.`, { to: flag.transfer.to });
      if (command.type === 'accept-transfer') return one({ type: 'transfer-accepted' });
      const bad = optional(command.reason, limits.reasonLength, 'The reason');
      if (bad) return bad;
      return one({ type: 'transfer-declined', ...(command.reason?.trim() ? { reason: command.reason } : {}) });
    }
  }
}

function leftToSource(type: string): FlagError {
  return new FlagError('unavailable', `Only the source of truth knows who is online: it decides ${type} commands.`);
}

/**
 * A check-in: a supervisor opens a flag on an agent's interaction, already helping on it (a
 * `raised` event naming the agent, then `acknowledged`, both by the supervisor). The agent must
 * be online and share the team; the interaction must be theirs and have no open flag.
 */
function decideCheckIn(
  state: DecisionState,
  actor: Participant,
  id: string,
  command: Extract<CommandEnvelope['command'], { type: 'check-in' }>,
  now: number,
  config: FlagConfig,
  stamp: (draft: Draft, flagId: string, prevSeq: number, at: number, by: ParticipantRef) => FlagEvent,
): Decision | FlagError {
  const unavailable = checkAvailability(config, command.channel);
  if (unavailable) return unavailable;
  const bad =
    checkText(command.message, config.limits.messageLength, 'The message', true) ?? optional(command.customerLabel, config.limits.labelLength, 'The customer label');
  if (bad) return bad;
  if (command.team !== undefined && !actor.teams.includes(command.team)) return new FlagError('not-allowed', `You are not a member of team ${command.team}.`);
  if (!state.participant) return leftToSource(command.type);
  const agent = state.participant(command.agentId);
  const team = command.team ?? actor.teams.find((t) => agent?.teams.includes(t));
  // Unknown, offline, not an agent or not on your teams: one answer, so it tells nothing about who exists.
  if (!agent || agent.role !== 'agent' || team === undefined || !agent.teams.includes(team))
    return new FlagError('not-found', `There is no agent ${command.agentId} online on your teams.`, { agentId: command.agentId });
  const notOwner = checkOwner(state, agent, command.interactionId, config);
  if (notOwner) return new FlagError('not-allowed', `Interaction ${command.interactionId} is not ${agent.name}'s.`);
  const open = state.openFlagFor(command.interactionId);
  if (open) return new FlagError('already-open', `Interaction ${command.interactionId} already has an open flag (${open.id}).`, { flagId: open.id });
  if (state.flag(id)) return new FlagError('invalid-input', `Command id ${id} was already used.`);
  const who = refOf(actor);
  const raised: Draft = {
    type: 'raised',
    interactionId: command.interactionId,
    channel: command.channel,
    customerLabel: command.customerLabel ?? '',
    team,
    message: command.message,
    severity: 'normal',
    agent: refOf(agent),
  };
  return { flagId: id, changed: true, events: [stamp(raised, id, 0, now, who), stamp({ type: 'acknowledged' }, id, 1, now, who)] };
}

/**
 * Whether an agent may act on an interaction: the one the host assigned it to, else the first
 * who raised on it; in strict mode (`requireAssignment`) only an assigned agent. A state that
 * does not know the host's assignments (a client deciding ahead of its source of truth) leaves
 * strict mode to the source of truth, which does.
 */
function checkOwner(state: DecisionState, actor: Participant, interactionId: string, config: FlagConfig): FlagError | null {
  const assignee = state.assignee?.(interactionId);
  if (config.requireAssignment && state.assignee && assignee !== actor.id) return new FlagError('not-allowed', `Interaction ${interactionId} is not assigned to you.`);
  const owner = assignee ?? state.interactionAgent(interactionId);
  return owner !== undefined && owner !== actor.id ? new FlagError('not-allowed', `Interaction ${interactionId} belongs to another agent.`) : null;
}

/**
 * Decide what a host backend's own command does (service API). Ending an interaction lowers its
 * open flag (cause `interaction-ended`) whoever owns it; assigning it moves its open flag to
 * the agent (the assignment itself is kept by the host's store, read back through
 * `DecisionState.assignee`). Events are by the system, `via` the service.
 */
export function decideForService(state: DecisionState, service: ServiceRef, command: ServiceCommand, now: number, config: FlagConfig): Decision | FlagError {
  const fallback = checkAvailability(config, null);
  if (fallback) return fallback;
  const open = state.openFlagFor(command.interactionId);
  if (command.type === 'end-interaction') {
    if (!open) return { flagId: null, events: [], changed: false, note: 'no-open-flag' };
    return { flagId: open.id, changed: true, events: [stamped({ type: 'lowered', cause: 'interaction-ended' }, open.id, open.seq, now, SYSTEM_ACTOR, service)] };
  }
  const { agent } = command;
  if (agent.role !== 'agent') return new FlagError('invalid-input', `Interactions are assigned to agents; ${agent.id} is a ${agent.role}.`);
  const team = command.team ?? (open && agent.teams.includes(open.team) ? open.team : agent.teams[0]);
  if (team === undefined || !agent.teams.includes(team))
    return new FlagError('invalid-input', team === undefined ? `Agent ${agent.id} belongs to no team.` : `Agent ${agent.id} is not a member of team ${team}.`);
  if (!open) return { flagId: null, events: [], changed: false, note: 'no-open-flag' };
  if (open.agent.id === agent.id && open.team === team) return { flagId: open.id, events: [], changed: false, note: 'already-assigned' };
  const draft: Draft = { type: 'assigned', from: open.agent, agent: refOf(agent), team };
  return { flagId: open.id, changed: true, events: [stamped(draft, open.id, open.seq, now, SYSTEM_ACTOR, service)] };
}

/** While a flag is offered to one supervisor (so nobody has claimed it yet), only they may claim it. */
function offeredElsewhere(flag: Flag, actor: Participant, config: FlagConfig): FlagError | null {
  const { offer } = flag;
  if (!offer || offer.to.id === actor.id || !isRouting(flag, config)) return null;
  return new FlagError('not-allowed', `Flag ${flag.id} is offered to ${offer.to.name} for now; the team can take it once the offers end.`, { offeredTo: offer.to, until: offer.until });
}

function alreadyClaimed(flag: Flag, by: ParticipantRef): FlagError {
  return new FlagError('already-acknowledged', `${by.name} already acknowledged flag ${flag.id}.`, { acknowledgedBy: by });
}

function stamped(draft: Draft, flagId: string, prevSeq: number, at: number, actor: ParticipantRef, via?: ServiceRef): FlagEvent {
  return { ...draft, flagId, seq: prevSeq + 1, at, actor, ...(via ? { via } : {}) } as FlagEvent;
}

/** The escalation the clock causes, if any, for a flag at `now`. */
export function escalationDue(flag: Flag, now: number, config: FlagConfig): FlagEvent | null {
  if (flag.status !== 'raised' || flag.escalation >= 2 || isRouting(flag, config)) return null;
  // An offer-routed flag starts waiting on its team once the offers ended; back in the queue
  // after a hand-off, the flag waits its full time again.
  const since = Math.max(flag.escalation === 0 ? (flag.teamSince ?? flag.raisedAt) : (flag.escalatedAt ?? flag.raisedAt), flag.queuedAt ?? 0);
  if (now - since < config.escalation.afterMs) return null;
  const level = (flag.escalation + 1) as 1 | 2;
  return stamped({ type: 'escalated', level }, flag.id, flag.seq, now, SYSTEM_ACTOR);
}


/** The expiry the clock causes, if any, for a flag's pending hand-off at `now`: back to the team's queue. */
export function transferDue(flag: Flag, now: number, config: FlagConfig): FlagEvent | null {
  if (!isOpen(flag) || !flag.transfer || now - flag.transfer.at < config.transferTimeoutMs) return null;
  return stamped({ type: 'transfer-expired' }, flag.id, flag.seq, now, SYSTEM_ACTOR);
}

/** The routing event the clock causes for a flag at `now` (next offer, or open to the team), if any. */
export function routingDue(flag: Flag, now: number, config: FlagConfig, candidates: readonly Candidate[]): FlagEvent | null {
  const step = routingStep(flag, now, config, candidates);
  return step && stamped(step, flag.id, flag.seq, now, SYSTEM_ACTOR);
}

/** Fold one event into a flag. `flag` is undefined only for `raised`. Throws on an impossible event. */
export function applyEvent(flag: Flag | undefined, event: FlagEvent): Flag {
  if (event.type === 'raised') {
    return {
      id: event.flagId,
      interactionId: event.interactionId,
      channel: event.channel,
      customerLabel: event.customerLabel,
      team: event.team,
      agent: event.agent ?? event.actor,
      ...(event.agent ? { checkInBy: event.actor } : {}),
      ...(event.via ? { raisedVia: event.via } : {}),
      message: event.message,
      ...(event.reason ? { reason: event.reason } : {}),
      severity: event.severity,
      ...(event.context ? { context: event.context } : {}),
      ...(event.automatic ? { automatic: event.automatic } : {}),
      ...(event.suggested ? { suggested: event.suggested } : {}),
      status: 'raised',
      raisedAt: event.at,
      escalation: 0,
      join: 'none',
      seq: event.seq,
    };
  }
  if (!flag) throw new FlagError('invalid-state', `Event ${event.type} for unknown flag ${event.flagId}.`);
  const next: Flag = { ...flag, seq: event.seq };
  switch (event.type) {
    case 'acknowledged':
      next.status = 'acknowledged';
      next.acknowledgedBy = event.actor;
      // Time to acknowledge counts to the first acknowledgement, not to a later one after a hand-back.
      next.acknowledgedAt = flag.acknowledgedAt ?? event.at;
      delete next.offer;
      break;
    case 'offered':
      next.offer = { to: event.to, until: event.until };
      next.offeredTo = [...(flag.offeredTo ?? []), event.to.id];
      break;
    case 'offer-ended':
      delete next.offer;
      next.teamSince = event.at;
      break;
    case 'transfer-offered':
      next.transfer = { from: event.actor, to: event.to, at: event.at, ...(event.note ? { note: event.note } : {}) };
      break;
    case 'transfer-accepted':
      next.acknowledgedBy = event.actor;
      delete next.transfer;
      break;
    case 'transfer-declined':
      delete next.transfer;
      break;
    case 'transfer-expired':
    case 'handed-back':
      next.status = 'raised';
      next.queuedAt = event.at;
      delete next.acknowledgedBy;
      delete next.transfer;
      break;
    case 'escalated':
      next.escalation = event.level;
      next.escalatedAt = event.at;
      break;
    case 'lowered':
      next.status = 'lowered';
      delete next.transfer;
      next.lowered = { by: event.actor, at: event.at, cause: event.cause, ...(event.reason ? { reason: event.reason } : {}) };
      break;
    case 'join-requested':
    case 'join-accepted':
    case 'join-declined':
    case 'join-cancelled':
      next.join = event.type.slice('join-'.length) as Flag['join'];
      next.joinBy = event.actor;
      next.joinAt = event.at;
      break;
    case 'assigned':
      next.agent = event.agent;
      // Moved to another team: its supervisors take it from their queue afresh. The old team's
      // helper, hand-off, offer, check-in and join no longer apply (they could not see it now).
      if (event.team !== flag.team) {
        next.status = 'raised';
        next.escalation = 0;
        next.teamSince = next.queuedAt = event.at;
        for (const key of ['acknowledgedBy', 'transfer', 'offer', 'checkInBy', 'join', 'joinBy', 'joinAt', 'escalatedAt'] as const) delete next[key];
      }
      next.team = event.team;
      break;
    case 'message':
      break;
  }
  return next;
}

/** Reduce a flag's whole history (events in seq order). */
export function reduceEvents(events: readonly FlagEvent[]): Flag | undefined {
  let flag: Flag | undefined;
  for (const e of events) flag = applyEvent(flag, e);
  return flag;
}

/** Commands on an existing flag, as an element would offer them. */
export type FlagAction = Exclude<CommandEnvelope['command']['type'], 'raise' | 'end-interaction' | 'check-in' | 'set-status'>;
const FLAG_ACTIONS: readonly FlagAction[] = [
  'acknowledge',
  'lower',
  'send-message',
  'request-join',
  'cancel-join',
  'accept-join',
  'decline-join',
  'transfer',
  'accept-transfer',
  'decline-transfer',
];

/**
 * What `me` may do to `flag` right now, by the same rules the source of truth applies: the
 * commands that would be accepted and change something. Elements use it to offer only those.
 */
export function allowedActions(me: Participant, flag: Flag, config: FlagConfig, now = Date.now()): ReadonlySet<FlagAction> {
  const state: DecisionState = { flag: (id) => (id === flag.id ? flag : undefined), openFlagFor: () => undefined, interactionAgent: () => flag.agent.id };
  const allowed = new Set<FlagAction>();
  for (const type of FLAG_ACTIONS) {
    const command = (type === 'send-message' ? { type, flagId: flag.id, text: '·' } : { type, flagId: flag.id }) as CommandEnvelope['command'];
    const decision = decide(state, me, { id: 'preview', command }, now, config);
    if (!(decision instanceof FlagError) && decision.changed) allowed.add(type);
  }
  return allowed;
}
